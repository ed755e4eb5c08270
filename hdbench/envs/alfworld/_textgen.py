"""textworld's grammar with its parses memoised: the same text, rendered faster.

After every step, textworld renders each applicable action's command template through its
context-sensitive grammar, re-parsing the template (tatsu) and each ``{... | condition}``
conditional for every action. Templates and conditions are a handful of fixed strings per game,
so ``MemoGrammar`` parses each once and works on deep copies of the parse; contexts are copied
shallowly (see ``copy_context``). Otherwise the derivation is textworld 1.7's, line for line
(``ContextSensitiveGrammar.derive`` / ``replace``); a test compares whole transcripts (text and
admissible commands) with the unmodified engine.
"""

from __future__ import annotations

from copy import deepcopy
from functools import lru_cache

from textworld.envs.pddl.textgen import (
    ConditionalSymbol,
    ContextSensitiveGrammar,
    CSGUnknownSymbolError,
    EvalSymbol,
    ListSymbol,
    NonterminalSymbol,
    Symbol,
    TerminalSymbol,
    _parse_and_convert,
)
from textworld.logic import Rule


def copy_context(context: dict) -> dict:
    """textgen's ``copy_context`` with shallow copies of ``variables`` and ``mapping``.

    textgen deep-copies both (about a third of a step's time), but derivation only adds keys to
    these dicts and never mutates the entity infos or variables they hold.
    """
    return {
        "state": context["state"],
        "facts": context["facts"],
        "variables": dict(context["variables"]),
        "mapping": dict(context["mapping"]),
        "entity_infos": context["entity_infos"],
    }


@lru_cache(maxsize=4096)
def _query_rule(expression: str) -> Rule:
    """A parsed conjunctive query (textworld re-parses it at every use)."""
    return Rule.parse_conjunctive_query(expression)


def _contexts(expression: str, context: dict) -> list[dict]:
    """textgen's ``query`` with the parse memoised."""
    contexts = []
    for mapping in context["state"].all_assignments(_query_rule(expression), context["mapping"]):
        new = copy_context(context)
        new["variables"].update({ph.name: new["entity_infos"][var.name] for ph, var in mapping.items()})
        new["mapping"].update(mapping)
        contexts.append(new)
    return contexts


def _holds(condition: str, context: dict) -> bool:
    """Whether a rule's condition has at least one match in the state."""
    matches = context["state"].all_assignments(_query_rule(condition), context["mapping"])
    return next(iter(matches), None) is not None


class MemoConditional(ConditionalSymbol):
    """``ConditionalSymbol`` whose condition is parsed once."""

    def derive(self) -> list[Symbol]:
        """Same as ``ConditionalSymbol.derive``."""
        if len(self.context) == 0:
            raise ValueError("Empty context")
        context = copy_context(self.context)
        contexts = _contexts(self.given, context) if self.given else [context]
        return [_copy_symbol(self.expression, c) for c in contexts]


def _copy_symbol(symbol: Symbol, context: dict) -> Symbol:
    """``Symbol.copy`` with the shallow context copy."""
    copy = deepcopy(symbol)
    copy.context = copy_context(context)
    return copy


def memoize_symbols(symbols: list[Symbol]) -> list[Symbol]:
    """The same symbols, with every conditional (at any depth) a ``MemoConditional``."""
    return [_memoize(s) for s in symbols]


def _memoize(symbol: Symbol) -> Symbol:
    """One symbol with its conditionals replaced."""
    if isinstance(symbol, ConditionalSymbol) and not isinstance(symbol, MemoConditional):
        return MemoConditional(_memoize(symbol.expression), symbol.given, symbol.context)
    if isinstance(symbol, ListSymbol):
        symbol.symbol = _memoize(symbol.symbol)
    return symbol


@lru_cache(maxsize=4096)
def _parsed(start: str) -> tuple[Symbol, ...]:
    """The parse of a template, with memoised conditionals (callers copy it)."""
    return tuple(memoize_symbols(_parse_and_convert(start, rule_name="symbols")))


class MemoGrammar(ContextSensitiveGrammar):
    """A ``ContextSensitiveGrammar`` that parses each template and condition once."""

    @classmethod
    def of(cls, grammar: ContextSensitiveGrammar) -> MemoGrammar:
        """The memoising twin of a parsed grammar (same rules)."""
        twin = cls()
        for name, rules in grammar._rules.items():
            for rule in rules:
                rule.rhs = memoize_symbols(rule.rhs)
                twin._rules[name].append(rule)
        return twin

    def replace(self, start: Symbol) -> list[Symbol]:
        """Same as ``ContextSensitiveGrammar.replace``, conditions parsed once."""
        rules = self._rules.get(str(start))
        if not rules:
            raise CSGUnknownSymbolError(start)
        applicable = [r for r in rules if not r.condition or _holds(r.condition, start.context)]
        symbols = deepcopy(applicable[0].rhs)
        for symbol in symbols:
            symbol.context = copy_context(start.context)
        return symbols

    def derive(self, start: str, context: dict | None = None) -> str:
        """Same as ``ContextSensitiveGrammar.derive``, the template parsed once."""
        context = {} if context is None else context
        derivation = deepcopy(list(_parsed(start)))[::-1]
        for symbol in derivation:
            symbol.context = copy_context(context)
        derived = []
        while derivation:
            symbol = derivation.pop()
            if isinstance(symbol, TerminalSymbol):
                derived.append(symbol)
            elif isinstance(symbol, NonterminalSymbol):
                derivation += self.replace(symbol)[::-1]
            elif isinstance(symbol, ConditionalSymbol | EvalSymbol | ListSymbol):
                derivation += symbol.derive()[::-1]
            else:
                raise NotImplementedError(f"Unknown symbol: {type(symbol)}")
        return "".join(map(str, derived))
