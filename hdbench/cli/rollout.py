"""`hdbench rollout`: play episodes with any policy and write them as a release."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hdbench.runner import RolloutConfig
from hdbench.runner import rollout as run_rollout
from hdbench.schema import AgentKind, EnvName, Mode


def rollout(
    env: Annotated[EnvName, typer.Option(help="alfworld or webshop.")],
    out: Annotated[Path, typer.Option(help="Release folder to write (rerun the same command to resume).")],
    games: Annotated[
        Path | None, typer.Option(help="Game set (ALFWorld games, or a WebShop game set).")
    ] = None,
    split: Annotated[str, typer.Option(help="Split of the game set.")] = "train",
    agent: Annotated[
        AgentKind, typer.Option(help="react, stateact, act, expert or random.")
    ] = AgentKind.REACT,
    n: Annotated[int | None, typer.Option(help="Play only the first N tasks.")] = None,
    attempts: Annotated[int, typer.Option(help="Episodes per task.")] = 1,
    concurrency: Annotated[int, typer.Option(help="Episodes played at once.")] = 1,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name sent to the endpoint.")] = None,
    api_key_env: Annotated[
        str, typer.Option(help="Variable holding the API key (never recorded).")
    ] = "OPENAI_API_KEY",
    temperature: Annotated[float, typer.Option(help="Sampling temperature.")] = 0.0,
    max_tokens: Annotated[int, typer.Option(help="Completion tokens per call.")] = 256,
    seed: Annotated[int, typer.Option(help="Base seed.")] = 0,
    timeout: Annotated[float, typer.Option(help="Per-request timeout, seconds.")] = 120.0,
    retries: Annotated[int, typer.Option(help="Retries on 429/5xx/timeouts.")] = 3,
    protocol: Annotated[str | None, typer.Option(help="Evaluation protocol, e.g. paper.")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Override the step budget.")] = None,
    prompt: Annotated[
        str | None, typer.Option(help="Prompt name or YAML file (default <agent>-<env>).")
    ] = None,
    show_admissible: Annotated[bool, typer.Option(help="List admissible commands each turn.")] = False,
    match_admissible: Annotated[
        bool, typer.Option(help="Map actions to the closest admissible one.")
    ] = False,
    constrain: Annotated[bool, typer.Option(help="Constrain actions with a llama.cpp grammar.")] = False,
    avoid_loops: Annotated[
        bool, typer.Option(help="Leave out of the admissible list any action already taken from the same observation since the last new one (breaks loops).")
    ] = False,
    focus: Annotated[
        bool, typer.Option(help="ALFWorld: offer only commands that move, open or name a thing the task names.")
    ] = False,
    remind_task: Annotated[
        bool, typer.Option(help="Restate the task on the latest turn, after the observation.")
    ] = False,
    shard: Annotated[str, typer.Option(help="Play shard i/n of the plan.")] = "0/1",
    mode: Annotated[Mode, typer.Option(help="Pipeline stage recorded in the episodes.")] = Mode.BASE,
    name: Annotated[str | None, typer.Option(help="Release name, org/name.")] = None,
    version: Annotated[str, typer.Option(help="Release version.")] = "0.1.0",
) -> None:
    """Play episodes (any agent, one runner) and write trajectories + failures as a release.

    Example: hdbench rollout --env alfworld --games ../shared/data/alfworld/json_2.1.1 --split valid_seen --agent expert --n 5 --out out/alf-expert
    """
    config = RolloutConfig(
        env=env,
        games=games,
        split=split,
        agent=agent,
        out=out,
        n=n,
        attempts=attempts,
        concurrency=concurrency,
        base_url=base_url,
        model=model,
        api_key_env=api_key_env,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        request_timeout=timeout,
        max_retries=retries,
        protocol=protocol,
        max_steps=max_steps,
        prompt=prompt,
        show_admissible=show_admissible,
        match_admissible=match_admissible,
        constrain=constrain,
        avoid_loops=avoid_loops,
        focus=focus,
        remind_task=remind_task,
        shard=shard,
        mode=mode,
        name=name,
        version=version,
    )
    summary = run_rollout(config)
    Console().print(
        f"[bold]{summary.planned}[/] episodes: [green]{summary.successes} success[/], {summary.failures} failure, "
        f"[red]{summary.errors} error[/] (not judged); {summary.tokens} tokens; {summary.wall_time_s:.1f} s "
        f"(resumed {summary.resumed}); release at [cyan]{summary.release}[/]"
    )
