"""Writing a scene as a PDDL problem and a ``game.tw-pddl`` file in the official format.

The problem mirrors the official 2.1.1 files section by section (type constants, instances,
receptacles, locations; then receptacleType, objectType, canContain, pickupable, ... facts; then
ALFRED's goal), with names mangled the way ALFRED does (``|`` → ``_bar_``, ``+`` → ``_plus_``...).
Domain and grammar are the wheel's ``alfred.pddl`` / ``alfred.twl2``; the ``put`` grammar swaps the
``move X to Y`` phrasing for 2.1.1's ``put X in/on Y``.
"""

from __future__ import annotations

import re
from importlib.resources import files

import alfworld.gen.constants as C

from hdbench.envs.alfworld._goals import Goal, can_contain, goal_pddl
from hdbench.envs.alfworld._grammar import MOVE_TEMPLATE, PUT_TEMPLATE, GrammarVersion
from hdbench.envs.alfworld._scene import STATIC_RECEPTACLES, Scene, Thing

_MANGLE = {"-": "_minus_", "#": "-", "|": "_bar_", "+": "_plus_", ".": "_dot_", ",": "_comma_"}
_MANGLE_RE = re.compile("|".join(re.escape(k) for k in _MANGLE))
_INDENT = "\n        "
_ACTION_FACTS = (
    ("cleanable", "Cleanable"),
    ("heatable", "Heatable"),
    ("coolable", "Coolable"),
    ("sliceable", "Sliceable"),
)
_MOVE_TO_PUT = (
    (MOVE_TEMPLATE, PUT_TEMPLATE),
    ('"You move the {o.name} to the {r.name}."', '"You put the {o.name} in/on the {r.name}."'),
    ("move (object) to (receptacle):  ", "put (object) in/on (receptacle):"),
)


def mangle(name: str) -> str:
    """ALFRED's PDDL-safe spelling of a THOR name (``fix_pddl_str_chars``)."""
    return _MANGLE_RE.sub(lambda m: _MANGLE[m.group(0)], name)


def domain_text() -> str:
    """The wheel's ``alfred.pddl``."""
    return (files("alfworld") / "data" / "alfred.pddl").read_text()


def grammar_text(task: str, grammar: GrammarVersion) -> str:
    """The wheel's ``alfred.twl2`` with the task line filled in, in the requested phrasing."""
    text = (files("alfworld") / "data" / "alfred.twl2").read_text()
    if MOVE_TEMPLATE not in text:
        raise RuntimeError("the installed alfworld's alfred.twl2 has no 'move {o} to {r}' template")
    text = text.replace("UNKNOWN GOAL", task)
    if grammar is GrammarVersion.PUT:
        for old, new in _MOVE_TO_PUT:
            text = text.replace(old, new)
    return text


def _type_constants() -> str:
    """Class-name constants and their otypes/rtypes, as ALFRED declares them (sorted here)."""
    objects = sorted(C.OBJECTS_SET - STATIC_RECEPTACLES)
    return "\n".join(
        [
            _INDENT.join(f"{o} - object" for o in objects),
            _INDENT.join(f"{o}Type - otype" for o in objects),
            _INDENT.join(f"{r}Type - rtype" for r in sorted(STATIC_RECEPTACLES)),
        ]
    )


def _objects_section(scene: Scene, locations: list[str]) -> str:
    """The ``(:objects ...)`` body."""
    names = [f"{mangle(t.id)} - object" for t in sorted(scene.things, key=lambda t: t.id)]
    names += [f"{mangle(r.id)} - receptacle" for r in scene.receptacles]
    names += [f"{mangle(loc)} - location" for loc in locations]
    return (
        f"(:objects\nagent1 - agent\n{_type_constants()}\n\n\n        " + _INDENT.join(names) + "\n        )"
    )


def _fact(name: str, *args: str) -> str:
    return f"({name} {' '.join(args)})"


def _type_facts(scene: Scene) -> list[str]:
    """receptacleType, objectType and canContain facts."""
    facts = [_fact("receptacleType", mangle(r.id), f"{r.type}Type") for r in scene.receptacles]
    facts += [_fact("objectType", mangle(t.id), f"{t.type}Type") for t in scene.things]
    rtypes = sorted({r.type for r in scene.receptacles})
    otypes = sorted({t.type for t in scene.things if t.pickupable})
    facts += [
        _fact("canContain", f"{r}Type", f"{o}Type") for r in rtypes for o in otypes if can_contain(r, o)
    ]
    return facts


def _property_facts(scene: Scene) -> list[str]:
    """pickupable, isReceptacleObject, openable, cleanable/heatable/coolable/sliceable, toggleable."""
    things = sorted(scene.things, key=lambda t: t.id)
    facts = [_fact("pickupable", mangle(t.id)) for t in things if t.pickupable]
    facts += [
        _fact("isReceptacleObject", mangle(t.id)) for t in things if t.type in C.MOVABLE_RECEPTACLES_SET
    ]
    facts += [_fact("openable", mangle(r.id)) for r in scene.receptacles if r.type in C.OPENABLE_CLASS_SET]
    facts.append(_fact("atLocation", "agent1", mangle(scene.agent_loc)))
    for predicate, group in _ACTION_FACTS:
        facts += [
            _fact(predicate, mangle(t.id))
            for t in things
            if t.pickupable and t.type in C.VAL_ACTION_OBJECTS[group]
        ]
    facts += [
        _fact("toggleable", mangle(t.id)) for t in things if t.type in C.VAL_ACTION_OBJECTS["Toggleable"]
    ]
    return facts


def _place_facts(scene: Scene) -> list[str]:
    """inReceptacle, receptacleAtLocation and objectAtLocation facts."""
    inside: list[Thing] = [t for t in scene.things if t.receptacle]
    facts = [_fact("inReceptacle", mangle(t.id), mangle(t.receptacle)) for t in inside]
    facts += [_fact("receptacleAtLocation", mangle(r.id), mangle(r.loc)) for r in scene.receptacles]
    facts += [_fact("objectAtLocation", mangle(t.id), mangle(t.loc)) for t in scene.things]
    return facts


def problem_text(scene: Scene, goal: Goal, problem_id: str) -> str:
    """The PDDL problem of a scene and goal."""
    locations = {r.loc for r in scene.receptacles} | {t.loc for t in scene.things} | {scene.agent_loc}
    locations = sorted(locations)
    facts = _type_facts(scene) + _property_facts(scene) + _place_facts(scene)
    return (
        f"\n(define (problem plan_{problem_id})\n(:domain alfred)\n"
        f"{_objects_section(scene, locations)}\n    \n\n"
        f"(:init\n\n\n        {_INDENT.join(facts)}\n        )\n    \n\n{goal_pddl(goal)}"
    )
