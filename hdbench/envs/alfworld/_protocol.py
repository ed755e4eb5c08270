"""Named evaluation protocols for ALFWorld: which games, which budgets, when to stop early.

``paper`` is the evaluation of the paper: the out-of-distribution games (``valid_unseen``), at most
100 model calls per episode, and an early stop once the agent has sent the same action 5 times in
a row. The runner reads these fields; the env enforces only its own step budget.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from hdbench.envs._env import Task
from hdbench.envs.alfworld._engine import DEFAULT_MAX_STEPS, AlfworldEnv
from hdbench.envs.alfworld._official import load_split


@dataclass(frozen=True)
class Protocol:
    """An ALFWorld evaluation setting."""

    name: str
    split: str
    """Game split played."""
    max_model_calls: int
    """Model calls allowed per episode (thoughts included); the episode ends when they run out."""
    max_steps: int
    """Environment steps allowed per episode (the env's budget)."""
    repeat_stop: int | None
    """Stop after this many identical consecutive actions (None: never)."""

    def make_env(self) -> AlfworldEnv:
        """An env with this protocol's step budget."""
        return AlfworldEnv(max_steps=self.max_steps)

    def tasks(self, data: str | os.PathLike | None = None) -> list[Task]:
        """The protocol's games from official data at ``data`` (or ``$ALFWORLD_DATA``)."""
        return load_split(self.split, data)

    def should_stop(self, actions: Sequence[str]) -> bool:
        """Whether the last ``repeat_stop`` actions are identical (the early-stop rule)."""
        n = self.repeat_stop
        return n is not None and len(actions) >= n and len(set(actions[-n:])) == 1


PROTOCOLS: dict[str, Protocol] = {
    "paper": Protocol("paper", "valid_unseen", max_model_calls=100, max_steps=100, repeat_stop=5),
    "alfworld": Protocol(
        "alfworld",
        "valid_unseen",
        max_model_calls=DEFAULT_MAX_STEPS,
        max_steps=DEFAULT_MAX_STEPS,
        repeat_stop=None,
    ),
}
"""Built-in protocols: ``paper`` (this project's paper) and ``alfworld`` (alfworld's eval config)."""


def get_protocol(name: str) -> Protocol:
    """A protocol by name, with the known names in the error."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f"unknown ALFWorld protocol {name!r}; known: {', '.join(PROTOCOLS)}") from None
