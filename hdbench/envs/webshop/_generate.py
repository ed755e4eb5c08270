"""Offline catalogue generator: products in the original's schema, deterministic by seed.

Each product is drawn from a product type of ``_taxonomy`` (uniformly over types, so the five
categories are about equally large): an invented brand, a title made of descriptors, attribute
phrases, the type's noun and an audience, a subset of the type's attributes, option sets drawn
from shared pools, a price (sometimes a range, as in the original) and bullet points and a
description that mention the product's own attributes only. Many products share a type, brand
words and title words, so a search for one goal returns look-alikes that differ in attributes,
options or price.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator

from hdbench.envs.webshop._taxonomy import ProductType, product_types
from hdbench.envs.webshop._vocab import BRAND_PARTS, BRAND_SUFFIXES, OPTION_POOLS
from hdbench.schema import Product, ProductOption

ASIN_CHARS = string.ascii_uppercase + string.digits
RANGE_SHARE = 0.15
"""Share of products listed with a price range ("$x to $y"), as some original listings are."""

_BULLETS = (
    "{A}: {brand} {noun} featuring {attr}, tested for everyday use.",
    "{A} & {A2} - designed around {attr} and {attr2} for a better experience.",
    "WHY {BRAND}: {attr} and {attr2}; a {noun} you will reach for again.",
    "WHAT YOU GET: one {brand} {noun} ({attr}); backed by our 30-day satisfaction promise.",
    "EVERYDAY {A}: {attr} at home, at work and on the go.",
)
_DESCRIPTIONS = (
    "The {brand} {noun} is {attr}. {Brand2} customers choose it because it is {attr2}.",
    "Meet the {noun} from {brand}: {attr}, {attr2}, and priced for every day.",
    "Designed in-house by {brand}, this {noun} is {attr}. Great as a gift or for yourself.",
)


def brand_names() -> list[str]:
    """The invented brand names (7,800: stem + optional second word), in a fixed order."""
    first, second = BRAND_PARTS
    return sorted({f"{a}{b} {c}".strip() for a in first for b in second for c in BRAND_SUFFIXES})


def make_asin(rng: random.Random, taken: set[str]) -> str:
    """A fresh 10-character id in Amazon's ``B0...`` style."""
    while True:
        asin = "B0" + "".join(rng.choices(ASIN_CHARS, k=8))
        if asin not in taken:
            taken.add(asin)
            return asin


def capwords(phrase: str) -> str:
    """Title-case a phrase, keeping tokens with digits as they are (``usb 3.0`` -> ``Usb 3.0``)."""
    return " ".join(w if any(c.isdigit() for c in w) else w.title() for w in phrase.split())


def draw_options(kind: ProductType, rng: random.Random) -> list[ProductOption]:
    """Option sets of one product: each of the type's options with some chance, 2-8 pool values each."""
    options: list[ProductOption] = []
    used: set[str] = set()
    for i, (name, pool_name) in enumerate(kind.options):
        if rng.random() > (0.9 if i == 0 else 0.7):
            continue
        pool = [v for v in OPTION_POOLS[pool_name] if v not in used]
        k = rng.randint(min(2, len(pool)), min(8, len(pool)))
        picked = set(rng.sample(pool, k))
        values = [v for v in pool if v in picked]  # keep the pool's natural order (sizes ascending)
        used.update(values)
        options.append(ProductOption(name=name, values=values))
    return options


def draw_price(kind: ProductType, rng: random.Random) -> tuple[list[float], float]:
    """Listed pricing (one price or a range) and the price charged at purchase."""
    lo, hi = kind.price
    base = round(rng.uniform(lo, hi)) - rng.choice((0.01, 0.05, 0.51, 0.0))
    base = max(base, 0.99)
    if rng.random() < RANGE_SHARE:
        top = round(base * rng.uniform(1.2, 1.9), 2)
        return [round(base, 2), top], round(rng.uniform(base, top), 2)
    return [round(base, 2)], round(base, 2)


def draw_title(
    kind: ProductType, brand: str, attrs: list[str], options: list[ProductOption], rng: random.Random
) -> str:
    """A marketplace-style title: brand, descriptor, attribute phrases, noun, audience, spec."""
    parts = [brand]
    if rng.random() < 0.7:
        parts.append(rng.choice(kind.descriptors))
    parts += [capwords(a) for a in attrs[: rng.randint(0, 2)]]
    parts.append(kind.noun)
    if kind.audiences and rng.random() < 0.6:
        parts.append(rng.choice(kind.audiences))
    title = " ".join(parts)
    if options and rng.random() < 0.3:
        title += f", {capwords(rng.choice(options[-1].values))}"
    return title


def draw_text(kind: ProductType, brand: str, attrs: list[str], rng: random.Random) -> tuple[list[str], str]:
    """Bullet points and a description that mention this product's attributes only."""
    noun = kind.noun.lower()
    bullets = []
    for template in rng.sample(_BULLETS, rng.randint(3, len(_BULLETS))):
        a, a2 = rng.sample(attrs, 2) if len(attrs) > 1 else (attrs[0], attrs[0])
        fields = dict(
            A=a.upper(), A2=a2.upper(), attr=a, attr2=a2, noun=noun, brand=brand, BRAND=brand.upper()
        )
        bullets.append(template.format(**fields))
    a, a2 = rng.sample(attrs, 2) if len(attrs) > 1 else (attrs[0], attrs[0])
    desc = rng.choice(_DESCRIPTIONS).format(brand=brand, Brand2=brand, noun=noun, attr=a, attr2=a2)
    said = " ".join(bullets).lower() + " " + desc.lower()
    unsaid = [x for x in attrs if x not in said]
    if unsaid:  # every attribute is readable somewhere on the item's pages
        bullets.append(f"MORE TO LOVE: {', '.join(unsaid)}.")
    return bullets, desc


def draw_product(kind: ProductType, brand: str, asin: str, rng: random.Random) -> Product:
    """One product of ``kind``."""
    attrs = rng.sample(
        kind.attributes, rng.randint(min(2, len(kind.attributes)), min(5, len(kind.attributes)))
    )
    options = draw_options(kind, rng)
    pricing, price = draw_price(kind, rng)
    bullets, desc = draw_text(kind, brand, attrs, rng)
    return Product.model_construct(
        asin=asin,
        name=draw_title(kind, brand, attrs, options, rng),
        category=kind.category,
        query=kind.query,
        product_category=kind.product_category,
        pricing=pricing,
        price=price,
        small_description=bullets,
        full_description=desc,
        customization_options=options,
        attributes=attrs,
        rating="N.A.",
    )


def iter_products(n: int, seed: int) -> Iterator[Product]:
    """``n`` generated products, the same for the same ``(n, seed)`` (a prefix for a smaller ``n``)."""
    rng = random.Random(seed)
    kinds, brands = product_types(), brand_names()
    taken: set[str] = set()
    for _ in range(n):
        kind = rng.choice(kinds)
        yield draw_product(kind, rng.choice(brands), make_asin(rng, taken), rng)


def generate_products(n: int, seed: int = 0) -> list[Product]:
    """A catalogue of ``n`` products (see ``iter_products``)."""
    return list(iter_products(n, seed))
