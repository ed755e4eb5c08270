"""The WebShop commands: generate, games check (table and json), play, and their help text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hdbench.cli import app, webshop_cli

runner = CliRunner()


@pytest.fixture(scope="module")
def game_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "webshop"
    result = runner.invoke(
        app,
        [
            "games",
            "generate",
            "webshop",
            "--out",
            str(out),
            "--products",
            "600",
            "--goals",
            "40",
            "--seed",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_check_json(game_set: Path) -> None:
    result = runner.invoke(app, ["games", "check", str(game_set), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["goals"], summary["wins"], summary["mean_reward"]) == (40, 40, 1.0)


def test_check_table(game_set: Path) -> None:
    result = runner.invoke(app, ["games", "check", str(game_set)])
    assert result.exit_code == 0 and "mean reward" in result.stdout


def test_play_sees_what_an_agent_sees(game_set: Path) -> None:
    keys = "search[shoes]\n:a\nclick[Back to Search]\nsearch[hair]\n"
    result = runner.invoke(
        app, ["play", "webshop", "--games", str(game_set), "--goal", "fixed_1"], input=keys
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("WebShop [SEP] Instruction: [SEP] ")
    assert "Page 1 (Total results: " in result.stdout and "click[Next >]" in result.stdout


def test_play_to_the_end(game_set: Path) -> None:
    from hdbench.envs.webshop import open_shop
    from hdbench.envs.webshop._oracle import oracle_actions

    shop = open_shop(str(game_set.resolve()))
    keys = "\n".join(oracle_actions(shop, shop.goal("fixed_2"))) + "\n"
    result = runner.invoke(
        app, ["play", "webshop", "--games", str(game_set), "--goal", "fixed_2"], input=keys
    )
    assert result.exit_code == 0 and '"reward": 1.0' in result.stdout and '"won": true' in result.stdout


def test_is_game_set(game_set: Path, tmp_path: Path) -> None:
    assert webshop_cli.is_game_set(game_set) and not webshop_cli.is_game_set(tmp_path)


@pytest.mark.parametrize("command", [webshop_cli.generate, webshop_cli.play, webshop_cli.check])
def test_commands_document_an_example(command: object) -> None:
    assert "Example: hdbench " in (command.__doc__ or "")


def test_generate_from_the_original_files(tmp_path: Path) -> None:
    from test_webshop_catalogue import _write_original

    (tmp_path / "data").mkdir()
    _write_original(tmp_path / "data")
    out = tmp_path / "orig"
    result = runner.invoke(
        app, ["games", "generate", "webshop", "--out", str(out), "--original", str(tmp_path / "data")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["games", "check", str(out), "--format", "json"])
    assert json.loads(result.stdout)["goals"] == 1 and json.loads(result.stdout)["wins"] == 1
