"""Episode limits and the named evaluation protocols."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hdbench.schema import EnvName, Setting


class Limits(BaseModel):
    """When an episode is cut short."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_steps: int = Field(gt=0)
    """Environment steps (ALFWorld's own eval uses 50; WebShop 15)."""
    max_model_calls: int | None = Field(default=None, gt=0)
    """Model calls per episode (None: as many as steps)."""
    stop_after_identical: int | None = Field(default=None, ge=2)
    """Stop after this many identical consecutive actions (None: never)."""

    def settings(self) -> list[Setting]:
        """The limits as run-manifest settings."""
        return [Setting(name=k, value=str(v)) for k, v in self.model_dump().items()]


DEFAULTS = {EnvName.ALFWORLD: Limits(max_steps=50), EnvName.WEBSHOP: Limits(max_steps=15)}

PROTOCOLS: dict[str, dict[EnvName, Limits]] = {
    # arXiv:2510.01375: ALFWorld at most 100 model calls, early stop after 5 identical actions;
    # WebShop 15 steps.
    "paper": {
        EnvName.ALFWORLD: Limits(max_steps=100, max_model_calls=100, stop_after_identical=5),
        EnvName.WEBSHOP: Limits(max_steps=15),
    },
}


def limits_for(env: EnvName, protocol: str | None = None, max_steps: int | None = None) -> Limits:
    """The limits of a protocol (or the env's defaults), with ``max_steps`` overriding."""
    if protocol is not None and protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    limits = PROTOCOLS[protocol][env] if protocol else DEFAULTS[env]
    return limits.model_copy(update={"max_steps": max_steps}) if max_steps else limits
