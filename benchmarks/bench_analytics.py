"""Canned analyses on a large release: median time per query and ratio to a full scan of the steps.

    python benchmarks/bench_analytics.py --steps 1000000 [--repeat 5] [--keep DIR]

Builds a sample release with about ``--steps`` steps (the fixture builder, scaled), then times each
canned query (median of ``--repeat`` runs on a warm connection) against a baseline measured in the
same process: reading every step's action (``SELECT count(*) FROM (SELECT unnest(steps).action ...)``).
Target: < 1 s per canned query on 1M steps.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hdbench.analytics import canned_queries, connect
from hdbench.release import ReleaseSpec, release_path, write_release
from hdbench.sample import build_sample

BASELINE = "SELECT count(*) FROM (SELECT unnest(steps).action AS a FROM trajectories)"
STEPS_PER_EPISODE = 10.4  # measured mean of the fixture builder (base + teacher episodes)


def timed(con, query: str, repeat: int) -> float:
    """Median wall time of running ``query`` to completion."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        con.sql(query).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build(root: Path, steps: int) -> Path:
    episodes = max(6, int(steps / STEPS_PER_EPISODE / 1.5))  # base + teacher (half as many)
    start = time.perf_counter()
    data = build_sample(episodes=episodes, seed=1)
    built = time.perf_counter() - start
    spec = ReleaseSpec(name="bench/analytics", version="0.1.0", title="bench", summary="bench", sample=True)
    start = time.perf_counter()
    release = write_release(release_path(root, spec.name, spec.version), spec, data)
    total = sum(e.num_steps for c in ("trajectories", "teacher") for e in data[c]["train"])
    print(
        f"built {episodes} base episodes, {total:,} steps in {built:.1f} s; wrote release in "
        f"{time.perf_counter() - start:.1f} s ({sum(f.stat().st_size for f in release.path.rglob('*.parquet')) / 1e6:.0f} MB)"
    )
    return release.path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=1_000_000, help="approximate steps in the release")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median reported)")
    parser.add_argument("--keep", type=Path, help="write the release here instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = build(args.keep or Path(tmp), args.steps)
        con = connect(path)
        base = timed(con, BASELINE, args.repeat)
        print(f"\n{'query':<28} {'median s':>9} {'x baseline':>11}")
        print(f"{'baseline: scan all actions':<28} {base:>9.3f} {1.0:>11.2f}")
        for name, query in canned_queries().items():
            t = timed(con, query.sql, args.repeat)
            print(f"{name:<28} {t:>9.3f} {t / base:>11.2f}")


if __name__ == "__main__":
    main()
