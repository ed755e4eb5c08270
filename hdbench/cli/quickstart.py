"""`hdbench quickstart`: the main job on embedded defaults."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hdbench.analytics import canned_queries
from hdbench.cli._output import to_rich
from hdbench.quickstart import quickstart as run_quickstart


def quickstart(
    out: Annotated[Path, typer.Option(help="Folder the release is written under.")] = Path(
        "hdbench-quickstart"
    ),
    episodes: Annotated[int, typer.Option(min=6, help="Sample base episodes to build.")] = 240,
    seed: Annotated[int, typer.Option(help="Seed of the fixture builder.")] = 0,
) -> None:
    """Write a small SAMPLE release and print the canned failure analyses over it.

    Example: hdbench quickstart --out /tmp/hdbench-demo
    """
    console = Console()
    start = time.perf_counter()
    with console.status("building the sample release and running the analyses..."):
        result = run_quickstart(out, episodes, seed)
    release, descriptions = result.release, canned_queries()
    console.print(f"[bold]SAMPLE release[/] {release.name} v{release.version} at [cyan]{release.path}[/]")
    for config in release.configs:
        rows = {s: release.info.configs[config].splits[s].rows for s in release.splits(config)}
        console.print(f"  {config:<13} {rows}")
    for name, df in result.analyses.items():
        console.print(to_rich(df, title=f"\n{name}: {descriptions[name].description}"))
    console.print(f"\ndone in {time.perf_counter() - start:.1f} s. Next:")
    console.print(f'  hdbench sql {release.path} "SELECT task_type, count(*) FROM failures GROUP BY 1"')
    console.print(
        f"  python -c \"import datasets; print(datasets.load_dataset('{release.path}', 'failures', split='train'))\""
    )
