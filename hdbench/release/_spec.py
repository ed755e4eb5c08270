"""What describes a release: the author's spec and the machine-written ``release.json``."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
INFO_FILE = "release.json"


class ReleaseSpec(BaseModel):
    """What the author of a release says about it; rendered into the dataset card."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")
    """Dataset repository name, ``org/name`` as on the Hub (or a bare name)."""
    version: str
    """Semantic version, e.g. ``0.1.0``; a version is written once and never overwritten."""
    title: str
    """Human title of the dataset card."""
    summary: str
    """One paragraph: what the release holds and who it is for."""
    license: str = "cc-by-4.0"
    """SPDX-like license id of the records (the Hub's ``license`` field)."""
    sample: bool = False
    """True for sample data made by hdbench's fixture builder: the card says so prominently."""
    provenance: str = ""
    """How the records were made: runs, models, inputs (prose for the card)."""
    limitations: str = ""
    """Known limitations and biases (prose for the card)."""
    task_categories: list[str] = Field(default_factory=lambda: ["text-generation"])
    """Hub task categories."""
    tags: list[str] = Field(default_factory=lambda: ["agents", "llm-agents", "hdbench"])
    """Hub tags."""

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        version = version.removeprefix("v")
        if not SEMVER.match(version):
            raise ValueError(f"version must be semantic (MAJOR.MINOR.PATCH), got {version!r}")
        return version

    @property
    def slug(self) -> str:
        """Folder-safe form of the name (``org/name`` -> ``org--name``)."""
        return self.name.replace("/", "--")


class SplitInfo(BaseModel):
    """One split of one config as written."""

    model_config = ConfigDict(extra="forbid")

    rows: int
    num_bytes: int
    files: list[str]
    content_hash: str


class ConfigInfo(BaseModel):
    """One config as written: its record model, schema version and splits."""

    model_config = ConfigDict(extra="forbid")

    record: str
    schema_version: str
    splits: dict[str, SplitInfo]


class ReleaseInfo(BaseModel):
    """``release.json``: the spec plus what the writer measured. Read back by ``open_release``."""

    model_config = ConfigDict(extra="forbid")

    spec: ReleaseSpec
    content_hash: str
    configs: dict[str, ConfigInfo]
    created_at: AwareDatetime
    hdbench_version: str

    @property
    def version(self) -> str:
        return self.spec.version


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    from datetime import UTC

    return datetime.now(UTC)
