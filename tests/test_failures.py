"""Failure-mode rules on crafted trajectories: each rule fires on its shape and only there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hdbench.failures import failure_of, label, modes_of
from hdbench.schema import Episode, FailureMode, ScorePart, Step

TASK = "Your task is to: put a clean mug in coffeemachine."


def episode(
    turns: list[tuple[str, str, bool]], env: str = "alfworld", outcome: str = "failure", **extra
) -> Episode:
    steps = [Step(index=i, action=a, observation=o, valid=v) for i, (a, o, v) in enumerate(turns)]
    fields = dict(
        episode_id="e1",
        run_id="r1",
        env=env,
        split="train",
        task_id="t1",
        task_type="pick_clean_then_place_in_recep",
        task=TASK,
        agent="react",
        mode="base",
        steps=steps,
        outcome=outcome,
        score=0.0,
        num_steps=len(steps),
        wall_time_s=1.0,
        hdbench_version="test",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Episode(**(fields | extra))


GO = ("go to countertop 1", "You arrive at countertop 1. On the countertop 1, you see a mug 1.", True)
NOTHING = "Nothing happens."


def test_a_clean_walk_that_ran_out_of_steps_is_budget_only():
    e = episode([GO, ("go to cabinet 1", "You arrive at cabinet 1.", True)])
    assert modes_of(label(e, budget=2)) == [FailureMode.STEP_BUDGET]


def test_unparseable_replies():
    e = episode([GO, ("", NOTHING, False)])
    evidence = label(e, budget=50)
    assert modes_of(evidence) == [FailureMode.UNPARSEABLE]
    assert evidence[0].step_index == 1


def test_well_formed_but_rejected_is_an_unmet_precondition():
    e = episode([GO, ("heat mug 1 with microwave 1", NOTHING, False)])
    assert modes_of(label(e, budget=50)) == [FailureMode.UNMET_PRECONDITION]


def test_strings_outside_the_command_language_are_invalid_actions():
    e = episode([GO, ("grab the mug please", NOTHING, False), ("Nothing happens.", NOTHING, False)])
    evidence = label(e, budget=50)
    assert modes_of(evidence) == [FailureMode.INVALID_ACTION]
    assert [ev.step_index for ev in evidence] == [1, 2]


@pytest.mark.parametrize(
    "actions, fires",
    [
        (["look", "look", "look"], True),
        (["go to a 1", "go to b 1"] * 3, True),
        (["look", "inventory", "look", "go to a 1", "look"], False),
        (["look", "look"], False),
    ],
)
def test_repeated_actions(actions, fires):
    e = episode([(a, "obs", True) for a in actions])
    assert (FailureMode.REPEATED_ACTIONS in modes_of(label(e, budget=50))) is fires


def test_wrong_object_or_receptacle():
    wrong_recep = ("put mug 1 in/on countertop 2", "You put the mug 1 in/on the countertop 2.", True)
    wrong_obj = ("take apple 1 from countertop 1", "You pick up the apple 1 from the countertop 1.", True)
    right = ("put mug 1 in/on coffeemachine 1", "You put the mug 1 in/on the coffeemachine 1.", True)
    assert modes_of(label(episode([GO, wrong_recep]), budget=50)) == [FailureMode.WRONG_TARGET]
    assert modes_of(label(episode([GO, wrong_obj]), budget=50)) == [FailureMode.WRONG_TARGET]
    assert modes_of(label(episode([GO, right]), budget=2)) == [FailureMode.STEP_BUDGET]


def test_webshop_partial_purchase_names_the_weak_parts():
    turns = [
        ("search[red shoes]", "results", True),
        ("click[b0001]", "item", True),
        ("click[buy now]", "bought", True),
    ]
    parts = [ScorePart(name="r_att", value=1.0), ScorePart(name="r_option", value=0.5)]
    e = episode(turns, env="webshop", score=0.6, score_parts=parts, task="i need red shoes")
    evidence = label(e, budget=15)
    assert modes_of(evidence) == [FailureMode.WRONG_TARGET]
    assert "r_option=0.50" in evidence[0].detail and "r_att" not in evidence[0].detail


def test_successes_and_errors_get_no_labels():
    assert label(episode([GO], outcome="success", score=1.0), budget=1) == []
    assert label(episode([GO], outcome="error", error="HTTP 503"), budget=1) == []


def test_failure_row_carries_labels_and_transcript():
    e = episode([GO, ("grab mug", NOTHING, False)])
    row = failure_of(e, label(e, budget=50))
    assert row.modes == [FailureMode.INVALID_ACTION] and row.episode_id == "e1"
    assert row.transcript.splitlines()[:3] == [TASK, "> go to countertop 1", GO[1]]
