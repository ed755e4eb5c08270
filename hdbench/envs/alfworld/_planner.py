"""Running fast-downward's planner with a time and memory limit.

textworld's planner call (``PddlState.replan``) has no limit, and on some games (two identical
objects in a kitchen full of drawers) its search runs for minutes and takes gigabytes. The plan is
therefore computed in a forked child, which shares the engine state copy-on-write, under an
address-space limit; the parent waits at most ``timeout_s`` and kills the child after that.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection


class PlannerError(RuntimeError):
    """The planner gave up (time or memory limit) or crashed; the message names the game."""


def _virtual_bytes() -> int:
    """This process's current virtual size."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(plan: Callable[[], list[str]], conn: Connection, memory_mb: int) -> None:
    """Plan under an address-space limit and send the result (or the error) to the parent."""
    try:
        limit = _virtual_bytes() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", plan()))
    except BaseException as err:  # noqa: BLE001 - everything goes back to the parent
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def plan_with_limits(plan: Callable[[], list[str]], what: str, timeout_s: float, memory_mb: int) -> list[str]:
    """``plan()`` in a forked child, killed after ``timeout_s`` seconds or ``memory_mb`` MB more memory."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(plan, sender, memory_mb), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise PlannerError(f"the planner gave up on {what} after {timeout_s:g} s")
        status, value = receiver.recv()
    except EOFError:
        raise PlannerError(f"the planner died on {what} (memory limit {memory_mb} MB?)") from None
    finally:
        child.kill()
        child.join()
        receiver.close()
    if status != "ok":
        raise PlannerError(f"the planner failed on {what}: {value}")
    return value
