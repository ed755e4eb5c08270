"""Goals of the six ALFWorld task types: which are possible in a scene, their PDDL and task line.

PDDL goals and task-line templates come from the wheel's ``alfworld/gen/goal_library.py`` (ALFRED's
own), and which room types may host which task from ``constants.GOALS_VALID``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import alfworld.gen.constants as C
import alfworld.gen.goal_library as glib

HEAT, COOL, CLEAN = "Microwave", "Fridge", "SinkBasin"
LAMPS = ("DeskLamp",)
"""Only desk lamps: a floor lamp stands in no receptacle, so the engine cannot toggle it (the 13
official FloorLamp games are all marked unsolvable)."""

_NEEDS = {
    "pick_heat_then_place_in_recep": ("Heatable", HEAT),
    "pick_cool_then_place_in_recep": ("Coolable", COOL),
    "pick_clean_then_place_in_recep": ("Cleanable", CLEAN),
}


@dataclass(frozen=True)
class Goal:
    """One task: its type and the object/receptacle/lamp types it names."""

    task_type: str
    object_target: str
    parent_target: str = ""
    """Receptacle type to place into ("" for look_at_obj_in_light)."""
    toggle_target: str = ""
    """Lamp type for look_at_obj_in_light ("" otherwise)."""

    @property
    def folder(self) -> str:
        """The official task-folder stem: ``<type>-<Object>-<Mrecep>-<Recep or Lamp>``."""
        last = self.parent_target or self.toggle_target
        return f"{self.task_type}-{self.object_target}-None-{last}"

    @property
    def min_objects(self) -> int:
        """Instances of the target object the goal needs."""
        return 2 if self.task_type == "pick_two_obj_and_place" else 1


def can_contain(receptacle_type: str, object_type: str) -> bool:
    """Whether ALFRED allows ``object_type`` in ``receptacle_type``."""
    return object_type in C.VAL_RECEPTACLE_OBJECTS.get(receptacle_type, ())


def candidate_goals(
    task_type: str,
    scene_type: str,
    receptacle_types: set[str],
    object_types: set[str],
    present_types: set[str],
) -> list[Goal]:
    """Every goal of ``task_type`` that a scene supports.

    ``object_types`` are the pickable types, ``present_types`` every type the floor plan lists.
    """
    if scene_type not in C.GOALS_VALID[task_type]:
        return []
    if task_type == "look_at_obj_in_light":
        lamps = [lamp for lamp in LAMPS if lamp in present_types]
        return [Goal(task_type, o, toggle_target=lamp) for lamp in lamps for o in sorted(object_types)]
    action, appliance = _NEEDS.get(task_type, ("", ""))
    if appliance and appliance not in receptacle_types:
        return []
    goals = []
    for obj in sorted(object_types):
        if action and obj not in C.VAL_ACTION_OBJECTS[action]:
            continue
        for recep in sorted(receptacle_types):
            # the object must be able to start somewhere else than in the goal's receptacle type
            elsewhere = any(can_contain(r, obj) for r in receptacle_types if r != recep)
            if recep != appliance and can_contain(recep, obj) and elsewhere:
                goals.append(Goal(task_type, obj, parent_target=recep))
    return goals


def goal_pddl(goal: Goal) -> str:
    """The ``(:goal ...)`` block (with the problem's closing parenthesis), as ALFRED writes it."""
    template = glib.gdict[goal.task_type]["pddl"]
    text = template.format(obj=goal.object_target, recep=goal.parent_target, toggle=goal.toggle_target)
    return text.replace("#", "-")


def task_text(goal: Goal, rng: random.Random) -> str:
    """The task line (without "Your task is to: "), from one of the goal library's templates."""
    template = rng.choice(glib.gdict[goal.task_type]["templates"])
    return template.format(
        obj=goal.object_target.lower(),
        recep=goal.parent_target.lower(),
        toggle=goal.toggle_target.lower(),
        mrecep="",
    )
