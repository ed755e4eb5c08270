"""Typed Hugging Face ``Features`` (and so the parquet schema) derived from the record models."""

from __future__ import annotations

import types
from datetime import datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from datasets import Features, List, Value
from pydantic import AwareDatetime, BaseModel

# bool before int: bool is a subclass of int
_SCALARS: dict[type, str] = {bool: "bool", str: "string", int: "int64", float: "float64"}


def features_for(model: type[BaseModel]) -> Features:
    """The ``datasets.Features`` of a record model: one column per field, nested models as structs."""
    return Features(_struct(model))


def _struct(model: type[BaseModel]) -> dict[str, Any]:
    return {name: _feature(field.annotation) for name, field in model.model_fields.items()}


def _feature(annotation: Any) -> Any:
    annotation = _strip_optional(annotation)
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        return List(_feature(item))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _struct(annotation)
        if issubclass(annotation, Enum):
            return Value("string")
        if issubclass(annotation, (datetime, AwareDatetime)):
            return Value("timestamp[us, tz=UTC]")
        for py_type, dtype in _SCALARS.items():
            if issubclass(annotation, py_type):
                return Value(dtype)
    raise TypeError(f"no parquet feature for annotation {annotation!r}; use scalars, lists or models")


def _strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (every parquet column is nullable; the model enforces presence)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unions other than X | None cannot be stored: {annotation!r}")
        return args[0]
    return annotation
