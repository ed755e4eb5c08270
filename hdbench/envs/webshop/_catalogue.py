"""Loader for the original WebShop data files, when a user has them.

Reads ``items_shuffle*.json`` (products), ``items_ins_v2*.json`` (attributes and synthetic
instructions) and ``items_human_ins.json`` (human instructions) from one folder, applying the
original loader's cleaning (``web_agent_site/engine/engine.py``: ``load_products``): asins that are
'nan' or longer than 10 characters and repeated asins are skipped, prices parsed from "$x" /
"$x$y" strings (``$100.0`` when absent), option names and values lower-cased with "/" written
" | ", a product without attributes gets ``DUMMY_ATTR``. The price a purchase is charged is drawn
once from a price range, as ``generate_product_prices`` does, but from a seeded generator.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from hdbench.envs.webshop._goals import attribute_weights, goal_dict, number_goals, option_text, price_bound
from hdbench.schema import Goal, GoalOption, Product, ProductOption

log = logging.getLogger(__name__)

DEFAULT_PRICE = 100.0
DUMMY_ATTR = "DUMMY_ATTR"


def find_file(folder: Path, stem: str) -> Path:
    """``stem.json`` if present, else the one ``stem_*.json`` (e.g. ``items_shuffle_1000.json``)."""
    exact = folder / f"{stem}.json"
    if exact.is_file():
        return exact
    found = sorted(folder.glob(f"{stem}_*.json"))
    if not found:
        raise FileNotFoundError(f"no {stem}.json or {stem}_*.json in {folder}")
    return found[0]


def parse_pricing(text: str | None) -> list[float]:
    """``"$12.99"`` -> [12.99]; ``"$12.99$15.99"`` -> [12.99, 15.99]; missing -> [100.0]."""
    if not text:
        return [DEFAULT_PRICE]
    prices = [
        float(Decimal(re.sub(r"[^\d.]", "", p))) for p in text.split("$")[1:] if re.sub(r"[^\d.]", "", p)
    ]
    return prices[:2] or [DEFAULT_PRICE]


def parse_options(raw: dict[str, Any] | None) -> list[ProductOption]:
    """Customisation options with lower-cased names and values, "/" written " | "."""
    options = []
    for name, contents in (raw or {}).items():
        if not contents:
            continue
        values = [c["value"].strip().replace("/", " | ").lower() for c in contents]
        options.append(ProductOption(name=name.lower(), values=values))
    return options


def convert_product(item: dict[str, Any], attributes: dict[str, Any], rng: random.Random) -> Product:
    """One ``items_shuffle`` record as a ``Product``."""
    bullets = item.get("small_description") or []
    pricing = parse_pricing(item.get("pricing"))
    asin = item["asin"]
    return Product(
        asin=asin,
        name=item["name"],
        category=item["category"],
        query=item["query"].lower().strip(),
        product_category=item.get("product_category") or "",
        pricing=pricing,
        price=pricing[0] if len(pricing) == 1 else rng.uniform(*pricing),
        small_description=bullets if isinstance(bullets, list) else [bullets],
        full_description=item.get("full_description") or "",
        customization_options=parse_options(item.get("customization_options")),
        attributes=attributes.get(asin, {}).get("attributes") or [DUMMY_ATTR],
    )


def load_products(folder: Path, num_products: int | None = None, seed: int = 0) -> list[Product]:
    """The cleaned catalogue of an original data folder (the first ``num_products`` records)."""
    items = json.loads(find_file(folder, "items_shuffle").read_text())[:num_products]
    attributes = json.loads(find_file(folder, "items_ins_v2").read_text())
    rng, seen, products = random.Random(seed), set(), []
    for item in items:
        asin = item.get("asin", "nan")
        if asin == "nan" or len(asin) > 10 or asin in seen:
            continue
        seen.add(asin)
        products.append(convert_product(item, attributes, rng))
    log.info("loaded %d products from %s", len(products), folder)
    return products


def _goal(
    product: Product, text: str, attrs: list[str], options: list[GoalOption], rng: random.Random
) -> dict:
    """A goal dict (no id yet) with the original's price bound appended to ``text``."""
    upper, price_text = price_bound(product.price, rng)
    return goal_dict(product, text + price_text, attrs, options, upper)


def human_goals(products: list[Product], folder: Path, seed: int = 0) -> list[Goal]:
    """Goals from ``items_human_ins.json`` (weight 1; instructions without attributes skipped)."""
    human = json.loads((folder / "items_human_ins.json").read_text())
    rng, goals = random.Random(seed), []
    for product in products:
        for ins in human.get(product.asin, []):
            if not ins.get("instruction_attributes"):
                continue
            options = [GoalOption(name="", value=v) for v in ins.get("instruction_options") or []]
            text = ins["instruction"].strip(".")
            goals.append(_goal(product, text, ins["instruction_attributes"], options, rng) | {"weight": 1.0})
    return number_goals(goals)


def synthetic_goals(products: list[Product], folder: Path, seed: int = 0) -> list[Goal]:
    """Goals from ``items_ins_v2`` instructions: one per combination of the product's option values."""
    attributes = json.loads(find_file(folder, "items_ins_v2").read_text())
    rng, goals = random.Random(seed), []
    for product in products:
        info = attributes.get(product.asin, {})
        if not info.get("instruction") or not info.get("instruction_attributes"):
            continue
        options = sorted(product.customization_options, key=lambda o: o.name)
        for combo in itertools.product(*(o.values for o in options)):
            chosen = [GoalOption(name=o.name, value=v) for o, v in zip(options, combo, strict=True)]
            goals.append(
                _goal(
                    product,
                    info["instruction"] + option_text(chosen),
                    info["instruction_attributes"],
                    chosen,
                    rng,
                )
            )
    for goal, weight in zip(goals, attribute_weights(goals), strict=True):
        goal["weight"] = weight
    return number_goals(goals)


def load_original(
    folder: Path, num_products: int | None = None, human: bool = True, seed: int = 0
) -> tuple[list[Product], list[Goal]]:
    """Catalogue and goals (human-written by default, else synthetic) of an original data folder."""
    products = load_products(folder, num_products, seed)
    goals = human_goals(products, folder, seed) if human else synthetic_goals(products, folder, seed)
    return products, goals
