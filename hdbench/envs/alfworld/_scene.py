"""Sampling a scene on a floor plan: receptacles with their poses, objects placed in compatible ones.

ALFRED placed objects with AI2-THOR's physics; offline we place each pickable object type present
in the plan (1-3 instances, as in the official games) in receptacles that ALFRED's compatibility
table (``constants.VAL_RECEPTACLE_OBJECTS``) allows, keeping the goal unsolved at the start.
Receptacle types that the plan lists without a recorded pose (e.g. StoveBurner, GarbageCan) get
instances at navigable points. Everything is drawn from one ``random.Random``: same seed, same scene.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import alfworld.gen.constants as C

from hdbench.envs.alfworld._goals import LAMPS, Goal, can_contain
from hdbench.envs.alfworld._layouts import FloorPlan

STATIC_RECEPTACLES = frozenset(C.RECEPTACLES - C.MOVABLE_RECEPTACLES_SET)
"""Receptacle types that are fixtures (not objects): they get ``- receptacle`` entries."""
_BASINS = {"Sink": "SinkBasin", "Bathtub": "BathtubBasin"}
_PARENTS = {basin: parent for parent, basin in _BASINS.items()}
_SYNTH_COUNTS = {"StoveBurner": 4, "Drawer": 3, "Shelf": 2, "Cabinet": 3}
LAMP_RECEPTACLES = ("Desk", "SideTable", "Dresser", "Shelf", "CoffeeTable", "DiningTable", "TVStand")
"""Where desk lamps stand (as in the official games)."""
PLACEABLE = (
    frozenset(t for types in C.VAL_RECEPTACLE_OBJECTS.values() for t in types if not t.endswith("Sliced"))
    - STATIC_RECEPTACLES
)
"""Object types ALFRED can put in some receptacle: the pickable ones."""
INSTANCE_COUNTS, INSTANCE_WEIGHTS = (1, 2, 3), (40, 35, 25)
TARGET_COUNTS, TARGET_WEIGHTS = (1, 2, 3, 4), (35, 35, 20, 10)


@dataclass(frozen=True)
class Receptacle:
    """A fixture the agent can go to."""

    id: str
    """THOR-style id, ``Type|x|y|z``."""
    type: str
    loc: str
    """THOR-style location, ``loc|x|z|rotation|horizon`` (grid units)."""


@dataclass(frozen=True)
class Thing:
    """An object instance: in a receptacle (pickable, lamps) or standing somewhere (scenery)."""

    id: str
    type: str
    loc: str
    receptacle: str | None = None
    pickupable: bool = False


@dataclass(frozen=True)
class Scene:
    """A sampled initial state."""

    plan: FloorPlan
    receptacles: tuple[Receptacle, ...]
    things: tuple[Thing, ...]
    agent_loc: str


def pose_loc(x: float, z: float, rotation: int, horizon: int) -> str:
    """A pose as ALFRED's location name (0.25 m grid, rotation in quarter turns)."""
    return f"loc|{round(x / 0.25)}|{round(z / 0.25)}|{(rotation // 90) % 4}|{horizon}"


def thor_id(kind: str, x: float, y: float, z: float) -> str:
    """A THOR-style instance id, ``Mug|+02.04|+00.89|-03.04``."""
    return f"{kind}|{x:+06.2f}|{y:+06.2f}|{z:+06.2f}"


def receptacle_types(plan: FloorPlan) -> set[str]:
    """The fixture receptacle types a scene on ``plan`` has (independent of the seed)."""
    posed = {_BASINS.get(rid.split("|")[0], rid.split("|")[0]) for rid, _ in plan.receptacle_poses}
    return {t for t in posed | set(plan.object_types) if t in STATIC_RECEPTACLES}


def pickable_types(plan: FloorPlan) -> set[str]:
    """Object types of ``plan`` that can be placed in one of its receptacles."""
    receps = receptacle_types(plan)
    return {t for t in plan.object_types & PLACEABLE if any(can_contain(r, t) for r in receps)}


def _posed_receptacles(plan: FloorPlan) -> list[Receptacle]:
    """Receptacles with a recorded pose (sinks and bathtubs become their basins, as in ALFRED)."""
    out = []
    for rid, (x, z, rot, hor) in plan.receptacle_poses:
        kind = rid.split("|")[0]
        if kind in _BASINS:
            rid, kind = f"{rid}|{_BASINS[kind]}", _BASINS[kind]
        if kind in STATIC_RECEPTACLES:
            out.append(Receptacle(rid, kind, pose_loc(x, z, rot, hor)))
    return out


def _random_pose(plan: FloorPlan, rng: random.Random) -> tuple[float, float, int, int]:
    """A navigable pose: a point of the plan's grid, a heading and a camera horizon."""
    x, z = rng.choice(plan.nav_points)
    return x, z, 90 * rng.randrange(4), rng.choice((30, 45, 60))


def build_receptacles(plan: FloorPlan, rng: random.Random) -> list[Receptacle]:
    """All fixture receptacles of a scene: posed ones, plus instances of listed-but-unposed types."""
    receps = _posed_receptacles(plan)
    missing = sorted(receptacle_types(plan) - {r.type for r in receps})
    for kind in missing:
        for _ in range(_SYNTH_COUNTS.get(kind, 1)):
            x, z, rot, hor = _random_pose(plan, rng)
            rid = thor_id(_PARENTS.get(kind, kind), x + rng.uniform(-0.6, 0.6), rng.uniform(0.0, 1.0),
                          z + rng.uniform(-0.6, 0.6))
            if kind in _PARENTS:  # ALFRED's basin ids: ``Sink|x|y|z|SinkBasin`` (named "sinkbasin 1")
                rid += f"|{kind}"
            receps.append(Receptacle(rid, kind, pose_loc(x, z, rot, hor)))
    return sorted(receps, key=lambda r: r.id)


class _Ids:
    """Unique THOR-style ids near a receptacle's coordinates."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = set(taken)

    def near(self, kind: str, anchor: str, rng: random.Random) -> str:
        """A fresh id for a ``kind`` instance close to ``anchor`` (an id or a location)."""
        parts = anchor.split("|")
        base = (
            [float(v) for v in parts[1:4]]
            if not anchor.startswith("loc|")
            else [float(parts[1]) * 0.25, 0.9, float(parts[2]) * 0.25]
        )
        while True:
            x, y, z = (v + rng.uniform(-0.35, 0.35) for v in base)
            new = thor_id(kind, x, abs(y), z)
            if new not in self.taken:
                self.taken.add(new)
                return new


def _count(kind: str, goal: Goal, rng: random.Random) -> int:
    """How many instances of ``kind`` to place: 1-3 for most types; the goal's type 1-4 (2-4 for
    pick-two tasks), as in the official games (ALFRED repeats the target up to 4 times)."""
    if kind != goal.object_target:
        return rng.choices(INSTANCE_COUNTS, INSTANCE_WEIGHTS)[0]
    if goal.min_objects > 1:
        return goal.min_objects - 1 + rng.choices(INSTANCE_COUNTS, INSTANCE_WEIGHTS)[0]
    return rng.choices(TARGET_COUNTS, TARGET_WEIGHTS)[0]


def _allowed(kind: str, recep: Receptacle, goal: Goal) -> bool:
    """Whether ``kind`` may start in ``recep``: compatible, and not already satisfying the goal."""
    if not can_contain(recep.type, kind):
        return False
    return not (kind == goal.object_target and recep.type == goal.parent_target)


def place_things(plan: FloorPlan, receps: list[Receptacle], goal: Goal, rng: random.Random) -> list[Thing]:
    """Pickable objects in receptacles, lamps on furniture, and the plan's scenery at navigable points."""
    ids = _Ids({r.id for r in receps})
    things: list[Thing] = []
    for kind in sorted(pickable_types(plan)):
        options = [r for r in receps if _allowed(kind, r, goal)]
        for _ in range(_count(kind, goal, rng) if options else 0):
            recep = rng.choice(options)
            things.append(Thing(ids.near(kind, recep.id, rng), kind, recep.loc, recep.id, pickupable=True))
    things += _lamps(plan, receps, ids, rng)
    things += _scenery(plan, {t.type for t in things}, ids, rng)
    return things


def _lamps(plan: FloorPlan, receps: list[Receptacle], ids: _Ids, rng: random.Random) -> list[Thing]:
    """Desk lamps, each standing in a piece of furniture (so the engine can toggle them)."""
    stands = [r for r in receps if r.type in LAMP_RECEPTACLES]
    lamps = []
    for kind in LAMPS:
        if kind in plan.object_types and stands:
            for _ in range(rng.choice((1, 1, 2))):
                recep = rng.choice(stands)
                lamps.append(Thing(ids.near(kind, recep.id, rng), kind, recep.loc, recep.id))
    return lamps


def _scenery(plan: FloorPlan, placed: set[str], ids: _Ids, rng: random.Random) -> list[Thing]:
    """Other object types of the plan (windows, chairs, light switches...) at navigable points."""
    kinds = sorted(
        t
        for t in plan.object_types
        if t in C.OBJECTS_SET
        and t not in STATIC_RECEPTACLES
        and t not in placed
        and t not in LAMPS
        and t not in PLACEABLE
    )
    out = []
    for kind in kinds:
        for _ in range(4 if kind == "StoveKnob" else 1):
            loc = pose_loc(*_random_pose(plan, rng))
            out.append(Thing(ids.near(kind, loc, rng), kind, loc))
    return out


def fewer_receptacles(
    receps: list[Receptacle], goal: Goal, limit: int, rng: random.Random
) -> list[Receptacle]:
    """At most ``limit`` of ``receps`` (an easier game: less to search), keeping what the goal needs:
    one receptacle of the goal's type, one lamp stand for a lamp goal, and one other receptacle
    where the goal's object can start."""
    pool = list(receps)
    kept: list[Receptacle] = []

    def keep(candidates: list[Receptacle]) -> None:
        if candidates and len(kept) < limit:
            pick = rng.choice(candidates)
            kept.append(pick)
            pool.remove(pick)

    keep([r for r in pool if goal.parent_target and r.type == goal.parent_target])
    keep([r for r in pool if goal.toggle_target and r.type in LAMP_RECEPTACLES])
    keep([r for r in pool if _allowed(goal.object_target, r, goal)])
    rng.shuffle(pool)
    kept += pool[: max(0, limit - len(kept))]
    return sorted(kept, key=lambda r: r.id)


def sample_scene(
    plan: FloorPlan, goal: Goal, rng: random.Random, max_receptacles: int | None = None
) -> Scene:
    """A full initial state for ``goal`` on ``plan`` (with at most ``max_receptacles`` receptacles)."""
    receps = build_receptacles(plan, rng)
    if max_receptacles is not None:
        receps = fewer_receptacles(receps, goal, max_receptacles, rng)
    things = place_things(plan, receps, goal, rng)
    agent = pose_loc(*_random_pose(plan, rng)[:3], 30)
    return Scene(plan, tuple(receps), tuple(things), agent)
