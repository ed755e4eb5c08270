"""The generated catalogue and goals (schema, determinism, spread), and the original-data loader."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from hdbench.envs.webshop import (
    Shop,
    game_set_stats,
    generate_goals,
    generate_products,
    load_original,
    split_of,
)
from hdbench.envs.webshop._goals import NO_PRICE_BOUND, number_goals, price_bound
from hdbench.envs.webshop._taxonomy import CATEGORY_ROOTS, product_types
from hdbench.schema import Goal, Product

N_PRODUCTS = 3000


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return generate_products(N_PRODUCTS, seed=7)


@pytest.fixture(scope="module")
def goals(products: list[Product]) -> list[Goal]:
    return generate_goals(products, 600, seed=7)


def test_products_validate_against_the_schema(products: list[Product]) -> None:
    for p in products[:500]:
        Product.model_validate(p.model_dump())
    assert len({p.asin for p in products}) == len(products)
    assert all(len(p.asin) == 10 and p.asin.startswith("B0") for p in products)


def test_generation_is_deterministic_and_prefix_stable(products: list[Product]) -> None:
    again = generate_products(N_PRODUCTS, seed=7)
    assert [p.model_dump() for p in again] == [p.model_dump() for p in products]
    assert generate_products(100, seed=7) == products[:100]
    assert generate_products(100, seed=8)[0].asin != products[0].asin


def test_catalogue_is_not_a_toy(products: list[Product]) -> None:
    per_category = Counter(p.category for p in products)
    assert set(per_category) == set(CATEGORY_ROOTS) and min(per_category.values()) > N_PRODUCTS // 8
    types = Counter((p.category, p.query) for p in products)
    assert all(sum(1 for c, _ in types if c == cat) >= 20 for cat in CATEGORY_ROOTS)
    assert len(product_types()) >= 100
    assert len({p.name for p in products}) > 0.9 * len(products)
    assert len({w for p in products for w in p.name.lower().split()}) > 500
    assert Counter(len(p.customization_options) for p in products)[0] < len(products) // 5
    prices = sorted(p.price for p in products)
    assert prices[0] < 10 < 100 < prices[-1]
    assert any(len(p.pricing) == 2 and p.pricing[0] <= p.price <= p.pricing[1] for p in products)


def test_every_attribute_is_readable_on_the_item_pages(products: list[Product]) -> None:
    for p in products[:500]:
        text = " ".join([p.name, p.full_description, *p.small_description]).lower()
        assert all(a in text for a in p.attributes), p.asin


def test_option_values_are_distinct_clickables(products: list[Product]) -> None:
    for p in products:
        values = [v for o in p.customization_options for v in o.values]
        assert len(values) == len(set(values))
        assert not {"buy now", "description", "features", "reviews", "< prev", "back to search"} & set(values)


def test_goals_follow_the_original(goals: list[Goal], products: list[Product]) -> None:
    by_asin = {p.asin: p for p in products}
    assert [g.goal_id for g in goals] == [f"fixed_{i}" for i in range(len(goals))]
    assert Counter(g.split for g in goals) == {"test": 500, "dev": 100}
    for g in goals:
        product = by_asin[g.asin]
        assert set(g.attributes) <= set(product.attributes) and 1 <= len(g.attributes) <= 3
        assert [o.name for o in g.goal_options] == sorted(o.name for o in product.customization_options)
        assert product.price < g.price_upper
        assert g.instruction_text.endswith(f", and price lower than {g.price_upper:.2f} dollars")
        assert g.query in g.instruction_text and all(a in g.instruction_text for a in g.attributes)


def test_goal_shuffle_uses_seed_233() -> None:
    import random

    raw = [
        dict(
            asin=f"B{i:09d}",
            category="beauty",
            query="q",
            name="n",
            product_category="a",
            instruction_text=f"goal {i}",
            attributes=["x"],
            price_upper=10.0,
        )
        for i in range(5)
    ]
    expected = list(range(5))
    random.Random(233).shuffle(expected)
    assert [g.instruction_text for g in number_goals(raw)] == [f"goal {i}" for i in expected]


def test_splits_and_small_sets() -> None:
    assert [split_of(i) for i in (0, 499, 500, 1499, 1500, 9999)] == [
        "test",
        "test",
        "dev",
        "dev",
        "train",
        "train",
    ]
    few = generate_goals(generate_products(50, seed=1), 10, seed=1)
    assert {g.split for g in few} == {"test"} and len(few) == 10


def test_price_bound_matches_the_original_rule() -> None:
    import random

    rng = random.Random(0)
    for price in (3.5, 19.99, 20.0, 455.0):
        upper, text = price_bound(price, rng)
        above = [10.0 * i for i in range(1, 100) if 10.0 * i > price][:4]
        assert upper in above[1:] and text == f", and price lower than {upper:.2f} dollars"
    assert price_bound(985.0, rng) == (NO_PRICE_BOUND, "")


def test_stats_report_search_difficulty(products: list[Product], goals: list[Goal]) -> None:
    stats = game_set_stats(products, goals, Shop(products, goals), sample=100)
    assert stats.product_types >= 100 and stats.same_type_in_first_page_mean > 5
    assert 0.2 < stats.goal_product_in_first_page < 1.0  # the goal product competes with look-alikes
    assert stats.instruction_words_mean > 12 and stats.distinct_instruction_words > 300


# --- the loader for the original files ----------------------------------------------------------
def _write_original(folder: Path) -> None:
    items = [
        {
            "asin": "B000000AAA",
            "name": "Clip In Hair Extension, Natural Black",
            "category": "beauty",
            "query": " Hair Extensions ",
            "product_category": "Beauty › Hair Care › Extensions",
            "full_description": "Soft natural looking hair.",
            "small_description": ["Natural looking", "Heat safe"],
            "pricing": "$12.99$25.50",
            "images": ["x.jpg"],
            "brand": "dropped",
            "customization_options": {
                "Color": [{"value": "Jet Black", "image": None}, {"value": "Brown/Blonde", "image": None}],
                "Size": None,
            },
        },
        {
            "asin": "nan",
            "name": "bad",
            "category": "beauty",
            "query": "x",
            "product_category": "",
            "full_description": "",
            "small_description": [],
            "pricing": "",
            "customization_options": None,
        },
        {
            "asin": "B000000BBB",
            "name": "Peppered Bacon",
            "category": "grocery",
            "query": "bacon",
            "product_category": "Grocery › Meat",
            "full_description": None,
            "small_description": "Smoky",
            "pricing": "",
            "customization_options": {"Size": [{"value": "4 Ounce (Pack of 2)"}]},
        },
        {
            "asin": "B000000AAA",
            "name": "duplicate",
            "category": "beauty",
            "query": "x",
            "product_category": "",
            "full_description": "",
            "small_description": [],
            "pricing": "$1",
            "customization_options": None,
        },
    ]
    ins = {
        "B000000AAA": {
            "attributes": ["natural looking", "heat resistant"],
            "instruction": "i need a natural looking hair extension",
            "instruction_attributes": ["natural looking"],
        },
        "B000000BBB": {"attributes": ["gluten free"], "instruction": None, "instruction_attributes": None},
    }
    human = {
        "B000000BBB": [
            {
                "instruction": "i need gluten free bacon - 4 ounce (pack of 2).",
                "instruction_attributes": ["gluten free"],
                "instruction_options": ["4 ounce (pack of 2)"],
            },
            {"instruction": "no attributes here", "instruction_attributes": [], "instruction_options": []},
        ],
    }
    (folder / "items_shuffle_1000.json").write_text(json.dumps(items))
    (folder / "items_ins_v2_1000.json").write_text(json.dumps(ins))
    (folder / "items_human_ins.json").write_text(json.dumps(human))


def test_original_loader_cleans_like_the_original(tmp_path: Path) -> None:
    _write_original(tmp_path)
    products, goals = load_original(tmp_path)
    assert [p.asin for p in products] == ["B000000AAA", "B000000BBB"]
    hair, bacon = products
    assert hair.query == "hair extensions" and hair.pricing == [12.99, 25.5] and 12.99 <= hair.price <= 25.5
    assert [(o.name, o.values) for o in hair.customization_options] == [
        ("color", ["jet black", "brown | blonde"])
    ]
    assert bacon.pricing == [100.0] and bacon.small_description == ["Smoky"] and bacon.full_description == ""
    assert bacon.attributes == ["gluten free"]
    assert [g.asin for g in goals] == ["B000000BBB"]  # the attribute-less human goal is skipped
    goal = goals[0]
    assert goal.instruction_text.startswith("i need gluten free bacon - 4 ounce (pack of 2)")
    assert not goal.instruction_text.startswith("i need gluten free bacon - 4 ounce (pack of 2).")
    assert goal.goal_options[0].value == "4 ounce (pack of 2)" and goal.goal_id == "fixed_0"


def test_original_loader_synthetic_goals_enumerate_options(tmp_path: Path) -> None:
    _write_original(tmp_path)
    _, goals = load_original(tmp_path, human=False)
    assert sorted(g.goal_options[0].value for g in goals) == ["brown | blonde", "jet black"]
    assert all(" with color: " in g.instruction_text for g in goals)


def test_original_loader_plays_to_reward_one(tmp_path: Path) -> None:
    from hdbench.envs import Task
    from hdbench.envs.webshop import WebShopEnv, oracle_policy, play

    _write_original(tmp_path)
    products, goals = load_original(tmp_path)
    env = WebShopEnv(shop=Shop(products, goals))
    task = Task(env="webshop", task_id="fixed_0", split="test", task_type="grocery", source="")
    result = play(env, task, oracle_policy)
    assert result.won and result.reward == 1.0
