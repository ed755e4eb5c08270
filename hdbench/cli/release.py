"""`hdbench release`: show, publish and merge releases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from hdbench.cli._output import Format, render
from hdbench.release import ReleaseSpec, merge_releases, open_release, publish, publish_plan

release_app = typer.Typer(help="Show, publish and merge releases.", no_args_is_help=True)


@release_app.command("show")
def show(
    path: Annotated[Path, typer.Argument(help="Release folder (or repository folder: newest version).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, csv or json.")] = Format.TABLE,
) -> None:
    """Show a release: version, content hash, configs, splits and row counts.

    Example: hdbench release show hdbench-quickstart/hdbench--quickstart
    """
    release = open_release(path)
    Console(stderr=True).print(
        f"{release.name} v{release.version} {release.content_hash} "
        f"({'SAMPLE data' if release.info.spec.sample else 'data'}) at {release.path}"
    )
    rows = [
        {"config": c, "split": s, "rows": info.rows, "bytes": info.num_bytes, "record": cfg.record}
        for c, cfg in release.info.configs.items()
        for s, info in cfg.splits.items()
    ]
    render(pl.DataFrame(rows), fmt)


@release_app.command("publish")
def publish_cmd(
    path: Annotated[Path, typer.Argument(help="Release folder to upload.")],
    repo: Annotated[str, typer.Option(help="Hub dataset repository, org/name.")],
    private: Annotated[bool, typer.Option(help="Create the repository as private.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be uploaded; no network.")
    ] = False,
) -> None:
    """Upload a release to the Hugging Face Hub and tag it v<version> (token from HF_TOKEN).

    Example: HF_TOKEN=... hdbench release publish out/hdbench--rollouts/v0.1.0 --repo my-org/rollouts
    """
    plan = publish_plan(path, repo) if dry_run else publish(path, repo, private=private)
    Console().print_json(plan.model_dump_json())


@release_app.command("merge")
def merge(
    sources: Annotated[list[Path], typer.Argument(help="Releases to merge (e.g. rollout shards).")],
    out: Annotated[Path, typer.Option(help="Folder of the merged release version.")],
    name: Annotated[str, typer.Option(help="Name of the merged release, org/name.")],
    version: Annotated[str, typer.Option(help="Semantic version of the merged release.")],
    title: Annotated[str, typer.Option(help="Card title.")] = "Merged hdbench release",
) -> None:
    """Merge releases into a new version; identical records are kept once, conflicts are errors.

    Example: hdbench release merge shard0/ shard1/ --out merged/v0.2.0 --name org/rollouts --version 0.2.0
    """
    spec = ReleaseSpec(
        name=name,
        version=version,
        title=title,
        summary=f"Union of {len(sources)} releases: " + ", ".join(str(s) for s in sources),
        sample=any(open_release(s).info.spec.sample for s in sources),
    )
    release = merge_releases(sources, out, spec)
    Console().print(
        f"merged into {release.name} v{release.version} at {release.path} ({release.content_hash})"
    )
