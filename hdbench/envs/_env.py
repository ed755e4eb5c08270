"""The interface every hdbench environment implements (ALFWorld, WebShop, and plug-ins)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from hdbench.schema import EnvName, ScorePart


class Task(BaseModel):
    """One playable game or goal: what a runner plans and an env resets to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: EnvName
    """Benchmark the task belongs to."""
    task_id: str
    """Identifier within its split (ALFWorld: game folder path relative to the split; WebShop: ``fixed_i``)."""
    split: str
    """Split the task comes from."""
    task_type: str
    """ALFWorld task type or WebShop product category."""
    source: str
    """Where the env finds the task (game file path, goal-set path...)."""


class Observation(BaseModel):
    """What the agent sees after ``reset``."""

    model_config = ConfigDict(extra="forbid")

    text: str
    """The first observation, exactly as the engine renders it."""
    task: str
    """The task line or instruction (e.g. 'put a clean mug in coffeemachine.')."""
    task_type: str
    """ALFWorld task type or WebShop product category."""
    admissible: list[str] | None = None
    """Actions the engine would accept now, when the env can list them."""


class Transition(BaseModel):
    """What ``step`` returns."""

    model_config = ConfigDict(extra="forbid")

    observation: str
    """The engine's answer to the action."""
    done: bool
    """Whether the episode is over (won, bought, or out of steps)."""
    won: bool
    """Whether the task is solved."""
    score: float = Field(ge=0.0, le=1.0)
    """Reward so far in [0, 1]."""
    parts: list[ScorePart] = Field(default_factory=list)
    """Named parts of the score."""
    valid: bool
    """Whether the engine accepted the action."""
    admissible: list[str] | None = None
    """Actions the engine would accept next, when the env can list them."""


@runtime_checkable
class Env(Protocol):
    """A text environment. Any string is a legal input to ``step``: only the engine decides validity."""

    name: EnvName

    def reset(self, task: Task) -> Observation:
        """Start ``task`` from its initial state."""
        ...

    def step(self, action: str) -> Transition:
        """Apply ``action`` and return what happened."""
        ...

    def close(self) -> None:
        """Release engine resources."""
        ...


EnvFactory = Callable[..., Env]
TaskLoader = Callable[[Path | None, str], list[Task]]
"""``(games, split) -> tasks``: the tasks of a split of a game set (None: the env's default data)."""
ExpertFactory = Callable[[Env], Callable[[], str | None]]
"""Given an env just reset, return a function giving the expert's next action (None when done)."""
_REGISTRY: dict[str, EnvFactory] = {}
_TASKS: dict[str, TaskLoader] = {}
_EXPERTS: dict[str, ExpertFactory] = {}


def register_env(
    name: str, factory: EnvFactory, tasks: TaskLoader | None = None, expert: ExpertFactory | None = None
) -> None:
    """Register an environment factory, its task loader and its expert under ``name``.

    Built-ins use the same call as plug-ins.
    """
    _REGISTRY[name] = factory
    if tasks is not None:
        _TASKS[name] = tasks
    if expert is not None:
        _EXPERTS[name] = expert


def expert_for(env: Env) -> Callable[[], str | None]:
    """The expert policy of ``env``'s kind, started on the episode ``env`` was just reset to.

    An env running in a worker process computes its expert there (its ``expert_next`` method).
    """
    remote = getattr(env, "expert_next", None)
    if remote is not None:
        return remote
    if str(env.name) not in _EXPERTS:
        _builtins(str(env.name))
    try:
        factory = _EXPERTS[str(env.name)]
    except KeyError:
        raise KeyError(f"no expert registered for env {env.name!r}") from None
    return factory(env)


def load_tasks(name: str, games: Path | None, split: str) -> list[Task]:
    """The tasks of ``split`` in the game set ``games`` of env ``name``; an empty split is an error."""
    if name not in _TASKS:
        _builtins(name)
    try:
        loader = _TASKS[name]
    except KeyError:
        raise KeyError(f"env {name!r} has no task loader; registered: {', '.join(sorted(_TASKS))}") from None
    tasks = loader(games, split)
    if not tasks:
        raise ValueError(f"split {split!r} of {games or 'the default ' + name + ' data'} has no tasks")
    return tasks


def make_env(name: str, **options: object) -> Env:
    """Build a registered environment."""
    if name not in _REGISTRY or name not in _TASKS:
        _builtins(name)
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown env {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None
    return factory(**options)


def _builtins(name: str) -> None:
    from hdbench.envs._builtin import register_builtins  # late: the engines import this module

    register_builtins(name)
