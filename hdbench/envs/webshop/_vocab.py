"""Option value pools shared by product types of the generated catalogue.

Values are written the way the original loader stores them: lower case, ``/`` as `` | ``.
No value collides with a page button (``buy now``, ``description``...), so every value is a
clickable of its own, as on the original item page.
"""

from __future__ import annotations

# fmt: off
OPTION_POOLS: dict[str, tuple[str, ...]] = {
    "apparel_color": (
        "black", "white", "heather grey", "navy blue", "charcoal", "olive green", "burgundy", "khaki",
        "royal blue", "light pink", "wine red", "army green", "beige", "light blue", "dark grey",
        "coral",
    ),
    "apparel_size": ("x-small", "small", "medium", "large", "x-large", "xx-large", "3x-large", "4x-large"),
    "shoe_size": ("5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12", "13"),
    "shoe_color": ("black", "white", "black | white", "grey", "navy", "brown", "tan", "red", "olive", "pink"),
    "hair_color": (
        "jet black", "natural black", "dark brown", "medium brown", "chestnut brown", "light brown",
        "ash blonde", "honey blonde", "platinum blonde", "auburn", "burgundy red", "ombre brown",
    ),
    "hair_length": ("12 inch", "14 inch", "16 inch", "18 inch", "20 inch", "22 inch", "24 inch", "26 inch"),
    "scent": (
        "lavender", "vanilla", "unscented", "eucalyptus mint", "coconut", "rose", "sandalwood",
        "citrus", "tea tree", "fresh linen", "ocean breeze", "cherry blossom",
    ),
    "volume": ("1 fl oz", "1.7 fl oz", "2 fl oz", "3.4 fl oz", "4 fl oz", "8 fl oz", "12 fl oz", "16 fl oz"),
    "shade": (
        "fair", "light", "light medium", "medium", "medium tan", "tan", "deep", "rich espresso",
        "nude beige", "warm sand", "soft ivory", "golden honey",
    ),
    "lip_color": ("ruby red", "nude pink", "berry", "coral crush", "mauve", "plum", "rose pink", "brick red"),
    "count": ("pack of 1", "pack of 2", "pack of 3", "pack of 4", "pack of 6", "pack of 12", "pack of 24"),
    "device_color": ("black", "white", "silver", "space grey", "blue", "rose gold", "midnight green", "red"),
    "storage": ("32gb", "64gb", "128gb", "256gb", "512gb", "1tb", "2tb"),
    "cable_length": ("3 ft", "6 ft", "10 ft", "15 ft", "25 ft", "50 ft"),
    "screen_size": ("24 inch", "27 inch", "32 inch", "43 inch", "50 inch", "55 inch", "65 inch"),
    "style_bundle": ("with charger", "without charger", "2 pack", "bundle with case", "base model"),
    "phone_model": (
        "iphone 13", "iphone 14", "iphone 15", "iphone 15 pro", "galaxy s23", "galaxy s24", "pixel 8",
        "pixel 9",
    ),
    "flavor": (
        "original", "sea salt", "barbecue", "sour cream & onion", "honey mustard", "jalapeno",
        "cheddar", "salt & vinegar", "chili lime", "garlic parmesan",
    ),
    "sweet_flavor": (
        "chocolate", "vanilla bean", "strawberry", "peanut butter", "salted caramel",
        "cookies & cream", "birthday cake", "mint chocolate", "blueberry", "cinnamon",
    ),
    "drink_flavor": (
        "original", "decaf", "french vanilla", "hazelnut", "mocha", "caramel", "peppermint",
        "pumpkin spice", "dark roast", "medium roast", "light roast",
    ),
    "weight": (
        "3 ounce (pack of 1)", "4 ounce (pack of 2)", "8 ounce (pack of 1)", "12 ounce (pack of 1)",
        "16 ounce (pack of 1)", "1 pound (pack of 2)", "2 pound (pack of 1)", "5 pound (pack of 1)",
        "1.5 ounce (pack of 12)", "6 ounce (pack of 6)",
    ),
    "pod_count": ("12 count", "24 count", "32 count", "48 count", "72 count", "96 count"),
    "furniture_color": (
        "espresso", "walnut", "natural oak", "white", "black", "grey", "rustic brown", "cherry",
        "light grey", "navy", "beige", "green",
    ),
    "bed_size": ("twin", "twin xl", "full", "queen", "king", "california king"),
    "rug_size": ("2' x 3'", "3' x 5'", "4' x 6'", "5' x 7'", "6' x 9'", "8' x 10'", "9' x 12'"),
    "curtain_size": ("42w x 63l", "42w x 84l", "52w x 63l", "52w x 84l", "52w x 95l", "84w x 84l"),
    "furniture_size": (
        "small", "medium", "large", "2-tier", "3-tier", "4-tier", "5-tier", "24 inch", "30 inch",
        "36 inch",
    ),
    "pillow_size": ("16 x 16 inch", "18 x 18 inch", "20 x 20 inch", "22 x 22 inch", "12 x 20 inch"),
    "material": ("solid wood", "metal", "bamboo", "engineered wood", "rattan", "velvet", "linen", "leather"),
    "set_count": ("set of 1", "set of 2", "set of 4", "set of 6"),
    "jewelry_color": ("gold", "silver", "rose gold", "white gold", "black", "two tone"),
    "band_size": ("38mm", "40mm", "41mm", "42mm", "44mm", "45mm"),
}

BRAND_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "Ar", "Bel", "Cor", "Dex", "El", "Fen", "Gal", "Hal", "Iv", "Jor", "Kel", "Lum", "Mar", "Nov",
        "Or", "Pax", "Quin", "Ros", "Sol", "Tav", "Ul", "Vex", "Wyn", "Xan", "Yar", "Zen", "Bri",
        "Cla", "Dor", "Ev",
    ),
    (
        "a", "ella", "ora", "ix", "on", "ana", "ex", "io", "ia", "ly", "ton", "ova", "ique", "enza",
        "ara", "is", "eo", "ida", "um", "os",
    ),
)
# fmt: on
"""Syllables brand names are made of (600 stems)."""

BRAND_SUFFIXES: tuple[str, ...] = (
    "", "", "", "", "Home", "Pro", "Co", "Life", "Lab", "Essentials", "Works", "Studio", "Basics", "Craft",
    "Living", "Naturals",
)  # fmt: skip
"""Second words of brand names ("" four times: most brands are one word); 7,800 brands in all."""
