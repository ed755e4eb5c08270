"""A shop: the catalogue, the goals and the search index an episode plays against."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

from hdbench.envs.webshop._search import SEARCH_RETURN_N, SearchIndex
from hdbench.schema import Goal, Product

log = logging.getLogger(__name__)


class Shop:
    """Products by asin, goals by id, and a BM25 index over the products."""

    def __init__(self, products: Sequence[Product], goals: Sequence[Goal], threads: int = 1) -> None:
        """Index ``products`` (``threads`` indexing threads) and key everything by id."""
        self.products: dict[str, Product] = {p.asin: p for p in products}
        self.goals: dict[str, Goal] = {g.goal_id: g for g in goals}
        missing = sorted({g.asin for g in goals} - self.products.keys())
        if missing:
            raise ValueError(f"{len(missing)} goal products are not in the catalogue, e.g. {missing[:3]}")
        self.index = SearchIndex.from_products(products, threads)

    def search(self, query: str) -> list[str]:
        """Asins of the top ``SEARCH_RETURN_N`` products for ``query``."""
        return self.index.search(query, SEARCH_RETURN_N)

    def goal(self, goal_id: str) -> Goal:
        """A goal by id, with a clear error for unknown ids."""
        try:
            return self.goals[goal_id]
        except KeyError:
            raise KeyError(f"unknown goal {goal_id!r} (this shop has {len(self.goals)} goals)") from None


@functools.lru_cache(maxsize=4)
def open_shop(path: str) -> Shop:
    """The shop of a game set folder, built once per process and path."""
    from hdbench.envs.webshop._store import read_game_set

    products, goals = read_game_set(Path(path))
    log.info("opened WebShop game set %s: %d products, %d goals", path, len(products), len(goals))
    return Shop(products, goals)
