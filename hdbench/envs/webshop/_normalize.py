"""Colour and size normalisation of option values, as WebShop's reward uses it.

The word lists are the original's (``web_agent_site/engine/normalize.py``); their order matters,
because ``normalize_color`` returns the *first* listed colour contained in the text
(so "dark grey" normalises to "dark" and "violet lavender" to "lavender").
"""

from __future__ import annotations

import re

# fmt: off
COLOR_SET: tuple[str, ...] = (
    "alabaster", "apricot", "aqua", "ash", "asphalt", "azure", "banana", "beige", "black", "blue",
    "blush", "bordeaux", "bronze", "brown", "burgundy", "camel", "camo", "caramel", "champagne",
    "charcoal", "cheetah", "chestnut", "chocolate", "christmas", "coffee", "cognac", "copper", "coral",
    "cranberry", "cream", "crystal", "dark", "denim", "eggplant", "elephant", "espresso", "fuchsia",
    "gold", "granite", "grape", "graphite", "grass", "gray", "green", "grey", "heather", "indigo",
    "ivory", "ivy", "khaki", "lavender", "lemon", "leopard", "light", "lilac", "lime", "magenta",
    "maroon", "mauve", "merlot", "midnight", "mint", "mocha", "multicolor", "mushroom", "mustard",
    "natural", "navy", "nude", "olive", "orange", "peach", "pewter", "pink", "plum", "purple",
    "rainbow", "red", "rose", "royal", "rust", "sand", "sapphire", "seashell", "silver", "skull",
    "slate", "steel", "stone", "stonewash", "sunflower", "tan", "taupe", "teal", "tiger", "turquoise",
    "violet", "walnut", "wheat", "white", "wine", "yellow",
)

SIZE_SET: tuple[str, ...] = (
    "xx-large", "3x-large", "4x-large", "5x-large", "x-large", "x-small", "medium", "large", "small",
    "queen", "twin", "full", "king", "one size", "pack",
)

# fmt: on

_SIZE_REGEXES: tuple[str, ...] = (
    r"(.*)neck(.*)sleeve",
    r"(.*) women \| (.*) men",
    r"(.*)w x(.*)l",
    r"(.*)w by (.*)l",
    r"(.*)w x(.*)h",
    r"(.*)wide",
    r"(.*)x-wide",
    r"(.*)narrow",
    r"(.*)petite",
    r"(.*)inch",
    r"(.*)plus",
    r"(.*)mm",
    r"women(.*)",
    r"(.*)x(.*)",
    r"(.*)ft",
    r"(.*)feet",
    r"(.*)meter",
    r"(.*)yards",
    r"(.*)\*(.*)",
    r"(.*)\-(.*)",
    r'(\d+)"$',
    r"(\d+)f$",
    r"(\d+)m$",
    r"(\d+)cm$",
    r"(\d+)g$",
)
SIZE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(s) for s in SIZE_SET + _SIZE_REGEXES)
NOT_MATCHED = "not_matched"


def normalize_color(text: str) -> str:
    """The first colour of ``COLOR_SET`` that occurs in ``text`` (as a substring), else ``text``."""
    for color in COLOR_SET:
        if color in text:
            return color
    return text


def color_class(text: str) -> str:
    """Colour class of an option value: its ``COLOR_SET`` colour, or ``not_matched``."""
    found = normalize_color(text.lower())
    return found if found in COLOR_SET else NOT_MATCHED


def size_class(text: str) -> str:
    """Size class of an option value: the first matching size pattern, ``numeric_size`` or ``not_matched``."""
    text = text.lower()
    for pattern in SIZE_PATTERNS:
        if pattern.search(text):
            return pattern.pattern
    if text.replace(".", "", 1).isdigit():
        return "numeric_size"
    return NOT_MATCHED
