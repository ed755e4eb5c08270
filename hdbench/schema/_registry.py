"""Which record model each release config stores, and the JSON Schema export of all of them."""

from __future__ import annotations

import json
from pathlib import Path

from hdbench.schema._base import Record

CONFIGS: dict[str, type[Record]] = {}
"""Release config name -> record model. Stages register the configs they write."""


def register_config(name: str, model: type[Record]) -> None:
    """Declare that release config ``name`` holds ``model`` records."""
    if CONFIGS.get(name, model) is not model:
        raise ValueError(f"config {name!r} is already registered to {CONFIGS[name].__name__}")
    CONFIGS[name] = model


def model_for(config: str) -> type[Record]:
    """The record model of a config, with a clear error for unknown names."""
    try:
        return CONFIGS[config]
    except KeyError:
        known = ", ".join(sorted(CONFIGS))
        raise KeyError(f"unknown config {config!r}; known configs: {known}") from None


def record_models() -> list[type[Record]]:
    """Every registered record model, once, in a stable order."""
    return sorted(set(CONFIGS.values()), key=lambda m: m.__name__)


def json_schema(model: type[Record]) -> dict:
    """The JSON Schema of one record model, tagged with its schema version."""
    schema = model.model_json_schema()
    schema["$id"] = f"https://hdbench.dev/schemas/{model.__name__}.v{model.SCHEMA_VERSION}.json"
    schema["x-schema-version"] = model.SCHEMA_VERSION
    return schema


def schema_files() -> dict[str, str]:
    """File name -> rendered JSON Schema text, for every record model."""
    return {
        f"{m.__name__}.schema.json": json.dumps(json_schema(m), indent=2, sort_keys=True) + "\n"
        for m in record_models()
    }


def export_json_schema(out_dir: Path, check: bool = False) -> list[str]:
    """Write ``schemas/*.json`` from the models; with ``check``, write nothing and return drifted files.

    Returns the names of files that were (or, with ``check``, would be) created, changed or removed.
    """
    out_dir = Path(out_dir)
    wanted = schema_files()
    existing = {p.name for p in out_dir.glob("*.schema.json")} if out_dir.exists() else set()
    drift = sorted(
        [n for n, text in wanted.items() if not (out_dir / n).exists() or (out_dir / n).read_text() != text]
        + [n for n in existing - wanted.keys()]
    )
    if not check:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in drift:
            path = out_dir / name
            if name in wanted:
                path.write_text(wanted[name])
            else:
                path.unlink()
    return drift
