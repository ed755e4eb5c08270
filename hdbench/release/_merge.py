"""Merging releases (e.g. rollout shards from several machines) into one new version."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hdbench.release._errors import ReleaseError
from hdbench.release._release import Release, open_release
from hdbench.release._spec import ReleaseSpec
from hdbench.release._write import write_release
from hdbench.schema import Record


def merge_releases(sources: Sequence[str | Path], out: str | Path, spec: ReleaseSpec) -> Release:
    """Union the configs and splits of ``sources`` into a new release at ``out``.

    Records with the same id are kept once when identical (merging is idempotent) and are an
    error when they differ.
    """
    merged: dict[str, dict[str, dict[str, Record]]] = {}
    anonymous: dict[str, dict[str, list[Record]]] = {}
    for source in sources:
        release = open_release(source)
        for config in release.configs:
            for split in release.splits(config):
                for record in release.read(config, split):
                    _add(merged, anonymous, config, split, record, release)
    data: dict[str, dict[str, list[Record]]] = {}
    for config, splits in merged.items():
        for split, by_id in splits.items():
            data.setdefault(config, {})[split] = list(by_id.values())
    for config, splits in anonymous.items():
        for split, records in splits.items():
            data.setdefault(config, {}).setdefault(split, []).extend(records)
    return write_release(out, spec, data)


def _add(merged, anonymous, config: str, split: str, record: Record, release: Release) -> None:
    key = record.record_id()
    if key is None:
        anonymous.setdefault(config, {}).setdefault(split, []).append(record)
        return
    bucket = merged.setdefault(config, {}).setdefault(split, {})
    if key in bucket and bucket[key] != record:
        raise ReleaseError(f"{config}/{split}: id {key!r} differs between releases ({release.path})")
    bucket[key] = record
