"""Playing whole episodes with a scripted policy (oracle, random) and summarising a game set."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hdbench.envs._env import Task, Transition
from hdbench.envs.webshop._env import SEARCH_TEMPLATE, WebShopEnv
from hdbench.envs.webshop._oracle import oracle_actions
from hdbench.envs.webshop._shop import Shop, open_shop
from hdbench.schema import EnvName

Policy = Callable[[WebShopEnv], Iterator[str]]


class EpisodeResult(BaseModel):
    """How one scripted episode ended."""

    model_config = ConfigDict(extra="forbid")

    goal_id: str
    split: str
    category: str
    reward: float
    won: bool
    steps: int
    actions: list[str]


class CheckSummary(BaseModel):
    """A policy's results over a game set, in the paper's terms (score = mean reward x 100)."""

    model_config = ConfigDict(extra="forbid")

    policy: str
    goals: int
    wins: int
    mean_reward: float
    score: float
    success_rate: float
    by_category: dict[str, float]
    """Mean reward per product category."""


def tasks(path: Path, split: str | None = None, shop: Shop | None = None) -> list[Task]:
    """The goals of a game set as env tasks (one split or all), in ``fixed_i`` order."""
    shop = shop or open_shop(str(Path(path).resolve()))
    return [
        Task(env=EnvName.WEBSHOP, task_id=g.goal_id, split=g.split, task_type=g.category, source=str(path))
        for g in shop.goals.values()
        if split is None or g.split == split
    ]


def oracle_policy(env: WebShopEnv) -> Iterator[str]:
    """The oracle's actions for the goal the env was reset to."""
    assert env.shop is not None and env.goal is not None
    yield from oracle_actions(env.shop, env.goal)


def random_policy(seed: int = 0) -> Policy:
    """Search the instruction, then click uniformly among the page's clickables until done."""

    def policy(env: WebShopEnv) -> Iterator[str]:
        rng = random.Random(f"{seed}/{env.goal.goal_id if env.goal else ''}")
        while True:
            choices = env.admissible()
            if choices == [SEARCH_TEMPLATE]:
                yield f"search[{env.state.instruction}]"
            else:
                yield rng.choice(choices)

    return policy


def play(env: WebShopEnv, task: Task, policy: Policy) -> EpisodeResult:
    """Play ``task`` to the end (purchase or step budget) with ``policy``."""
    env.reset(task)
    actions: list[str] = []
    last = Transition(observation="", done=False, won=False, score=0.0, valid=True)
    for action in policy(env):
        actions.append(action)
        last = env.step(action)
        if last.done:
            break
    return EpisodeResult(
        goal_id=task.task_id,
        split=task.split,
        category=task.task_type,
        reward=last.score,
        won=last.won,
        steps=len(actions),
        actions=actions,
    )


def summarise(name: str, results: Sequence[EpisodeResult]) -> CheckSummary:
    """Counts, mean reward, score and success rate of a list of episodes."""
    n = len(results)
    rewards: dict[str, list[float]] = defaultdict(list)
    for r in results:
        rewards[r.category].append(r.reward)
    wins = Counter(r.won for r in results)[True]
    mean = sum(r.reward for r in results) / n if n else 0.0
    return CheckSummary(
        policy=name,
        goals=n,
        wins=wins,
        mean_reward=mean,
        score=100 * mean,
        success_rate=wins / n if n else 0.0,
        by_category={c: sum(v) / len(v) for c, v in sorted(rewards.items())},
    )


def check_game_set(
    path: Path, policy: str = "oracle", split: str | None = None, max_steps: int = 15, seed: int = 0
) -> tuple[CheckSummary, list[EpisodeResult]]:
    """Play ``policy`` (``oracle`` or ``random``) on every goal of a game set (or of one split)."""
    chosen = {"oracle": oracle_policy, "random": random_policy(seed)}[policy]
    env = WebShopEnv(games=path, max_steps=max_steps)
    results = [play(env, task, chosen) for task in tasks(path, split)]
    return summarise(policy, results), results
