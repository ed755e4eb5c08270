"""Game sets on disk: an hdbench release with configs ``products`` and ``goals``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from hdbench.release import ReleaseError, ReleaseSpec, open_release, write_release
from hdbench.schema import Goal, Product

PRODUCTS = "products"
GOALS = "goals"
CATALOGUE_SPLIT = "catalogue"
"""The one split of the ``products`` config."""
GOAL_SPLITS = ("test", "dev", "train")


def goals_by_split(goals: Sequence[Goal]) -> dict[str, list[Goal]]:
    """Goals grouped by split, in ``GOAL_SPLITS`` order, empty splits left out."""
    groups: dict[str, list[Goal]] = defaultdict(list)
    for goal in goals:
        groups[goal.split].append(goal)
    return {s: groups[s] for s in GOAL_SPLITS if groups.get(s)} | {
        s: g for s, g in groups.items() if s not in GOAL_SPLITS
    }


def write_game_set(out: Path, spec: ReleaseSpec, products: Sequence[Product], goals: Sequence[Goal]) -> Path:
    """Write products and goals as a release at ``out`` (one version folder); return ``out``."""
    data = {PRODUCTS: {CATALOGUE_SPLIT: list(products)}, GOALS: goals_by_split(goals)}
    return write_release(out, spec, data).path


def is_game_set(path: Path) -> bool:
    """Whether ``path`` is a release holding both ``products`` and ``goals``."""
    try:
        configs = open_release(path).configs
    except (ReleaseError, OSError):
        return False
    return PRODUCTS in configs and GOALS in configs


def read_game_set(path: Path) -> tuple[list[Product], list[Goal]]:
    """Products and goals (every split, in ``fixed_i`` order) of a game set."""
    release = open_release(path)
    products = [p for s in release.splits(PRODUCTS) for p in release.read(PRODUCTS, s)]
    goals = [g for s in release.splits(GOALS) for g in release.read(GOALS, s)]
    goals.sort(key=lambda g: int(g.goal_id.removeprefix("fixed_")))
    return products, goals  # type: ignore[return-value]
