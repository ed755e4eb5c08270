"""`hdbench games generate alfworld`, `games check`, `play alfworld` through the real CLI app."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hdbench.cli import app
from hdbench.release import open_release

SHARED = Path(__file__).resolve().parents[2] / "shared/data/alfworld/json_2.1.1"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared ALFWorld games not found at {SHARED}")
runner = CliRunner()


def _small_task_folder(prefix: str) -> Path:
    """The valid_seen task folder of ``prefix`` whose game file is smallest (fast to plan)."""
    games = sorted(SHARED.glob(f"valid_seen/{prefix}*/*/game.tw-pddl"), key=lambda p: (p.stat().st_size, p))
    return next(g.parent.parent for g in games if json.loads(g.read_text())["solvable"])


@needs_shared
def test_check_json_on_official_games() -> None:
    folder = _small_task_folder("pick_two_obj_and_place")
    result = runner.invoke(app, ["games", "check", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    n = len(list(folder.glob("*/game.tw-pddl")))
    assert (report["games"], report["won"], report["lost"], report["errors"]) == (n, report["solvable"], 0, 0)
    assert report["ok"] and all(r["grammar"] == "2.1.1" for r in report["results"] if r["status"] == "won")


def test_check_missing_path_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["games", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "nowhere" in result.output


@needs_shared
def test_play_shows_what_an_agent_sees() -> None:
    trial = next(_small_task_folder("pick_and_place_simple").glob("trial_*"))
    result = runner.invoke(app, ["play", "alfworld", str(trial)], input=":a\nput x in/on y\nhelp\n:q\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("-= Welcome to TextWorld, ALFRED! =-") and "Your task is to: " in out
    assert "go to " in out and "Nothing happens." in out and ":a  list admissible" in out
    assert "Game over after 1 steps." in out


def test_generate_writes_games_and_a_release(tmp_path: Path) -> None:
    args = [
        "games",
        "generate",
        "alfworld",
        "--out",
        str(tmp_path),
        "--split",
        "valid_seen",
        "--n",
        "1",
        "--seed",
        "3",
        "--grammar",
        "put",
        "--task-type",
        "pick_and_place_simple",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    games = open_release(tmp_path / "release" / "hdbench--alfworld-games").read("games", "valid_seen")
    assert len(games) == 1 and games[0].grammar == "2.1.1" and (tmp_path / games[0].path).is_file()
    check = runner.invoke(app, ["games", "check", str(tmp_path / "valid_seen"), "--format", "json"])
    assert check.exit_code == 0 and json.loads(check.stdout)["won"] == 1
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already holds games" in again.output


def test_generate_rejects_unknown_task_type(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["games", "generate", "alfworld", "--out", str(tmp_path), "--task-type", "fly"]
    )
    assert result.exit_code != 0 and "fly" in result.output
