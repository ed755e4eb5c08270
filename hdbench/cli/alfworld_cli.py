"""ALFWorld commands: ``games generate alfworld``, ``games check`` (ALFWorld sets), ``play alfworld``.

Thin shells over ``hdbench.envs.alfworld``; registered by ``cli/games.py``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hdbench.envs.alfworld import (
    DEFAULT_MAX_STEPS,
    SPLITS,
    TASK_TYPES,
    AlfworldEnv,
    GameFileError,
    GrammarVersion,
    find_games,
    to_task,
)
from hdbench.envs.alfworld._check import CheckReport, GameCheck, check_games
from hdbench.envs.alfworld._play import play_session

log = logging.getLogger(__name__)


def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder of the game set (created; splits go below it).")],
    n: Annotated[
        int | None,
        typer.Option("--n", help="Games to keep (default: the official size, 3553/140/134).", min=1),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed gives byte-identical games.")] = 0,
    split: Annotated[
        str, typer.Option("--split", help="train, valid_seen or valid_unseen.")
    ] = "valid_unseen",
    grammar: Annotated[str, typer.Option("--grammar", help="put (2.1.1 phrasing) or move (2.1.2).")] = "move",
    task_type: Annotated[
        list[str] | None,
        typer.Option("--task-type", help="Restrict to these task types (repeatable); default all six."),
    ] = None,
    max_receptacles: Annotated[
        int | None,
        typer.Option(
            "--max-receptacles",
            help="Easy games: at most this many receptacles per scene (the goal's kept). Default: all.",
            min=2,
        ),
    ] = None,
    release: Annotated[
        bool,
        typer.Option(
            "--release/--no-release", help="Also write the set as an hdbench release (config 'games')."
        ),
    ] = True,
    workers: Annotated[
        int, typer.Option("--workers", help="Processes generating games in parallel (same games).", min=1)
    ] = 1,
    release_version: Annotated[
        str,
        typer.Option("--release-version", help="Version of that release (a version is never overwritten)."),
    ] = "0.1.0",
) -> None:
    """Generate ALFWorld games offline from the alfworld wheel's floor plans, kept only if the planner wins.

    Example: hdbench games generate alfworld --out games/alfworld --split valid_unseen --n 12 --seed 0
    """
    from hdbench.envs.alfworld._generator import GenerateOptions, generate_split
    from hdbench.envs.alfworld._release import write_games_release

    if split not in SPLITS:
        raise typer.BadParameter(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    versions = {"put": GrammarVersion.PUT, "move": GrammarVersion.MOVE}
    if grammar not in versions:
        raise typer.BadParameter(f"unknown grammar {grammar!r}; choose put or move")
    unknown = sorted(set(task_type or []) - set(TASK_TYPES))
    if unknown:
        raise typer.BadParameter(f"unknown task type(s) {', '.join(unknown)}; known: {', '.join(TASK_TYPES)}")
    options = GenerateOptions(
        split=split,
        n=n,
        seed=seed,
        grammar=versions[grammar],
        task_types=tuple(task_type or TASK_TYPES),
        max_receptacles=max_receptacles,
    )
    console = Console(stderr=True)
    try:
        games = generate_split(
            out, options, workers=workers, on_game=lambda g: console.print(f"  {g.game_id}", highlight=False)
        )
    except (FileExistsError, ValueError) as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    console.print(f"[green]{len(games)} games[/] written under {out / split}")
    if release:
        written = write_games_release(out, release_version)
        console.print(f"release {written.name} v{written.version}: {written.path}", highlight=False)


def check(path: Path, fmt: str = "table", workers: int = 1, limit: int | None = None) -> None:
    """Play the planner expert on every ALFWorld game under PATH and print games/solvable/won/lost/errors.

    Example: hdbench games check ../shared/data/alfworld/json_2.1.1/valid_seen --format json
    """
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; choose table or json")
    console = Console(stderr=True)
    try:
        report = check_games(path, workers=workers, limit=limit, on_game=_progress(console, fmt))
    except (FileNotFoundError, GameFileError) as err:
        console.print(f"[red]error:[/] {err}")
        raise typer.Exit(2) from None
    if fmt == "json":
        Console().out(json.dumps(report.to_dict(), indent=2, default=str), highlight=False)
    else:
        Console().print(_summary_table(report))
        for row in report.results:
            if row.status.value in ("lost", "error"):
                Console().print(f"[red]{row.status.value}[/] {row.path} {row.error}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


def _progress(console: Console, fmt: str):
    """A per-game progress line on stderr (table format only)."""

    def show(row: GameCheck) -> None:
        if fmt == "table":
            console.print(f"{row.status.value:>10} {row.seconds:5.2f}s {row.task_id}", highlight=False)

    return show


def _summary_table(report: CheckReport) -> Table:
    """The summary of a check as a rich table."""
    table = Table(title=f"expert check: {report.path}", title_justify="left")
    for name in ("games", "solvable", "won", "lost", "errors", "seconds", "median s/game"):
        table.add_column(name, justify="right")
    table.add_row(
        *map(str, (report.games, report.solvable, report.won, report.lost, report.errors)),
        f"{report.seconds:.1f}",
        f"{report.median_game_s:.2f}",
    )
    return table


def richness(
    official: Annotated[
        Path, typer.Argument(help="Official games (e.g. ../shared/data/alfworld/json_2.1.1).")
    ],
    generated: Annotated[
        Path, typer.Argument(help="A generated game set (hdbench games generate alfworld --out).")
    ],
    check_json: Annotated[
        Path | None,
        typer.Option(
            "--check-json",
            help="A 'games check --format json' report of OFFICIAL, for its expert plan lengths.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Compare per task type: receptacles, objects, goal-type objects, expert plan length of two sets.

    Example: hdbench games richness ../shared/data/alfworld/json_2.1.1 games/alfworld --check-json check.json
    """
    from hdbench.envs.alfworld._richness import check_plan_lengths, richness_report

    plans = check_plan_lengths(json.loads(check_json.read_text())) if check_json else None
    rows = richness_report(official, generated, plans)
    if fmt == "json":
        Console().out(json.dumps(rows, indent=2), highlight=False)
        return
    table = Table(title="median (min-max) per game", title_justify="left")
    for name in ("task_type", "metric", "official", "generated"):
        table.add_column(name)
    for row in rows:
        table.add_row(*(str(row[k]) for k in ("task_type", "metric", "official", "generated")))
    Console().print(table)


def play(
    game: Annotated[Path, typer.Argument(help="A game.tw-pddl file, or a folder holding one game.")],
    max_steps: Annotated[
        int, typer.Option("--max-steps", help="Step budget (alfworld's eval: 50).")
    ] = DEFAULT_MAX_STEPS,
) -> None:
    """Play one ALFWorld game in the terminal, seeing exactly what an agent sees (:a lists admissible).

    Example: hdbench play alfworld games/alfworld/valid_unseen/pick_and_place_simple-Book-None-Desk-305
    """
    refs = find_games(game, include_unsolvable=True)
    if len(refs) != 1:
        raise typer.BadParameter(f"{game} holds {len(refs)} games; give one game folder or file")
    console = Console()
    env = AlfworldEnv(max_steps=max_steps)
    try:
        play_session(
            env, to_task(refs[0], "play"), _reader(console), lambda text: console.out(text, highlight=False)
        )
    finally:
        env.close()


def _reader(console: Console):
    """Read the person's next line (None at end of input)."""

    def read() -> str | None:
        try:
            return console.input("> ")
        except EOFError:
            return None

    return read
