"""`hdbench sql` and `hdbench analyze`: SQL over a release's configs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from hdbench.analytics import analyze as run_analysis
from hdbench.analytics import canned_queries
from hdbench.analytics import sql as run_sql
from hdbench.cli._output import Format, render

FORMAT = typer.Option("--format", "-f", help="Output format: table, csv or json.")
RELEASE_HELP = "Release folder (or repository folder: newest version), or hf://datasets/org/name@rev."


def sql(
    release: Annotated[str, typer.Argument(help=RELEASE_HELP)],
    query: Annotated[str, typer.Argument(help="SQL; each config is a view (trajectories, failures, ...).")],
    fmt: Annotated[Format, FORMAT] = Format.TABLE,
) -> None:
    """Run a SQL query over a release with DuckDB.

    Example: hdbench sql hdbench-quickstart/hdbench--quickstart "SELECT task_type, count(*) FROM failures GROUP BY 1"
    """
    render(run_sql(release, query), fmt)


def analyze(
    release: Annotated[str | None, typer.Argument(help=RELEASE_HELP)] = None,
    name: Annotated[str | None, typer.Argument(help="Analysis name (see --list); all when omitted.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the canned analyses and exit.")] = False,
    fmt: Annotated[Format, FORMAT] = Format.TABLE,
) -> None:
    """Run a canned failure analysis (or all of them) over a release.

    Example: hdbench analyze hdbench-quickstart/hdbench--quickstart failure_modes_by_task_type --format csv
    """
    queries = canned_queries()
    if list_:
        import polars as pl

        rows = [{"name": q.name, "description": q.description} for q in queries.values()]
        render(pl.DataFrame(rows), fmt)
        return
    if release is None:
        raise typer.BadParameter("give a RELEASE (or --list)")
    if name is not None and name not in queries:
        raise typer.BadParameter(f"no analysis {name!r}; available: {', '.join(queries)}")
    names = [name] if name else list(queries)
    if fmt == Format.JSON and len(names) > 1:
        import json

        out = {n: run_analysis(release, n).to_dicts() for n in names}
        Console().out(json.dumps(out, default=str, indent=2), highlight=False)
        return
    for n in names:
        render(run_analysis(release, n), fmt, title=f"{n}: {queries[n].description}")
