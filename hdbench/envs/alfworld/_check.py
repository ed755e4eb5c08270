"""Checking a game set: play the planner expert on every game through the real engine.

``check_games(path)`` finds games at any depth (official layout or a generated set), skips those
whose file says ``"solvable": false`` (counting them), plays the expert on the rest and reports
won / lost / errors with timings. Games can be spread over worker processes, each with its own
engine, as alfworld's own env does with textworld's asynchronous batch env.
"""

from __future__ import annotations

import logging
import multiprocessing
import statistics
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from hdbench.envs.alfworld._engine import DEFAULT_MAX_STEPS, AlfworldEnv
from hdbench.envs.alfworld._expert import play_expert
from hdbench.envs.alfworld._official import GameRef, find_games, to_task

log = logging.getLogger(__name__)


class CheckStatus(StrEnum):
    """Outcome of checking one game."""

    WON = "won"
    LOST = "lost"
    ERROR = "error"
    UNSOLVABLE = "unsolvable"
    """Marked ``"solvable": false`` in its file (as in the official release); not played."""


@dataclass
class GameCheck:
    """The expert's result on one game."""

    task_id: str
    task_type: str
    path: str
    status: CheckStatus
    grammar: str = ""
    plan_length: int = 0
    steps: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class CheckReport:
    """Summary of a game-set check."""

    path: str
    games: int = 0
    solvable: int = 0
    won: int = 0
    lost: int = 0
    errors: int = 0
    seconds: float = 0.0
    median_game_s: float = 0.0
    by_task_type: dict[str, dict[str, int]] = field(default_factory=dict)
    results: list[GameCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every solvable game was won and nothing errored."""
        return self.won == self.solvable and self.errors == 0

    def to_dict(self, with_games: bool = True) -> dict:
        """JSON-ready form (``with_games=False`` drops the per-game rows)."""
        data = asdict(self)
        data["ok"] = self.ok
        if not with_games:
            data.pop("results")
        return data


_WORKER_ENV: AlfworldEnv | None = None


def _worker_env(max_steps: int) -> AlfworldEnv:
    """This process's engine, created on first use."""
    global _WORKER_ENV
    if _WORKER_ENV is None or _WORKER_ENV.max_steps != max_steps:
        _WORKER_ENV = AlfworldEnv(max_steps=max_steps)
    return _WORKER_ENV


def check_game(ref: GameRef, max_steps: int = DEFAULT_MAX_STEPS, env: AlfworldEnv | None = None) -> GameCheck:
    """Play the expert on one game; any failure becomes an ``error`` row naming the file."""
    row = GameCheck(ref.task_id, ref.task_type, str(ref.path), CheckStatus.UNSOLVABLE)
    if ref.solvable is False:
        return row
    start = time.perf_counter()
    try:
        episode = play_expert(env or _worker_env(max_steps), to_task(ref, "check"))
    except Exception as err:  # noqa: BLE001 - a check reports every failure instead of stopping
        log.warning("error on %s: %s", ref.path, err)
        row.status, row.error = CheckStatus.ERROR, f"{type(err).__name__}: {err}"
    else:
        row.status = CheckStatus.WON if episode.won else CheckStatus.LOST
        row.grammar, row.plan_length, row.steps = episode.grammar, episode.plan_length, len(episode.actions)
    row.seconds = time.perf_counter() - start
    return row


def _check_in_worker(args: tuple[GameRef, int]) -> GameCheck:
    """Process-pool entry point."""
    return check_game(*args)


def check_games(
    path: Path,
    max_steps: int = DEFAULT_MAX_STEPS,
    workers: int = 1,
    limit: int | None = None,
    on_game: Callable[[GameCheck], None] | None = None,
) -> CheckReport:
    """Play the expert on every game under ``path`` and summarise (see module docstring)."""
    start = time.perf_counter()
    refs = find_games(Path(path), include_unsolvable=True)[:limit]
    if not refs:
        raise FileNotFoundError(f"no game.tw-pddl files under {path}")
    report = CheckReport(path=str(path))
    for row in _run(refs, max_steps, workers):
        report.results.append(row)
        if on_game is not None:
            on_game(row)
    return _summarise(report, time.perf_counter() - start)


def _run(refs: list[GameRef], max_steps: int, workers: int):
    """Yield one ``GameCheck`` per game, in order, in this process or in ``workers`` processes."""
    if workers <= 1:
        env = AlfworldEnv(max_steps=max_steps)
        try:
            yield from (check_game(ref, max_steps, env) for ref in refs)
        finally:
            env.close()
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(_check_in_worker, [(ref, max_steps) for ref in refs])


def _summarise(report: CheckReport, seconds: float) -> CheckReport:
    """Fill the counters of ``report`` from its rows."""
    rows = report.results
    counts = Counter(r.status for r in rows)
    report.games, report.seconds = len(rows), seconds
    report.won, report.lost, report.errors = (
        counts[CheckStatus.WON],
        counts[CheckStatus.LOST],
        counts[CheckStatus.ERROR],
    )
    report.solvable = len(rows) - counts[CheckStatus.UNSOLVABLE]
    played = [r.seconds for r in rows if r.status in (CheckStatus.WON, CheckStatus.LOST)]
    report.median_game_s = statistics.median(played) if played else 0.0
    for r in rows:
        report.by_task_type.setdefault(r.task_type, Counter())[r.status.value] += 1
    report.by_task_type = {k: dict(v) for k, v in sorted(report.by_task_type.items())}
    return report
