"""The built-in environments, registered with their task loaders and experts on first use.

WebShop registers all of that itself; ALFWorld's package registers only its factory, so its
loader and planner expert are registered here.

Importing an engine is slow (textworld, spaCy), so nothing is imported until an env is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hdbench.envs._env import Env, Task, register_env


def register_builtins(name: str) -> None:
    """Import and register the built-in env ``name`` (no-op for unknown names)."""
    if name == "alfworld":
        _alfworld()
    elif name == "webshop":
        _webshop()


def _alfworld() -> None:
    from hdbench.envs import alfworld

    def expert(env: Env) -> Callable[[], str | None]:
        planner = alfworld.PlannerExpert()
        planner.start(env)  # planned once, on the state the env was just reset to
        return planner.act

    def tasks(games: Path | None, split: str) -> list[Task]:
        return alfworld.load_split(split, games)

    register_env("alfworld", alfworld.make_alfworld_env, tasks=tasks, expert=expert)


def _webshop() -> None:
    from hdbench.envs import webshop  # noqa: F401 (registers itself with its tasks and oracle)
