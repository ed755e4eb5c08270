"""Shared fixtures. Tests never touch the network: the Hub clients are forced offline here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_ALFWORLD = SHARED / "data" / "alfworld" / "json_2.1.1"


@pytest.fixture(scope="session")
def sample_data():
    """The fixture builder's records (small, deterministic)."""
    from hdbench.sample import build_sample

    return build_sample(episodes=120, seed=7)


@pytest.fixture(scope="session")
def sample_release(tmp_path_factory, sample_data):
    """A sample release written once per session (tests must not modify it)."""
    from hdbench.release import ReleaseSpec, release_path, write_release

    spec = ReleaseSpec(name="test/sample", version="0.1.0", title="Test sample", summary="Tests.", sample=True)
    root = tmp_path_factory.mktemp("releases")
    return write_release(release_path(root, spec.name, spec.version), spec, sample_data)
