"""The two ALFWorld action grammars and the translation of agent phrasing into a game's own.

ALFWorld data 2.1.1 says ``put {o} in/on {r}``; data 2.1.2 and the ``alfworld`` wheel's
``alfred.twl2`` say ``move {o} to {r}``. The engine accepts only an exact admissible string, so an
agent that learnt one phrasing fails silently on the other data. hdbench accepts either phrasing
(and ``in``, ``on``, ``in/on``, ``into``, ``onto``, ``to``) and rewrites it to the game's grammar
before the engine sees it. Anything else is passed through untouched: the engine decides validity.
"""

from __future__ import annotations

import re
from enum import StrEnum


class GrammarVersion(StrEnum):
    """Which phrasing a game's grammar uses for placing an object (named after the data version)."""

    PUT = "2.1.1"
    """``put {o} in/on {r}``: the json_2.1.1 data (observations read "You arrive at loc 8.")."""
    MOVE = "2.1.2"
    """``move {o} to {r}``: the json_2.1.2 data and the ``alfworld`` 0.4 wheel's ``alfred.twl2``."""


PUT_TEMPLATE = 'template :: "put {o} in/on {r}";'
MOVE_TEMPLATE = 'template :: "move {o} to {r}";'

_PLACE = re.compile(
    r"^\s*(?:put|move|place)\s+(?P<obj>.+?)\s+(?:in/on|into|onto|in|on|to)\s+(?P<recep>.+?)\s*$",
    re.IGNORECASE,
)


def detect_grammar(grammar: str) -> GrammarVersion:
    """The grammar version of a game's TWL2 grammar text, from its ``PutObject`` template."""
    if PUT_TEMPLATE in grammar:
        return GrammarVersion.PUT
    if MOVE_TEMPLATE in grammar:
        return GrammarVersion.MOVE
    raise ValueError("grammar has neither 'put {o} in/on {r}' nor 'move {o} to {r}' templates")


def placement(obj: str, recep: str, grammar: GrammarVersion) -> str:
    """The placement command for ``obj`` and ``recep`` in ``grammar``'s phrasing."""
    if grammar is GrammarVersion.PUT:
        return f"put {obj} in/on {recep}"
    return f"move {obj} to {recep}"


def translate(action: str, admissible: list[str] | None, grammar: GrammarVersion) -> str:
    """Rewrite a placement ``action`` in any accepted phrasing into the game's own grammar.

    An action that is already admissible is returned unchanged (this keeps ``put X into Y`` for
    receptacle objects and ``put X in Y`` for full receptacle objects, which both grammars share).
    A placement phrase becomes the first admissible spelling among the known ones, else the game's
    canonical spelling; anything else is returned as given.
    """
    if admissible is not None and action in admissible:
        return action
    match = _PLACE.match(action)
    if match is None:
        return action
    obj, recep = match["obj"].lower(), match["recep"].lower()
    canonical = placement(obj, recep, grammar)
    if admissible is None:
        return canonical
    spellings = [canonical, f"put {obj} into {recep}", f"put {obj} in {recep}"]
    return next((s for s in spellings if s in admissible), canonical)
