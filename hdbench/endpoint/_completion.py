"""What one chat call returns: the text, its token counts and how the call went."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hdbench.schema import TokenSource


class Completion(BaseModel):
    """The outcome of one ``Endpoint.chat`` call.

    Endpoint faults are values, not exceptions: when every attempt failed, ``error`` says why and
    ``text`` is empty, so a runner marks the episode ``error`` (not an agent failure) and goes on.
    """

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    text: str = ""
    """The assistant message (empty when ``error`` is set)."""
    prompt_tokens: int = Field(default=0, ge=0)
    """Tokens in the prompt, as counted by ``token_source``."""
    completion_tokens: int = Field(default=0, ge=0)
    """Tokens in the reply, as counted by ``token_source``."""
    token_source: TokenSource = TokenSource.NONE
    """Where the token counts come from: the response's ``usage``, a local tokenizer, or nowhere."""
    finish_reason: str | None = None
    """Why generation stopped (``stop``, ``length``...), as the server said."""
    latency_s: float = Field(default=0.0, ge=0.0)
    """Wall time of the whole call, retries and backoff included."""
    attempts: int = Field(default=0, ge=0)
    """HTTP requests made (1 when the first one succeeded)."""
    error: str | None = None
    """Why the call failed after its last attempt; None on success. Never holds the API key."""

    @property
    def ok(self) -> bool:
        """True when the call produced a reply."""
        return self.error is None
