"""`hdbench games` and `hdbench play`: generate, check and hand-play game sets of every env.

Thin shells: each env's commands live in ``cli/alfworld_cli.py`` / ``cli/webshop_cli.py`` and call
that env's library functions; this module only groups them and dispatches ``games check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hdbench.cli import alfworld_cli, webshop_cli

games_app = typer.Typer(
    help="Generate and check game sets (ALFWorld games, WebShop goals).", no_args_is_help=True
)
generate_app = typer.Typer(
    help="Generate a game set offline, deterministically by seed.", no_args_is_help=True
)
play_app = typer.Typer(
    help="Play one game or goal yourself, seeing exactly what an agent sees.", no_args_is_help=True
)

games_app.add_typer(generate_app, name="generate")
generate_app.command("alfworld")(alfworld_cli.generate)
generate_app.command("webshop")(webshop_cli.generate)
play_app.command("alfworld")(alfworld_cli.play)
games_app.command("richness")(alfworld_cli.richness)
play_app.command("webshop")(webshop_cli.play)


@games_app.command("check")
def check(
    path: Annotated[
        Path, typer.Argument(help="A game set: ALFWorld games (any depth) or a WebShop game set.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    workers: Annotated[int, typer.Option(min=1, help="ALFWorld: games checked in parallel processes.")] = 1,
    limit: Annotated[int | None, typer.Option(min=1, help="ALFWorld: check only the first N games.")] = None,
) -> None:
    """Play the expert/oracle on every game under PATH and print a summary.

    Example: hdbench games check ../shared/data/alfworld/json_2.1.1/valid_seen --format json
    """
    if webshop_cli.is_game_set(path):
        webshop_cli.check(path, fmt)
    else:
        alfworld_cli.check(path, fmt, workers=workers, limit=limit)
