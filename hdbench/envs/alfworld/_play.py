"""A person playing one ALFWorld game in the terminal, seeing exactly what an agent sees.

Lines starting with ``:`` are for the person, never sent to the engine: ``:help``, ``:a`` (the
admissible commands), ``:q``. Everything else goes to the engine as an agent's action would,
translation included. ``help`` itself is an engine action in 2.1.2 games; in 2.1.1 games, where
the engine would answer "Nothing happens.", the person gets the command list instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hdbench.envs._env import Task
from hdbench.envs.alfworld._engine import AlfworldEnv

PLAYER_HELP = """Commands an agent can send (the engine accepts only admissible ones):
  look | inventory | go to (receptacle) | open/close (receptacle)
  take (object) from (receptacle) | put (object) in/on (receptacle)  (or: move (object) to (receptacle))
  examine (something) | use (object) | heat/clean/cool (object) with (receptacle)
For you only: :a  list admissible commands   :help  this text   :q  quit"""


@dataclass
class PlayResult:
    """How a hand-played game ended."""

    won: bool
    steps: int
    actions: list[str] = field(default_factory=list)
    quit: bool = False


def play_session(
    env: AlfworldEnv, task: Task, read: Callable[[], str | None], write: Callable[[str], None]
) -> PlayResult:
    """Run one game: ``read`` returns the person's next line (None at end of input)."""
    obs = env.reset(task)
    write(obs.text)
    write(f"[{task.task_type} · grammar {env.grammar} · {env.max_steps} steps · :help for help]")
    result = PlayResult(won=False, steps=0)
    while not env.done:
        line = read()
        if line is None or line.strip() in (":q", ":quit"):
            result.quit = True
            break
        reply = _meta(env, line.strip())
        if reply is None:
            transition = env.step(line)
            result.actions.append(line)
            reply = transition.observation
        write(reply)
    result.won, result.steps = env.won, env.steps
    write("You won!" if env.won else f"Game over after {env.steps} steps.")
    return result


def _meta(env: AlfworldEnv, line: str) -> str | None:
    """The answer to a person-only command, or None when ``line`` is for the engine."""
    if line in (":a", ":admissible"):
        return "\n".join(env.admissible)
    if line in (":help", ":h") or (line == "help" and "help" not in env.admissible):
        return PLAYER_HELP
    return None
