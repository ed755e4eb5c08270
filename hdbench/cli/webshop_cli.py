"""WebShop commands: ``games generate webshop``, ``games check`` (WebShop sets), ``play webshop``.

Thin shells over ``hdbench.envs.webshop``; registered by ``cli/games.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hdbench.envs import Task
from hdbench.envs.webshop import WebShopEnv, check_game_set, generate_game_set
from hdbench.envs.webshop import is_game_set as _is_game_set
from hdbench.envs.webshop._env import DEFAULT_MAX_STEPS
from hdbench.envs.webshop._play import CheckSummary
from hdbench.schema import EnvName

DEFAULT_PRODUCTS = 10_000


def generate(
    out: Annotated[
        Path, typer.Option("--out", help="Folder of the game set (an hdbench release; must not exist).")
    ],
    products: Annotated[
        int | None,
        typer.Option(
            "--products", help="Products (default 10000; with --original a cap, default all).", min=1
        ),
    ] = None,
    goals: Annotated[
        int, typer.Option("--goals", help="Goals (the first 500 are test, the next 1000 dev).", min=1)
    ] = 1_500,
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed gives the same game set.")] = 0,
    original: Annotated[
        Path | None,
        typer.Option(
            "--original",
            help="Load the original WebShop files (items_shuffle*.json, items_ins_v2*.json, "
            "items_human_ins.json) from this folder instead of generating; --products caps the catalogue.",
        ),
    ] = None,
    human: Annotated[
        bool,
        typer.Option(
            "--human-goals/--synthetic-goals",
            help="With --original: human instructions or items_ins_v2 ones.",
        ),
    ] = True,
    name: Annotated[str, typer.Option("--name", help="Release name (org/name or name).")] = "webshop-games",
    version: Annotated[str, typer.Option("--version", help="Release version.")] = "0.1.0",
) -> None:
    """Generate a WebShop game set offline (catalogue + goals), deterministic by seed, as an hdbench release.

    Example: hdbench games generate webshop --out games/webshop --products 10000 --goals 1500 --seed 0
    """
    n_products = products or (0 if original else DEFAULT_PRODUCTS)
    path = generate_game_set(out, n_products, goals, seed, name, version, original, human)
    Console(stderr=True).print(f"[green]WebShop game set[/] written: {path}")


def is_game_set(path: Path) -> bool:
    """Whether PATH is a WebShop game set (a release with ``products`` and ``goals``)."""
    return _is_game_set(path)


def check(path: Path, fmt: str = "table") -> None:
    """Play the oracle on every goal of a WebShop game set and print goals, wins and mean reward.

    Example: hdbench games check games/webshop --format json
    """
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; choose table or json")
    summary, _ = check_game_set(path, "oracle")
    if fmt == "json":
        Console().out(summary.model_dump_json(indent=2), highlight=False)
    else:
        Console().print(_summary_table(path, summary))
    if summary.wins != summary.goals:
        raise typer.Exit(1)


def _summary_table(path: Path, summary: CheckSummary) -> Table:
    """A check summary as a rich table."""
    table = Table(title=f"{summary.policy} check: {path}", title_justify="left")
    for column in ("goals", "wins", "mean reward", "score", "success rate"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary.goals),
        str(summary.wins),
        f"{summary.mean_reward:.3f}",
        f"{summary.score:.1f}",
        f"{summary.success_rate:.3f}",
    )
    return table


def play(
    games: Annotated[Path, typer.Option("--games", help="A WebShop game set folder.")],
    goal: Annotated[str, typer.Option("--goal", help="Goal id, e.g. fixed_0.")] = "fixed_0",
    max_steps: Annotated[int, typer.Option("--max-steps", help="Step budget.", min=1)] = DEFAULT_MAX_STEPS,
) -> None:
    """Play one WebShop goal in the terminal, seeing exactly what an agent sees (:a lists the clickables).

    Example: hdbench play webshop --games games/webshop --goal fixed_0
    """
    console = Console()
    env = WebShopEnv(games=games, max_steps=max_steps)
    shop_goal = env.reset(
        Task(env=EnvName.WEBSHOP, task_id=goal, split="play", task_type="?", source=str(games))
    )
    console.out(shop_goal.text, highlight=False)
    while True:
        try:
            action = console.input("> ").strip()
        except EOFError:
            return
        if action == ":a":
            console.out("\n".join(env.admissible()), highlight=False)
            continue
        result = env.step(action)
        console.out(result.observation, highlight=False)
        if result.done:
            parts = {p.name: round(p.value, 3) for p in result.parts}
            console.out(
                json.dumps({"reward": result.score, "won": result.won, "parts": parts}), highlight=False
            )
            return
