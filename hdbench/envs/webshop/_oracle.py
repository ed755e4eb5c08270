"""The reference policy: search, open the goal product, choose its options, buy.

It is privileged (it knows the goal's asin and peeks at the search index to plan), which is what a
leaderboard's oracle row is for: it shows every goal is solvable with reward 1 within the budget.
"""

from __future__ import annotations

from collections.abc import Iterator

from hdbench.envs.webshop._pages import BUY_NOW, NEXT_PAGE, PRODUCT_WINDOW
from hdbench.envs.webshop._search import document_text
from hdbench.envs.webshop._shop import Shop
from hdbench.schema import Goal

MAX_PAGES_BY_INSTRUCTION = 2
"""Page through at most this many results pages of the instruction search before searching the title."""


def result_page(shop: Shop, query: str, asin: str) -> int | None:
    """The 1-based results page on which ``asin`` appears for ``query``, if it does."""
    results = shop.search(query)
    return results.index(asin) // PRODUCT_WINDOW + 1 if asin in results else None


def find_product(shop: Shop, goal: Goal) -> list[str]:
    """Actions from the search page to the goal product's results page.

    The instruction first (if the product is on its first pages), else the product's title, else its
    whole indexed text (titles repeat in a large catalogue: brand and type are shared by many products).
    """
    product = shop.products[goal.asin]
    queries = [
        (goal.instruction_text, MAX_PAGES_BY_INSTRUCTION),
        (product.name, 5),
        (document_text(product), 5),
    ]
    for query, max_page in queries:
        page = result_page(shop, query, goal.asin)
        if page is not None and page <= max_page:
            return [f"search[{query}]"] + [f"click[{NEXT_PAGE}]"] * (page - 1)
    raise LookupError(f"{goal.goal_id}: product {goal.asin} is not found by its title nor by its text")


def oracle_actions(shop: Shop, goal: Goal) -> Iterator[str]:
    """The oracle's actions for ``goal``, from the search page to Buy Now."""
    yield from find_product(shop, goal)
    yield f"click[{goal.asin}]"
    for option in goal.goal_options:
        yield f"click[{option.value}]"
    yield f"click[{BUY_NOW}]"
