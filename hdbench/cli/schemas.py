"""`hdbench schemas`: export the records' JSON Schema, or check it for drift."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hdbench.schema import export_json_schema


def schemas(
    out: Annotated[Path, typer.Option(help="Folder of the JSON Schema files.")] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files drifted.")
    ] = False,
) -> None:
    """Write JSON Schema for every record model to schemas/ (or check it for drift).

    Example: hdbench schemas --check
    """
    console = Console(stderr=True)
    drift = export_json_schema(out, check=check)
    if check and drift:
        console.print(f"[red]schemas drifted from the models:[/] {', '.join(drift)}")
        console.print("run [bold]hdbench schemas[/] and commit the result")
        raise typer.Exit(1)
    verb = "up to date" if not drift else ("would change" if check else "written")
    console.print(f"schemas {verb}: {len(drift)} file(s) changed in {out}")
