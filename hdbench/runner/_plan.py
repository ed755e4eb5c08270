"""The plan of a run: which task is played, how many times, with which seed and hints."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict, Field

from hdbench.envs import Task


class PlannedEpisode(BaseModel):
    """One episode to play."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: Task
    attempt: int = Field(default=0, ge=0)
    seed: int = 0
    hints: list[str] = Field(default_factory=list)
    """Hint texts placed once at episode start (teacher mode)."""
    hint_ids: list[str] = Field(default_factory=list)
    """Ids of those hints, recorded in the episode."""

    def episode_id(self, run_id: str) -> str:
        """Stable id: the same run, task and attempt always give the same id (resume relies on it)."""
        key = f"{run_id}/{self.task.split}/{self.task.task_id}/{self.attempt}"
        return hashlib.sha1(key.encode()).hexdigest()[:16]


def make_plan(
    tasks: list[Task], n: int | None = None, attempts: int = 1, seed: int = 0, shard: tuple[int, int] = (0, 1)
) -> list[PlannedEpisode]:
    """The first ``n`` tasks (in the loader's order), each played ``attempts`` times, one shard of it.

    ``shard=(i, n)`` keeps every n-th task starting at i, so ``--shard i/n`` on n machines covers
    the plan once; their releases are then joined with ``hdbench release merge``.
    """
    index, count = shard
    if not 0 <= index < count:
        raise ValueError(f"shard must be i/n with 0 <= i < n, got {index}/{count}")
    chosen = tasks[:n] if n else tasks
    return [
        PlannedEpisode(task=task, attempt=attempt, seed=seed + 1000 * attempt + i)
        for i, task in enumerate(chosen)
        if i % count == index
        for attempt in range(attempts)
    ]


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> ``(i, n)``."""
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"shard must look like i/n (e.g. 0/4), got {text!r}") from None
    return index, count
