"""Errors of the release layer: each names what a user needs to find the problem."""

from __future__ import annotations

from pydantic import ValidationError


class ReleaseError(Exception):
    """Something is wrong with a release folder or a request about it."""


class ReleaseExistsError(ReleaseError):
    """A release version already exists with different content: versions are never overwritten."""


class SchemaViolation(ReleaseError):
    """A row does not match its config's record model."""

    def __init__(self, config: str, split: str, row: int, field: str, reason: str, more: int = 0):
        self.config, self.split, self.row, self.field, self.reason = config, split, row, field, reason
        extra = f" (and {more} more problem(s) in this row)" if more else ""
        super().__init__(f"{config}/{split} row {row}: field '{field}': {reason}{extra}")

    @classmethod
    def from_validation(cls, config: str, split: str, row: int, err: ValidationError) -> SchemaViolation:
        """Build from pydantic's error, keeping its first problem (location and message)."""
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "<row>"
        reason = first["msg"]
        if "input" in first and first["type"] not in ("missing",):
            reason += f" (got {_short(first['input'])})"
        return cls(config, split, row, field, reason, more=len(err.errors()) - 1)


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
