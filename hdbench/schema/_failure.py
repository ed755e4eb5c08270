"""Failures: a failed episode seen through its failure-mode labels, the input of hint extraction."""

from __future__ import annotations

from pydantic import Field, model_validator

from hdbench.schema._base import AgentKind, EnvName, FailureMode, Record


class Evidence(Record):
    """Why a failure-mode label was given: the step it points at and what happened there."""

    mode: FailureMode
    """The label this evidence supports."""
    step_index: int | None = Field(default=None, ge=0)
    """Step the evidence points at (None when it concerns the whole episode)."""
    detail: str
    """Short human-readable explanation."""


class Failure(Record):
    """A failed episode, labelled with failure modes and the evidence for each."""

    ID_FIELD = "failure_id"

    failure_id: str = Field(min_length=1)
    """Identifier (the episode id prefixed with ``f-``)."""
    episode_id: str = Field(min_length=1)
    """The failed episode in the ``trajectories`` config."""
    run_id: str = Field(min_length=1)
    """Run that produced the episode."""
    env: EnvName
    """Benchmark."""
    split: str
    """Game split."""
    task_id: str
    """Game or goal identifier."""
    task_type: str
    """ALFWorld task type or WebShop product category."""
    task: str
    """The task text the agent read."""
    agent: AgentKind
    """How actions were chosen."""
    model: str | None = None
    """Model that failed (None for non-model agents)."""
    modes: list[FailureMode] = Field(min_length=1)
    """Failure-mode labels; at least one."""
    evidence: list[Evidence] = Field(min_length=1)
    """Evidence for each label."""
    num_steps: int = Field(ge=0)
    """Steps the episode took."""
    score: float = Field(ge=0.0, le=1.0)
    """Final score of the episode."""
    transcript: str
    """The episode rendered as text (task, then action/observation turns): what a hint writer reads."""

    @model_validator(mode="after")
    def _evidence_matches_modes(self) -> Failure:
        if len(set(self.modes)) != len(self.modes):
            raise ValueError("modes must not repeat")
        missing = set(self.modes) - {e.mode for e in self.evidence}
        if missing:
            raise ValueError(f"modes without evidence: {sorted(missing)}")
        return self
