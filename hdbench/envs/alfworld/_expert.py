"""The planner expert: fast-downward's plan, computed once at reset and followed to the end.

This is the oracle row of the leaderboard and the source of reference demonstrations. Unlike
alfworld 0.4.2's hand-coded expert (which speaks ``move X to Y`` and so needs translation on 2.1.1
games), the plan is rendered by the game's own grammar, so it is admissible in either data version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from hdbench.envs._env import Task
from hdbench.envs.alfworld._engine import AlfworldEnv


@dataclass
class ExpertEpisode:
    """What the expert did on one game."""

    task: Task
    """The game played."""
    won: bool
    """Whether the engine reported the goal reached."""
    actions: list[str] = field(default_factory=list)
    """Commands sent, in order."""
    observations: list[str] = field(default_factory=list)
    """The first observation, then the engine's answer to each command."""
    plan_length: int = 0
    """Length of the plan made at reset (0: the planner found none)."""
    grammar: str = ""
    """Grammar/data version of the game."""
    reset_s: float = 0.0
    """Seconds spent in ``reset`` (loading and compiling the game on first sight)."""
    plan_s: float = 0.0
    """Seconds the planner took."""
    steps_s: float = 0.0
    """Seconds spent in ``step`` over the episode."""


class PlannerExpert:
    """Plays the planner's plan, made once at reset."""

    def __init__(self) -> None:
        self._plan: list[str] = []

    def start(self, env: AlfworldEnv) -> None:
        """Plan from the state ``env`` was just reset to."""
        self._plan = env.expert_plan()

    @property
    def plan(self) -> list[str]:
        """The remaining planned commands."""
        return list(self._plan)

    def act(self) -> str | None:
        """The next planned command, or None once the plan is exhausted."""
        return self._plan.pop(0) if self._plan else None


def play_expert(env: AlfworldEnv, task: Task) -> ExpertEpisode:
    """Reset ``env`` to ``task`` and follow the planner's plan until done or the plan runs out."""
    t0 = time.perf_counter()
    obs = env.reset(task)
    t1 = time.perf_counter()
    expert = PlannerExpert()
    expert.start(env)
    t2 = time.perf_counter()
    episode = ExpertEpisode(
        task,
        won=env.won,
        observations=[obs.text],
        plan_length=len(expert.plan),
        grammar=str(env.grammar),
        reset_s=t1 - t0,
        plan_s=t2 - t1,
    )
    while not env.done and (action := expert.act()) is not None:
        transition = env.step(action)
        episode.actions.append(action)
        episode.observations.append(transition.observation)
    episode.won = env.won
    episode.steps_s = time.perf_counter() - t2
    return episode
