"""WebShop's pages as state, their clickables, and their text in the original's "simple" mode.

The text is what the original text env shows for ``observation_mode="text"``: every visible text
of the page's HTML template, stripped and joined with `` [SEP] ``. Clickables are the lower-cased
button texts, product ids and option values of the page, as ``get_available_actions`` lists them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from hdbench.schema import Product

SEP = " [SEP] "
PRODUCT_WINDOW = 10
"""Results per page (the original's ``PRODUCT_WINDOW``)."""
BUY_NOW = "Buy Now"
NEXT_PAGE = "Next >"
PREV_PAGE = "< Prev"
BACK_TO_SEARCH = "Back to Search"
SUB_PAGES = ("Description", "Features", "Reviews")


class PageKind(StrEnum):
    """Which template is on screen."""

    SEARCH = "search"
    RESULTS = "search_results"
    ITEM = "item_page"
    SUB = "item_sub_page"
    DONE = "done"


@dataclass
class PageState:
    """The session state of the original server, for one episode."""

    instruction: str
    kind: PageKind = PageKind.SEARCH
    keywords: str = ""
    results: list[str] = field(default_factory=list)
    page: int = 1
    asin: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    sub_page: str = ""
    reward: float = 0.0

    def page_asins(self) -> list[str]:
        """Asins shown on the current results page."""
        return self.results[(self.page - 1) * PRODUCT_WINDOW : self.page * PRODUCT_WINDOW]


def price_tag(product: Product) -> str:
    """``$10.99`` or ``$10.99 to $15.49``, formatted as the original loader does."""
    return " to ".join(f"${p}" for p in product.pricing)


def option_owner(product: Product) -> dict[str, str]:
    """Clickable option value -> option name (a value listed twice belongs to the last option)."""
    return {v: o.name for o in product.customization_options for v in o.values}


def clickables(state: PageState, product: Product | None) -> dict[str, str]:
    """Lower-cased clickable -> text as displayed, for the page on screen."""
    names: list[str] = []
    if state.kind is PageKind.SEARCH:
        names = ["Search"]
    elif state.kind is PageKind.RESULTS:
        names = [BACK_TO_SEARCH] + ([PREV_PAGE] if state.page > 1 else []) + [NEXT_PAGE] + state.page_asins()
    elif state.kind is PageKind.ITEM and product is not None:
        names = [BACK_TO_SEARCH, PREV_PAGE, *SUB_PAGES, BUY_NOW]
        names += [v for o in product.customization_options for v in o.values]
    elif state.kind is PageKind.SUB:
        names = [BACK_TO_SEARCH, PREV_PAGE]
    return {n.lower(): n for n in names}


def _header(state: PageState) -> list[str]:
    """Instruction and the Back to Search button, shared by every inner page."""
    return ["Instruction:", state.instruction, BACK_TO_SEARCH]


def render_search(state: PageState) -> list[str]:
    """The start page."""
    return ["WebShop", "Instruction:", state.instruction, "Search"]


def render_results(state: PageState, catalogue: dict[str, Product]) -> list[str]:
    """A results page: page number, total, pagination buttons, then id, title and price per product."""
    texts = [*_header(state), f"Page {state.page} (Total results: {len(state.results)})"]
    texts += ([PREV_PAGE] if state.page > 1 else []) + [NEXT_PAGE]
    for asin in state.page_asins():
        product = catalogue[asin]
        texts += [asin, product.name, price_tag(product)]
    return texts


def render_item(state: PageState, product: Product) -> list[str]:
    """An item page: options with their values, title, price, rating, sub-page buttons, Buy Now."""
    texts = [*_header(state), PREV_PAGE]
    for option in product.customization_options:
        texts += [option.name, *option.values]
    texts += [product.name, f"Price: {price_tag(product)}", f"Rating: {product.rating}", *SUB_PAGES, BUY_NOW]
    return texts


def render_sub_page(state: PageState, product: Product) -> list[str]:
    """Description, Features (bullet points) or Reviews (none are shipped, as in the original)."""
    texts = [*_header(state), PREV_PAGE]
    if state.sub_page == "Description":
        texts.append(product.full_description)
    elif state.sub_page == "Features":
        texts += product.small_description
    return texts


def render_done(state: PageState) -> list[str]:
    """The thank-you page with the purchase and its score (goal fields are blank, as in the original)."""
    options = json.dumps(state.options)
    return [
        "Thank you for shopping with us!",
        "Your code:",
        "None",
        "(Paste it in your MTurk interface.)",
        "Purchased",
        "asin",
        str(state.asin),
        "options",
        options,
        "attrs",
        "None",
        "category",
        "None",
        "query",
        "None",
        "product category",
        "None",
        "Target",
        "asin",
        "options",
        "attrs",
        "price upper",
        "instuction text",
        "category",
        "product category",
        "query",
        "Goal",
        "None",
        "Reward",
        "Your score (min 0.0, max 1.0)",
        str(state.reward),
        "Reward Details",
        "None",
    ]


def render(state: PageState, catalogue: dict[str, Product]) -> str:
    """The page on screen in simple text mode."""
    product = catalogue.get(state.asin) if state.asin else None
    if state.kind is PageKind.SEARCH:
        texts = render_search(state)
    elif state.kind is PageKind.RESULTS:
        texts = render_results(state, catalogue)
    elif state.kind is PageKind.ITEM and product is not None:
        texts = render_item(state, product)
    elif state.kind is PageKind.SUB and product is not None:
        texts = render_sub_page(state, product)
    else:
        texts = render_done(state)
    return SEP.join(t.strip() for t in texts)
