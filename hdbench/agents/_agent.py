"""A prompt strategy over one chat loop: messages in, a parsed reply out. Pure: no I/O.

The observation is the user turn; the model's reply is parsed into thought / state / action.
A reply with no action is returned with ``action=""`` and ``ok=False``: the runner sends it on as
an (invalid) action, so it is recorded, never a crash.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from hdbench.agents._prompt import PromptFile, Strategy, Turn
from hdbench.envs import Observation

FORMATS = {
    Strategy.REACT: "Reply with exactly two lines:\nThought: <your reasoning>\nAction: <one command>",
    Strategy.ACT: "Reply with exactly one line:\nAction: <one command>",
}


class Parsed(BaseModel):
    """A reply taken apart."""

    thought: str | None = None
    state: str | None = None
    action: str = ""
    ok: bool = False


class Agent:
    """Builds the messages of an episode and parses replies, following a ``PromptFile``."""

    def __init__(
        self,
        prompt: PromptFile,
        show_admissible: bool = False,
        history: int = 12,
        max_prompt_chars: int = 10_000,
        remind_task: bool = False,
    ):
        self.prompt = prompt
        self.show_admissible = show_admissible
        self.remind_task = remind_task
        self.history = history
        self.max_prompt_chars = max_prompt_chars

    @property
    def prompt_version(self) -> str:
        return self.prompt.id

    def first_messages(self, first: Observation, hints: list[str] | None = None) -> list[dict]:
        """System message (instructions + exemplars) and the first user turn (hints, then observation)."""
        system = self.prompt.system.replace("{format}", self.reply_format())
        examples = self._exemplars(first.task_type)
        if examples:
            system += "\n\nHere is an example episode:\n" + "\n".join(
                f"[environment]\n{t.observation}\n[you]\n{t.reply}" for t in examples
            )
        user = self.user_message(first.text, first.admissible)
        if hints:
            user = "\n".join([self.prompt.hints_header, *(f"- {h}" for h in hints), "", user])
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def user_message(self, observation: str, admissible: list[str] | None = None, task: str | None = None) -> str:
        """The user turn for an observation, with the task restated (``remind_task``) and the
        admissible commands (``show_admissible``) after it, where the reply is decided."""
        if self.remind_task and task and task not in observation:
            observation = f"{observation}\n\nYour task is to: {task}"
        if self.show_admissible and admissible:
            return f"{observation}\n\nAdmissible commands: {', '.join(admissible)}"
        return observation

    def window(self, messages: list[dict]) -> list[dict]:
        """What is sent: system, first user turn, and the most recent exchanges.

        The prompt is kept under ``max_prompt_chars`` (about 4 characters a token: the default
        fits a 4096-token context with room for the reply), by ``_budget_cut``.

        Older exchanges are dropped ``history`` at a time (between ``history`` and
        ``2 * history - 1`` are kept), so the prompt's prefix stays the same for many turns and the
        server's prompt cache keeps working; dropping one exchange per turn would re-read the
        whole prompt at every call.
        """
        head, rest = messages[:2], messages[2:]
        exchanges = len(rest) // 2
        drop = max(0, exchanges - self.history) // self.history * self.history
        rest = rest[2 * drop :]
        # then keep under the character budget (long WebShop pages), oldest exchanges first
        budget = self.max_prompt_chars - sum(len(m["content"]) for m in head)
        sizes = [sum(len(m["content"]) for m in rest[i : i + 2]) for i in range(0, len(rest), 2)]
        return head + rest[2 * _budget_cut(sizes, budget) :]

    def stop(self) -> list[str]:
        """Stop sequences: a small model otherwise goes on to write the next observation itself."""
        return ["[environment]", "\n\n\n"]

    def reply_format(self) -> str:
        """The reply-format description placed in the instructions."""
        if self.prompt.strategy == Strategy.STATEACT:
            lines = [f">{f}: <...>" for f in self.prompt.state_fields] + [
                ">thought: <...>",
                ">action: <one command>",
            ]
            return "Reply with exactly these lines:\n" + "\n".join(lines)
        return FORMATS[self.prompt.strategy]

    def parse(self, reply: str) -> Parsed:
        """Take a reply apart into thought, state and action."""
        fields = _fields(reply)
        action = _clean_action(fields.pop("action", "") or self._bare_action(reply))
        thought = fields.pop("thought", None)
        state = None
        if self.prompt.strategy == Strategy.STATEACT:
            state = "\n".join(f"{k}: {fields[k]}" for k in self.prompt.state_fields if k in fields) or None
        return Parsed(thought=thought, state=state, action=action, ok=bool(action))

    def _bare_action(self, reply: str) -> str:
        """ReAct/Act: a reply that is one bare line (no ``name:`` fields) is taken as the action."""
        lines = [line for line in reply.splitlines() if line.strip()]
        if self.prompt.strategy != Strategy.STATEACT and len(lines) == 1 and not FIELD.match(lines[0]):
            return lines[0]
        return ""

    def _exemplars(self, category: str) -> list[Turn]:
        return self.prompt.exemplars.get(category) or self.prompt.exemplars.get("*", [])


FIELD = re.compile(r"^\s*>?\s*([a-z][a-z ]{1,30}?)\s*:\s*(.*)$", re.IGNORECASE)


def _fields(reply: str) -> dict[str, str]:
    """``name: value`` lines (optionally ``>``-prefixed) by lowercased name; the first wins."""
    fields: dict[str, str] = {}
    for line in reply.splitlines():
        match = FIELD.match(line)
        if match:
            fields.setdefault(match[1].strip().lower(), match[2].strip())
    return fields


def _clean_action(action: str) -> str:
    """Strip quotes, backticks, a leading ``>`` and a trailing period the model may add."""
    action = action.strip()
    if action.endswith(".") and not action.endswith(".."):
        action = action[:-1]
    return action.strip("`\"' ").removeprefix(">").strip()


def _budget_cut(sizes: list[int], budget: int) -> int:
    """How many of the oldest exchanges (of ``sizes`` characters each) to leave out to fit ``budget``.

    Replays the episode: whenever the exchanges kept so far outgrow the budget, the oldest are
    left out until they fill at most half of it, and the cut then stays put until the budget is
    outgrown again. The prompt's prefix thus changes every few turns, not at every turn once the
    budget is reached (each change makes the server read everything after the first turn again:
    ~30 s for 2,000 tokens on 2 cores). The newest exchange is always kept.
    """
    cut, total = 0, 0
    for newest, size in enumerate(sizes):
        total += size
        if total > budget:
            while cut < newest and total > budget // 2:
                total -= sizes[cut]
                cut += 1
    return cut
