"""The AI2-THOR floor plans shipped in the ``alfworld`` wheel (``alfworld/gen/layouts``).

Each plan ``N`` has ``FloorPlanN-objects.json`` (object types present), ``FloorPlanN-openable.json``
(receptacle instance id → the pose ``[x, z, rotation, horizon]`` from which it is reached) and
``FloorPlanN-layout.npy`` (navigable ``(x, z)`` points, 0.25 m grid). No object placements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import alfworld.gen.constants as C
import numpy as np

SCENE_TYPES: dict[str, range] = {name: rng for name, rng in C.SCENE_TYPE.items()}
"""Kitchen 1-30, LivingRoom 201-230, Bedroom 301-330, Bathroom 401-430."""


@dataclass(frozen=True)
class FloorPlan:
    """One floor plan's static data."""

    number: int
    scene_type: str
    object_types: frozenset[str]
    """Every object type present (receptacles, pickupable objects and scenery)."""
    receptacle_poses: tuple[tuple[str, tuple[float, float, int, int]], ...]
    """(THOR receptacle id, pose ``(x, z, rotation, horizon)``), sorted by id."""
    nav_points: tuple[tuple[float, float], ...]
    """Navigable ``(x, z)`` points."""

    @property
    def name(self) -> str:
        """``FloorPlanN``."""
        return f"FloorPlan{self.number}"


def _layout_dir():
    """The wheel's layouts folder."""
    return files("alfworld.gen") / "layouts"


def available_plans() -> list[int]:
    """Numbers of the floor plans shipped with the wheel, sorted."""
    names = (p.name for p in _layout_dir().iterdir() if p.name.endswith("-objects.json"))
    return sorted(int(n.removeprefix("FloorPlan").split("-")[0]) for n in names)


def scene_type_of(number: int) -> str:
    """Kitchen, LivingRoom, Bedroom or Bathroom."""
    return next(name for name, numbers in SCENE_TYPES.items() if number in numbers)


@cache
def load_plan(number: int) -> FloorPlan:
    """Read one floor plan (cached: the files never change)."""
    folder = _layout_dir()
    stem = f"FloorPlan{number}"
    try:
        types = json.loads((folder / f"{stem}-objects.json").read_text())
        poses = json.loads((folder / f"{stem}-openable.json").read_text())
        with (folder / f"{stem}-layout.npy").open("rb") as fh:
            points = np.load(fh)
    except FileNotFoundError:
        raise FileNotFoundError(f"floor plan {number} is not shipped in alfworld/gen/layouts") from None
    receptacles = tuple(
        sorted((rid, (float(p[0]), float(p[1]), int(p[2]), int(p[3]))) for rid, p in poses.items())
    )
    nav = tuple((round(float(x), 2), round(float(z), 2)) for x, z in points)
    return FloorPlan(number, scene_type_of(number), frozenset(types), receptacles, nav)


def split_plans(split: str) -> list[int]:
    """Floor plans of a split: train and valid_seen share ALFRED's train scenes; valid_unseen is held out.

    ALFRED's ``TRAIN_SCENE_NUMBERS`` (7-30 of each room type, 96 plans) feed ``train`` and
    ``valid_seen``; ``TEST_SCENE_NUMBERS`` (1-6 of each room type, 24 plans), never seen in training,
    feed ``valid_unseen``.
    """
    shipped = set(available_plans())
    numbers = C.TEST_SCENE_NUMBERS if split == "valid_unseen" else C.TRAIN_SCENE_NUMBERS
    return sorted(n for n in numbers if n in shipped)
