"""Rendering query results as a rich table, CSV or JSON (the ``--format`` option)."""

from __future__ import annotations

import json
from enum import StrEnum

import polars as pl
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    """Output formats of table-producing commands."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def render(df: pl.DataFrame, fmt: Format, title: str | None = None, console: Console | None = None) -> None:
    """Print a DataFrame: a rich table for people, CSV or JSON (a list of row objects) for programs."""
    console = console or Console()
    if fmt == Format.CSV:
        console.out(_flat(df).write_csv(), end="", highlight=False)
    elif fmt == Format.JSON:
        console.out(json.dumps(df.to_dicts(), default=str, indent=2), highlight=False)
    else:
        console.print(to_rich(df, title))


def _flat(df: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as JSON text: CSV cells hold only scalars."""
    nested = [name for name, dtype in df.schema.items() if dtype.is_nested()]
    return df.with_columns(
        pl.Series(name, [json.dumps(v, default=str) for v in df[name].to_list()], dtype=pl.String)
        for name in nested
    )


def to_rich(df: pl.DataFrame, title: str | None = None) -> Table:
    """A rich Table of a DataFrame (numbers right-aligned)."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for name, dtype in df.schema.items():
        table.add_column(name, justify="right" if dtype.is_numeric() else "left")
    for row in df.iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    return table
