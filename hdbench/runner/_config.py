"""The configuration of a rollout: one pydantic model, loaded from flags (or YAML), recorded in the run."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hdbench.schema import AgentKind, EnvName, Mode


class RolloutConfig(BaseModel):
    """Everything that decides what a rollout plays and how. Secrets are never fields."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    env: EnvName
    """Benchmark to play."""
    games: Path | None = None
    """Game set: ALFWorld games (official layout or generated), or a WebShop game set."""
    split: str = "train"
    """Split of the game set."""
    agent: AgentKind = AgentKind.REACT
    """react | stateact | act (model agents), expert | random (no endpoint)."""
    out: Path
    """Release folder to write (must not exist yet, or the run resumes)."""
    name: str | None = None
    """Release name (default ``hdbench/<env>-<agent>-<split>``)."""
    version: str = "0.1.0"
    """Release version."""
    mode: Mode = Mode.BASE
    """Pipeline stage recorded in the episodes."""
    n: int | None = Field(default=None, gt=0)
    """Play only the first n tasks of the split."""
    attempts: int = Field(default=1, gt=0)
    """Episodes per task (sampling with several attempts)."""
    shard: str = "0/1"
    """Play shard i of n of the plan (``i/n``)."""
    seed: int = 0
    """Base seed (episode seeds derive from it)."""
    concurrency: int = Field(default=1, gt=0)
    """Episodes played at the same time."""
    env_workers: str = Field(default="auto", pattern="^(auto|process|thread)$")
    """Where envs run: process (parallel CPU), thread, or auto (process for ALFWorld)."""
    protocol: str | None = None
    """Named evaluation protocol, e.g. ``paper``."""
    max_steps: int | None = Field(default=None, gt=0)
    """Override the step budget."""
    base_url: str | None = None
    """OpenAI-compatible endpoint (model agents)."""
    model: str | None = None
    """Model name sent to the endpoint."""
    api_key_env: str = "OPENAI_API_KEY"
    """Environment variable holding the API key (the key itself is never recorded)."""
    temperature: float = Field(default=0.0, ge=0.0)
    """Sampling temperature."""
    max_tokens: int = Field(default=256, gt=0)
    """Completion tokens per call."""
    request_timeout: float = Field(default=120.0, gt=0)
    """Per-request timeout, seconds."""
    max_retries: int = Field(default=3, ge=0)
    """Retries on 429/5xx/timeouts before the episode is an error."""
    engine: str | None = None
    """Serving engine, when known (recorded)."""
    prompt: str | None = None
    """Prompt name or YAML path (default ``<agent>-<env>``)."""
    show_admissible: bool = False
    """List the admissible commands in every observation."""
    match_admissible: bool = False
    """Map an action to the closest admissible command."""
    constrain: bool = False
    """Constrain the action to the admissible commands with a llama.cpp grammar."""
    avoid_loops: bool = False
    """With constrain/match_admissible: leave out actions that would repeat a third time or close an A-B-A-B cycle."""
    focus: bool = False
    """ALFWorld: offer only commands that move, open, or name a thing the task names (narrows the action space)."""
    remind_task: bool = False
    """Restate the task on the latest turn, after the observation (small models lose track of it)."""
    history: int = Field(default=12, gt=0)
    """Exchanges of history sent with each call."""
    max_prompt_chars: int = Field(default=10_000, gt=0)
    """Character budget of each prompt (older exchanges are dropped to stay under it)."""

    @model_validator(mode="after")
    def _focus_is_for_alfworld(self) -> RolloutConfig:
        if self.focus and self.env != "alfworld":
            raise ValueError("focus applies to ALFWorld only (WebShop's buttons do not name the task's things)")
        return self

    def run_id(self) -> str:
        """Deterministic id: the same configuration resumes the same run.

        Only settings that differ from their defaults count, so a field added in a later version (at
        its default) keeps the ids of earlier runs and their journals still resume."""
        keep = self.model_dump(
            mode="json", exclude_defaults=True, exclude={"concurrency", "env_workers", "request_timeout", "out"}
        )
        digest = hashlib.sha1(repr(sorted(keep.items())).encode()).hexdigest()[:10]
        return f"{self.env}-{self.agent}-{self.split}-{digest}"

    @property
    def release_name(self) -> str:
        return self.name or f"hdbench/{self.env}-{self.agent}-{self.split}"
