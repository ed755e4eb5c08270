"""SQL analytics on a real DuckDB over real parquet, checked against plain-Python recomputation."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from hdbench.analytics import analyze, canned_queries, connect, sql
from hdbench.release import ReleaseSpec, write_release


def _episodes(sample_data):
    return sample_data["trajectories"]["train"] + sample_data["teacher"]["train"]


def _rows(df: pl.DataFrame, *keys: str) -> dict:
    return {tuple(r[k] for k in keys): r for r in df.to_dicts()}


def test_every_config_is_a_view(sample_release):
    con = connect(sample_release)
    for config in sample_release.configs:
        ((count,),) = con.sql(f"SELECT count(*) FROM {config}").fetchall()
        assert count == sum(
            sample_release.info.configs[config].splits[s].rows for s in sample_release.splits(config)
        )


def test_sql_returns_polars(sample_release, sample_data):
    df = sql(sample_release.path, "SELECT task_type, count(*) AS n FROM failures GROUP BY 1 ORDER BY 1")
    assert isinstance(df, pl.DataFrame)
    expected = Counter(f.task_type for f in sample_data["failures"]["train"])
    assert dict(zip(df["task_type"], df["n"], strict=True)) == dict(expected)


def test_canned_queries_are_described():
    queries = canned_queries()
    assert {
        "failure_modes_by_task_type",
        "invalid_action_rate",
        "repeated_action_rate",
        "tokens_per_success",
        "success_by_hint_use",
    } <= set(queries)
    assert all(q.description and not q.description.startswith("-") for q in queries.values())


def test_failure_modes_by_task_type(sample_release, sample_data):
    got = _rows(analyze(sample_release, "failure_modes_by_task_type"), "task_type", "failure_mode")
    expected = Counter((f.task_type, str(m)) for f in sample_data["failures"]["train"] for m in f.modes)
    assert {k: r["failures"] for k, r in got.items()} == dict(expected)
    per_type = Counter(f.task_type for f in sample_data["failures"]["train"])
    for (task_type, _), row in got.items():
        assert row["share"] == pytest.approx(row["failures"] / per_type[task_type], abs=1e-4)


def test_invalid_action_rate(sample_release, sample_data):
    got = _rows(analyze(sample_release, "invalid_action_rate"), "agent", "mode", "task_type")
    steps, invalid = Counter(), Counter()
    for e in _episodes(sample_data):
        key = (str(e.agent), str(e.mode), e.task_type)
        steps[key] += len(e.steps)
        invalid[key] += sum(not s.valid for s in e.steps)
    assert {k: (r["steps"], r["invalid_steps"]) for k, r in got.items()} == {
        k: (steps[k], invalid[k]) for k in steps
    }
    for k, r in got.items():
        assert r["invalid_rate"] == pytest.approx(invalid[k] / steps[k], abs=1e-4)


def test_repeated_action_rate(sample_release, sample_data):
    got = _rows(analyze(sample_release, "repeated_action_rate"), "agent", "mode", "task_type")
    repeats, looped, count = Counter(), Counter(), Counter()
    for e in _episodes(sample_data):
        key = (str(e.agent), str(e.mode), e.task_type)
        actions = [s.action for s in e.steps]
        repeats[key] += sum(a == b for a, b in zip(actions, actions[1:]))
        looped[key] += any(a == b == c for a, b, c in zip(actions, actions[1:], actions[2:]))
        count[key] += 1
    assert {k: r["repeated_steps"] for k, r in got.items()} == dict(repeats)
    for k, r in got.items():
        assert r["looped_episode_rate"] == pytest.approx(looped[k] / count[k], abs=1e-4)


def test_tokens_per_success(sample_release, sample_data):
    got = _rows(analyze(sample_release, "tokens_per_success"), "agent", "mode")
    tokens, wins = Counter(), Counter()
    for e in _episodes(sample_data):
        key = (str(e.agent), str(e.mode))
        tokens[key] += e.prompt_tokens + e.completion_tokens
        wins[key] += e.outcome == "success"
    for k, r in got.items():
        assert r["tokens"] == tokens[k]
        assert r["tokens_per_success"] == pytest.approx(tokens[k] / wins[k], abs=0.05)


def test_success_by_hint_use(sample_release, sample_data):
    got = _rows(analyze(sample_release, "success_by_hint_use"), "task_type", "hints")
    judged, wins = Counter(), Counter()
    for e in _episodes(sample_data):
        if e.outcome == "error":
            continue
        key = (e.task_type, "with hints" if e.hint_ids else "no hints")
        judged[key] += 1
        wins[key] += e.outcome == "success"
    assert set(got) == set(judged)
    for k, r in got.items():
        assert r["success_rate"] == pytest.approx(wins[k] / judged[k], abs=1e-4)


def test_outcomes_count_errors_apart(sample_release, sample_data):
    got = _rows(analyze(sample_release, "outcomes"), "agent", "mode")
    errors = Counter((str(e.agent), str(e.mode)) for e in _episodes(sample_data) if e.outcome == "error")
    assert {k: r["errors"] for k, r in got.items()} == {k: errors.get(k, 0) for k in got}
    assert sum(r["episodes"] for r in got.values()) == len(_episodes(sample_data))


def test_missing_configs_are_empty_typed_views(tmp_path, sample_data):
    spec = ReleaseSpec(name="t/only-hints", version="0.1.0", title="t", summary="s")
    release = write_release(tmp_path / "r", spec, {"hints": sample_data["hints"]})
    for name in canned_queries():
        assert analyze(release, name).height == 0
    assert "steps" in connect(release).sql("SELECT * FROM trajectories").columns


def test_unknown_analysis_lists_available(sample_release):
    with pytest.raises(KeyError, match="available: .*outcomes"):
        analyze(sample_release, "nope")
