"""The run journal: finished episodes appended durably, one JSON line each.

Each line is flushed and fsynced as soon as its episode finishes, so a killed run (kill -9
included) loses at most the episodes in flight. On resume a torn last line is ignored and its
episode is simply played again: nothing is lost and nothing is duplicated.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from pydantic import ValidationError

from hdbench.schema import Episode

log = logging.getLogger(__name__)


class Journal:
    """Append-only JSONL file of ``Episode`` records."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._repair()

    def read(self) -> list[Episode]:
        """Every complete, valid episode in the journal (the last one per id wins)."""
        if not self.path.exists():
            return []
        episodes: dict[str, Episode] = {}
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                episode = self._parse(line, number)
                if episode is not None:
                    episodes[episode.episode_id] = episode
        return list(episodes.values())

    def append(self, episode: Episode) -> None:
        """Write one finished episode and make it durable before returning."""
        line = (episode.model_dump_json() + "\n").encode()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())

    def _repair(self) -> None:
        """After a crash mid-line, make the next record start on a fresh line."""
        if not self.path.exists():
            return
        with self.path.open("rb+") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size:
                handle.seek(size - 1)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")

    def _parse(self, line: bytes, number: int) -> Episode | None:
        if not line.strip():
            return None
        try:
            return Episode.model_validate(json.loads(line))
        except (json.JSONDecodeError, UnicodeDecodeError, ValidationError):
            log.warning(
                "%s line %d is incomplete or invalid: its episode will be played again", self.path, number
            )
            return None
