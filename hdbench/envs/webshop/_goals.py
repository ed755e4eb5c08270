"""Goals made from products the way WebShop makes its synthetic goals (``get_synthetic_goals``).

A goal product gets an instruction (a few of its attributes around its product type, in the
original's phrasing), one value for every option it has (option names sorted, written
" with name: value, and name: value") and a price bound drawn as the original does: two of the
first four multiples of $10 above the price, keeping the larger, appended as ", and price lower
than X dollars". All goals are then shuffled with ``random.seed(233)`` and numbered ``fixed_i``:
the first 500 are ``test``, the next 1000 ``dev``, the rest ``train``. With fewer than 501 goals
every goal is a test goal; with fewer than 1501 there is no train split.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence

from hdbench.schema import Goal, GoalOption, Product

PRICE_RANGE: tuple[float, ...] = tuple(10.0 * i for i in range(1, 100))
NO_PRICE_BOUND = 1_000_000.0
GOAL_SHUFFLE_SEED = 233
TEST_GOALS = 500
DEV_GOALS = 1000

_TEMPLATES = (
    "i need {a}{attrs_and} {query}",
    "i am looking for {a}{query} that {is_} {attrs_and}",
    "i'm looking for {attrs_and} {query}",
    "find me {a}{query} with {attrs_and}",
    "i want to buy {a}{query} which {is_} {attrs_and}",
    "i would like {a}{attrs_comma} {query}",
    "looking for {attrs_and} {query} {audience}",
    "i want {a}{attrs_and} {query} {audience}",
)


def split_of(index: int) -> str:
    """Split of goal ``fixed_{index}``: test for the first 500, dev for the next 1000, train after."""
    if index < TEST_GOALS:
        return "test"
    return "dev" if index < TEST_GOALS + DEV_GOALS else "train"


def price_bound(price: float, rng: random.Random) -> tuple[float, str]:
    """The goal's upper price bound and its instruction suffix (none when the price is >= $980)."""
    above = [p for p in PRICE_RANGE if p > price][:4]
    if len(above) < 2:
        return NO_PRICE_BOUND, ""
    _, upper = sorted(rng.sample(above, 2))
    return upper, f", and price lower than {upper:.2f} dollars"


def _article(query: str) -> str:
    """'a '/'an ' for a singular product type, nothing for a plural one."""
    if query.endswith("s") and not query.endswith("ss"):
        return ""
    return "an " if query[0] in "aeiou" else "a "


def instruction_core(product: Product, attrs: Sequence[str], audience: str, rng: random.Random) -> str:
    """The instruction without options and price, in one of the original's phrasings."""
    attrs_and = " and ".join(attrs) if len(attrs) < 3 else ", ".join(attrs[:-1]) + " and " + attrs[-1]
    text = rng.choice(_TEMPLATES).format(
        a=_article(product.query),
        query=product.query,
        attrs_and=attrs_and,
        attrs_comma=", ".join(attrs),
        audience=audience,
        is_="is" if _article(product.query) else "are",
    )
    return re.sub(r"\ba ([aeiou])", r"an \1", " ".join(text.split()))


def option_text(options: Sequence[GoalOption]) -> str:
    """`` with name: value, and name: value`` (empty without options), as the original writes it."""
    return " with " + ", and ".join(f"{o.name}: {o.value}" for o in options) if options else ""


def goal_for(product: Product, rng: random.Random, audiences: Sequence[str] = ("",)) -> dict:
    """One goal (without id and split) for ``product``: attributes, one option combination, price."""
    attrs = rng.sample(product.attributes, rng.randint(1, min(3, len(product.attributes))))
    options = [
        GoalOption(name=o.name, value=rng.choice(o.values))
        for o in sorted(product.customization_options, key=lambda o: o.name)
    ]
    upper, price_text = price_bound(product.price, rng)
    core = instruction_core(product, attrs, rng.choice(audiences).lower(), rng)
    return goal_dict(product, core + option_text(options) + price_text, attrs, options, upper)


def goal_dict(
    product: Product, instruction: str, attrs: list[str], options: list[GoalOption], upper: float
) -> dict:
    """The fields of a goal (no id or split yet) for ``product``: generated and original goals alike."""
    return dict(
        asin=product.asin,
        category=product.category,
        query=product.query,
        name=product.name,
        product_category=product.product_category,
        instruction_text=instruction,
        attributes=attrs,
        goal_options=options,
        price_upper=upper,
    )


def attribute_weights(goals: Sequence[dict]) -> list[float]:
    """The original's sampling weight: mean inverse frequency of each goal's attributes."""
    counts = Counter(a for g in goals for a in g["attributes"])
    return [sum(1 / counts[a] for a in g["attributes"]) / len(g["attributes"]) for g in goals]


def number_goals(goals: list[dict]) -> list[Goal]:
    """Shuffle with ``random.seed(233)`` as the original does, then name ``fixed_i`` and split."""
    goals = list(goals)
    random.Random(GOAL_SHUFFLE_SEED).shuffle(goals)
    return [Goal(goal_id=f"fixed_{i}", split=split_of(i), **g) for i, g in enumerate(goals)]


def generate_goals(products: Sequence[Product], n_goals: int, seed: int = 0) -> list[Goal]:
    """``n_goals`` goals from distinct products with attributes (repeating products only if too few)."""
    rng = random.Random(seed)
    pool = [p for p in products if p.attributes]
    if not pool:
        raise ValueError("no product has attributes: cannot make goals")
    picked = rng.sample(pool, n_goals) if n_goals <= len(pool) else [rng.choice(pool) for _ in range(n_goals)]
    goals = [goal_for(p, rng, _audiences(p)) for p in picked]
    for goal, weight in zip(goals, attribute_weights(goals), strict=True):
        goal["weight"] = weight
    return number_goals(goals)


def _audiences(product: Product) -> tuple[str, ...]:
    """Audience phrases of the product's type (``for women``...), or none."""
    from hdbench.envs.webshop._taxonomy import product_types

    for kind in product_types():
        if kind.query == product.query:
            return kind.audiences or ("",)
    return ("",)
