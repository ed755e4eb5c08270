"""WebShop game sets: catalogue products and shopping goals (release configs ``products``, ``goals``).

The fields mirror the original WebShop data files (``items_shuffle.json`` and
``items_ins_v2.json``) with typed shapes in place of free-form dicts, so that each record
becomes a parquet row with fixed HF features: ``customization_options`` is a list of
(name, values) instead of ``{name: [{"value": ...}]}`` and goal options are ordered
(name, value) pairs instead of a dict.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hdbench.schema._base import Record


class ProductOption(BaseModel):
    """One customisation option of a product and the values a shopper can click."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str = Field(min_length=1)
    """Option name, lower-cased as the original loader does (e.g. ``color``, ``size``)."""
    values: list[str] = Field(min_length=1)
    """Clickable values, lower-cased with ``/`` written as `` | `` as in the original loader."""


class GoalOption(BaseModel):
    """One option the goal asks for."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str
    """Option name (empty for human-written goals, whose options are bare values)."""
    value: str = Field(min_length=1)
    """Option value the shopper must choose."""


class Product(Record):
    """One product of a WebShop catalogue (original schema: ``items_shuffle.json`` + attributes)."""

    ID_FIELD = "asin"
    SCHEMA_VERSION = "1"

    asin: str = Field(min_length=1, max_length=10)
    """Amazon-style product id (upper case, at most 10 characters, as the original requires)."""
    name: str = Field(min_length=1)
    """Product title shown in results and on the item page."""
    category: str = Field(min_length=1)
    """Top-level category: beauty, electronics, fashion, grocery or garden."""
    query: str
    """The search query the product was collected under; acts as its product type."""
    product_category: str
    """Breadcrumb path of the product, levels separated by `` › ``."""
    pricing: list[float] = Field(min_length=1, max_length=2)
    """Listed price, or the low and high end of a price range."""
    price: float = Field(ge=0)
    """The price a purchase is charged (the original draws it once from ``pricing`` at load)."""
    small_description: list[str]
    """Bullet points (the Features page)."""
    full_description: str
    """Long description (the Description page)."""
    customization_options: list[ProductOption] = Field(default_factory=list)
    """Options the shopper chooses on the item page, in page order."""
    attributes: list[str] = Field(default_factory=list)
    """Short attribute phrases of the product (``items_ins_v2`` ``attributes``)."""
    rating: str = "N.A."
    """Rating text shown on the item page (the original shows ``N.A.``)."""


class Goal(Record):
    """One shopping goal: an instruction, the product it was made from, and what the reward checks."""

    ID_FIELD = "goal_id"
    SCHEMA_VERSION = "1"

    goal_id: str = Field(pattern=r"^fixed_\d+$")
    """``fixed_i``: position after the original's ``random.seed(233)`` shuffle of all goals."""
    split: str
    """``test`` for the first 500 goals, ``dev`` for the next 1000, ``train`` for the rest."""
    asin: str
    """The product the goal was generated from."""
    category: str
    """Top-level category of the goal product (the task type hints are grouped by)."""
    query: str
    """Search query (product type) of the goal product; used by the type reward."""
    name: str
    """Title of the goal product; its nouns are compared by the type reward."""
    product_category: str
    """Breadcrumb path of the goal product; used by the type reward."""
    instruction_text: str = Field(min_length=1)
    """The instruction the agent reads."""
    attributes: list[str] = Field(min_length=1)
    """Goal attributes the bought product must have."""
    goal_options: list[GoalOption] = Field(default_factory=list)
    """Goal options the shopper must choose."""
    price_upper: float = Field(gt=0)
    """Price bound in dollars (1000000 when the instruction states none, as in the original)."""
    weight: float = Field(default=1.0, ge=0)
    """Sampling weight of the original (mean inverse frequency of the goal's attributes)."""
