"""Placement phrasing: either grammar's phrasing reaches the engine in the game's own grammar."""

import pytest

from hdbench.envs.alfworld import GrammarVersion, detect_grammar, translate

PUT, MOVE = GrammarVersion.PUT, GrammarVersion.MOVE


@pytest.mark.parametrize(
    "action",
    [
        "move book 2 to sidetable 1",
        "put book 2 on sidetable 1",
        "put book 2 in sidetable 1",
        "put book 2 in/on sidetable 1",
        "Put Book 2 onto SideTable 1",
        "  place book 2 to sidetable 1 ",
    ],
)
def test_any_phrasing_becomes_the_games_own(action: str) -> None:
    assert translate(action, None, PUT) == "put book 2 in/on sidetable 1"
    assert translate(action, None, MOVE) == "move book 2 to sidetable 1"


def test_admissible_actions_pass_unchanged() -> None:
    admissible = ["put apple 1 into bowl 1", "go to desk 1"]
    assert translate("put apple 1 into bowl 1", admissible, MOVE) == "put apple 1 into bowl 1"
    assert translate("go to desk 1", admissible, PUT) == "go to desk 1"


def test_admissible_spelling_is_preferred() -> None:
    admissible = ["put bowl 1 in cabinet 2"]
    assert translate("move bowl 1 to cabinet 2", admissible, MOVE) == "put bowl 1 in cabinet 2"


@pytest.mark.parametrize("action", ["", "look", "go to desk 1", "x" * 10_000, "put", "☃ in ☃☃"[:1]])
def test_other_actions_are_untouched(action: str) -> None:
    assert translate(action, ["look"], PUT) == action


def test_detect_grammar() -> None:
    assert detect_grammar('x template :: "put {o} in/on {r}"; y') is PUT
    assert detect_grammar('x template :: "move {o} to {r}"; y') is MOVE
    with pytest.raises(ValueError, match="neither"):
        detect_grammar("{}")


def test_paper_protocol() -> None:
    from hdbench.envs.alfworld import get_protocol

    paper = get_protocol("paper")
    assert (paper.split, paper.max_model_calls, paper.repeat_stop) == ("valid_unseen", 100, 5)
    assert not paper.should_stop(["look"] * 4)
    assert paper.should_stop(["go to desk 1", *["look"] * 5])
    assert not paper.should_stop(["look"] * 4 + ["inventory"])
    assert not get_protocol("alfworld").should_stop(["look"] * 50)
    with pytest.raises(KeyError, match="paper"):
        get_protocol("nope")
