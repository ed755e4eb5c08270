"""Leaderboard entries: one model's scored run on one board."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from hdbench.schema._base import AgentKind, EnvName, Record
from hdbench.schema._provenance import InputRef


class LeaderboardEntry(Record):
    """One row of a leaderboard, derived from the episodes of one run."""

    ID_FIELD = "entry_id"

    entry_id: str = Field(min_length=1)
    """Identifier (board + submission)."""
    board: str = Field(min_length=1)
    """Leaderboard name (e.g. ``alfworld-unseen``)."""
    submitter: str
    """Who submitted."""
    model: str
    """Model name as evaluated."""
    agent: AgentKind
    """Prompt strategy."""
    env: EnvName
    """Benchmark."""
    split: str
    """Game split played."""
    protocol: str
    """Evaluation protocol name."""
    run_id: str
    """Run whose episodes are scored."""
    episodes: int = Field(ge=0)
    """Episodes scored."""
    successes: int = Field(ge=0)
    """Episodes won."""
    errors: int = Field(ge=0)
    """Episodes that could not be judged."""
    success_rate: float = Field(ge=0.0, le=1.0)
    """successes / episodes."""
    score: float = Field(ge=0.0, le=100.0)
    """Mean score × 100 (WebShop's reported score)."""
    mean_steps: float = Field(ge=0.0)
    """Mean steps per episode."""
    tokens_per_episode: float = Field(ge=0.0)
    """Mean prompt + completion tokens per episode."""
    inputs: list[InputRef] = Field(default_factory=list)
    """Releases the run read."""
    hdbench_version: str
    """Version of hdbench that scored it."""
    submitted_at: datetime
    """When the entry was made (UTC)."""
    verified: bool = False
    """Whether a maintainer re-ran and confirmed it."""

    @model_validator(mode="after")
    def _counts(self) -> LeaderboardEntry:
        if self.successes + self.errors > self.episodes:
            raise ValueError("successes + errors exceed episodes")
        if self.episodes and abs(self.success_rate - self.successes / self.episodes) > 1e-9:
            raise ValueError("success_rate must equal successes / episodes")
        return self
