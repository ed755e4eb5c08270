"""Distributions of a game set that show whether it is a real shop or a toy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from statistics import mean, median

from pydantic import BaseModel, ConfigDict

from hdbench.envs.webshop._pages import PRODUCT_WINDOW
from hdbench.envs.webshop._shop import Shop
from hdbench.schema import Goal, Product


class GameSetStats(BaseModel):
    """Counts and distributions of a catalogue and its goals."""

    model_config = ConfigDict(extra="forbid")

    products: int
    goals: int
    product_types: int
    products_per_category: dict[str, int]
    goals_per_category: dict[str, int]
    goals_per_split: dict[str, int]
    attributes_per_goal: dict[int, int]
    options_per_goal: dict[int, int]
    instruction_words_mean: float
    instruction_words_median: float
    distinct_instruction_words: int
    distinct_title_words: int
    same_type_in_first_page_mean: float
    """Of the first results page for a goal's instruction, how many share the goal product's type."""
    goal_product_in_first_page: float
    """Share of goals whose own product is on the first results page of its instruction."""


def _words(texts: Sequence[str]) -> set[str]:
    """Distinct lower-case words of some texts."""
    return {w for t in texts for w in t.lower().split()}


def search_stats(shop: Shop, goals: Sequence[Goal]) -> tuple[float, float]:
    """(mean same-type results on page 1, share of goals with their product on page 1)."""
    same, found = [], 0
    for goal in goals:
        first = shop.search(goal.instruction_text)[:PRODUCT_WINDOW]
        same.append(sum(shop.products[a].query == goal.query for a in first))
        found += goal.asin in first
    return (mean(same) if same else 0.0), (found / len(goals) if goals else 0.0)


def game_set_stats(
    products: Sequence[Product], goals: Sequence[Goal], shop: Shop, sample: int = 500
) -> GameSetStats:
    """The distributions of a game set; search figures over the first ``sample`` goals."""
    lengths = [len(g.instruction_text.split()) for g in goals] or [0]
    same, found = search_stats(shop, goals[:sample])
    return GameSetStats(
        products=len(products),
        goals=len(goals),
        product_types=len({p.query for p in products}),
        products_per_category=dict(sorted(Counter(p.category for p in products).items())),
        goals_per_category=dict(sorted(Counter(g.category for g in goals).items())),
        goals_per_split=dict(Counter(g.split for g in goals)),
        attributes_per_goal=dict(sorted(Counter(len(g.attributes) for g in goals).items())),
        options_per_goal=dict(sorted(Counter(len(g.goal_options) for g in goals).items())),
        instruction_words_mean=mean(lengths),
        instruction_words_median=median(lengths),
        distinct_instruction_words=len(_words([g.instruction_text for g in goals])),
        distinct_title_words=len(_words([p.name for p in products])),
        same_type_in_first_page_mean=same,
        goal_product_in_first_page=found,
    )
