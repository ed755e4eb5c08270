"""SFT examples in TRL's conversational format."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from hdbench.schema._base import EnvName, Record


class Role(StrEnum):
    """Chat roles of TRL's conversational format."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class Message(Record):
    """One chat message."""

    role: Role
    """Who speaks."""
    content: str
    """What is said."""


class SFTExample(Record):
    """A training conversation: TRL's ``SFTTrainer`` reads the ``messages`` column as is."""

    ID_FIELD = "example_id"

    example_id: str = Field(min_length=1)
    """Identifier."""
    source_episode_id: str = Field(min_length=1)
    """Teacher episode the conversation was distilled from."""
    env: EnvName
    """Benchmark."""
    task_type: str
    """ALFWorld task type or WebShop product category."""
    messages: list[Message] = Field(min_length=2)
    """The conversation: optional system turn, then user/assistant turns, ending with the assistant."""

    @model_validator(mode="after")
    def _conversation_shape(self) -> SFTExample:
        roles = [m.role for m in self.messages]
        turns = roles[1:] if roles[0] == Role.SYSTEM else roles
        expected = [Role.USER, Role.ASSISTANT] * (len(turns) // 2 + 1)
        if not turns or turns != expected[: len(turns)] or turns[-1] != Role.ASSISTANT:
            raise ValueError(
                "messages must be [system], then user/assistant alternating, ending with assistant"
            )
        return self
