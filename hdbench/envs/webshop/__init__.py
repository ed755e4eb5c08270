"""WebShop (Yao et al. 2022) ported to run offline: catalogue, goals, BM25 search, pages, reward, oracle.

``register_env("webshop", WebShopEnv)`` makes it available as ``make_env("webshop", games=DIR)``.
"""

from collections.abc import Callable
from pathlib import Path

from hdbench.envs._env import Task, register_env
from hdbench.envs.webshop._catalogue import load_original
from hdbench.envs.webshop._env import WebShopEnv, parse_action
from hdbench.envs.webshop._generate import generate_products, iter_products
from hdbench.envs.webshop._goals import generate_goals, split_of
from hdbench.envs.webshop._play import (
    CheckSummary,
    EpisodeResult,
    check_game_set,
    oracle_policy,
    play,
    random_policy,
    tasks,
)
from hdbench.envs.webshop._reward import Reward, compute_reward
from hdbench.envs.webshop._search import SearchIndex
from hdbench.envs.webshop._shop import Shop, open_shop
from hdbench.envs.webshop._stats import GameSetStats, game_set_stats
from hdbench.envs.webshop._store import generate_game_set, is_game_set, read_game_set, write_game_set


def _oracle(env: WebShopEnv) -> Callable[[], str | None]:
    """The oracle's next action for the goal ``env`` was just reset to (None when done)."""
    actions = oracle_policy(env)
    return lambda: next(actions, None)


def _tasks(games: Path | None, split: str) -> list[Task]:
    """The goals of one split of a game set, as tasks."""
    if games is None:
        raise ValueError(
            "WebShop needs a game set: pass --games DIR (make one with `hdbench games generate webshop`)"
        )
    return tasks(games, split)


register_env("webshop", WebShopEnv, tasks=_tasks, expert=_oracle)

__all__ = [
    "CheckSummary",
    "EpisodeResult",
    "GameSetStats",
    "Reward",
    "SearchIndex",
    "Shop",
    "WebShopEnv",
    "check_game_set",
    "compute_reward",
    "game_set_stats",
    "generate_game_set",
    "generate_goals",
    "generate_products",
    "is_game_set",
    "iter_products",
    "load_original",
    "open_shop",
    "oracle_policy",
    "parse_action",
    "play",
    "random_policy",
    "read_game_set",
    "split_of",
    "tasks",
    "write_game_set",
]
