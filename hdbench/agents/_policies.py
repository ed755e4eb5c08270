"""A policy that needs no model: uniformly random admissible actions (the leaderboard's floor).

The other model-free policy, each environment's expert, lives with its environment
(``hdbench.envs.expert_for``).
"""

from __future__ import annotations

import random


class RandomPolicy:
    """Chooses uniformly among the admissible actions (seeded)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def act(self, admissible: list[str] | None) -> str:
        """A random admissible action ('look' when the env lists none)."""
        choices = [a for a in admissible or [] if a != "help"]
        return self.rng.choice(choices) if choices else "look"
