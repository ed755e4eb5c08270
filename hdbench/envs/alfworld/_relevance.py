"""Relevance pruning: the planning problem without the objects the goal does not mention.

fast-downward keeps every object's pickup as a relevant operator (any pickup changes ``holdsAny``,
which taking the goal's object requires), so its search can explode in kitchens with dozens of
objects. Objects of other types than those the goal names never need to be touched, and no
action on a goal object depends on them (the domain has no capacity limits), so a plan for the
problem without them is a plan for the full game. Receptacles, locations and every instance of a
goal type are kept, so the demangled names ("knife 2") are the same as in the game.
"""

from __future__ import annotations

import re

_GOAL_TYPE = re.compile(r"\(objectType \?\w+ (\w+)Type\)")
_INSTANCE = re.compile(r"^\s*((\w+?)_bar_\w+) - object\s*$")
_TOKEN = re.compile(r"\w+")


def goal_types(problem: str) -> set[str]:
    """Object types the goal of a PDDL problem names."""
    start = problem.find("(:goal")
    return set(_GOAL_TYPE.findall(problem[start:])) if start >= 0 else set()


def prune_problem(problem: str) -> str:
    """The problem without instances of types the goal does not name, nor facts about them."""
    keep = goal_types(problem)
    if not keep:
        return problem
    dropped = set()
    for line in problem.splitlines():
        match = _INSTANCE.match(line)
        if match and match.group(2) not in keep:
            dropped.add(match.group(1))
    lines = [line for line in problem.splitlines() if dropped.isdisjoint(_TOKEN.findall(line))]
    return "\n".join(lines) + ("\n" if problem.endswith("\n") else "")
