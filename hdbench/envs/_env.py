"""The interface every hdbench environment implements (ALFWorld, WebShop, and plug-ins)."""

from __future__ import annotations

from collections.abc import Callable
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
_REGISTRY: dict[str, EnvFactory] = {}


def register_env(name: str, factory: EnvFactory) -> None:
    """Register an environment factory under ``name`` (built-ins use the same call as plug-ins)."""
    _REGISTRY[name] = factory


def make_env(name: str, **options: object) -> Env:
    """Build a registered environment."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown env {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None
    return factory(**options)
