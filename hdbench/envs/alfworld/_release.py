"""Publishing a generated game set as an hdbench release (config ``games``, one split per split).

The game files stay in the set's folder (``<root>/<split>/...``); the release records each game's
path and SHA-256, so a run that names ``hdbench/alfworld-games@0.1.0`` names exactly the bytes
it played. The release is written under ``<root>/release/<name>/v<version>``.
"""

from __future__ import annotations

from pathlib import Path

from hdbench.envs.alfworld._generator import GENERATOR_VERSION, MANIFEST, read_manifest
from hdbench.envs.alfworld._official import SPLITS
from hdbench.release import Release, ReleaseSpec, release_path, write_release

RELEASE_NAME = "hdbench/alfworld-games"


def games_spec(version: str, seeds: set[int]) -> ReleaseSpec:
    """The card text of a generated game set."""
    return ReleaseSpec(
        name=RELEASE_NAME,
        version=version,
        title="hdbench ALFWorld games (generated offline)",
        summary=(
            "ALFWorld games generated offline from the alfworld wheel's AI2-THOR floor plans, "
            "compatibility tables, PDDL domain and grammar; every game is won by the planner "
            "expert through the real engine. One record per game: path, SHA-256, floor plan, "
            "goal, scene size and the expert's plan."
        ),
        license="mit",
        provenance=(
            f"hdbench ALFWorld generator v{GENERATOR_VERSION}, seeds {sorted(seeds)}. train and "
            "valid_seen use ALFRED's train floor plans; valid_unseen uses the held-out test plans."
        ),
        limitations=(
            "Objects are placed by ALFRED's receptacle-compatibility table, not by AI2-THOR "
            "physics; receptacles without a recorded pose in the wheel get poses at navigable "
            "points; no sliced objects or movable-receptacle tasks (as in ALFWorld's TextWorld "
            "games). Task lines use ALFRED's templates, not human annotations."
        ),
        task_categories=["text-generation"],
        tags=["agents", "alfworld", "hdbench", "text-games"],
    )


def write_games_release(root: Path, version: str = "0.1.0") -> Release:
    """Write (or find, when identical) the release of every generated split under ``root``."""
    root = Path(root)
    splits = {s: read_manifest(root / s) for s in SPLITS if (root / s / MANIFEST).exists()}
    if not splits:
        raise FileNotFoundError(f"no generated split ({MANIFEST}) under {root}")
    seeds = {g.seed for games in splits.values() for g in games}
    return write_release(
        release_path(root / "release", RELEASE_NAME, version), games_spec(version, seeds), {"games": splits}
    )
