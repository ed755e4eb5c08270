"""``rollout``: play a plan concurrently and resumably, then write the release.

Finished episodes go to a journal beside the release folder (``.<name>.journal.jsonl``) the
moment they finish; rerunning the same command skips them, except ``error`` episodes (not
judged: an endpoint or harness fault), which it plays again. When every planned episode is done,
the ``trajectories``, ``failures`` and ``runs`` configs are written as one release and the
journal is removed.
"""

from __future__ import annotations

import json
import logging
import platform
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import BaseModel

import hdbench
from hdbench.agents import Agent, load_prompt
from hdbench.endpoint import Endpoint
from hdbench.envs import Env, load_tasks, make_env
from hdbench.failures import failure_of, label
from hdbench.release import Release, ReleaseError, ReleaseSpec, open_release, write_release
from hdbench.runner._actors import Actor, ExpertActor, ModelActor, RandomActor
from hdbench.runner._config import RolloutConfig
from hdbench.runner._episode import RunContext, play_episode
from hdbench.runner._journal import Journal
from hdbench.runner._limits import Limits, limits_for
from hdbench.runner._plan import PlannedEpisode, make_plan, parse_shard
from hdbench.runner._process_env import ProcessEnv
from hdbench.runner._progress import RunProgress
from hdbench.schema import (
    AgentKind,
    EndpointParams,
    Episode,
    InputRef,
    Outcome,
    RunManifest,
    Setting,
    SoftwareVersion,
)

log = logging.getLogger(__name__)
MODEL_AGENTS = {AgentKind.REACT, AgentKind.STATEACT, AgentKind.ACT}
PACKAGES = ("alfworld", "textworld", "openai", "datasets", "pydantic", "rapidfuzz", "spacy", "bm25s")


class RunSummary(BaseModel):
    """How a rollout went."""

    run_id: str
    planned: int
    successes: int
    failures: int
    errors: int
    resumed: int
    """Episodes found finished in the journal at start."""
    tokens: int
    wall_time_s: float
    release: Path


def rollout(config: RolloutConfig, progress: bool = True) -> RunSummary:
    """Play ``config``'s plan and write its release; resume if a journal of the same run exists."""
    start = time.perf_counter()
    run_id = config.run_id()
    if config.out.exists():
        return _already_written(config, run_id, start)
    plan = make_plan(
        load_tasks(str(config.env), config.games, config.split),
        config.n,
        config.attempts,
        config.seed,
        parse_shard(config.shard),
    )
    journal = _journal(config, run_id)
    planned = {p.episode_id(run_id) for p in plan}
    # an error episode was not judged (endpoint or harness fault): a resumed run plays it again
    finished = [e for e in journal.read() if e.episode_id in planned and e.outcome != Outcome.ERROR]
    done = {e.episode_id for e in finished}
    todo = [p for p in plan if p.episode_id(run_id) not in done]
    limits = limits_for(config.env, config.protocol, config.max_steps)
    manifest = _manifest(config, run_id, limits, len(plan), data_settings(plan))
    ctx = RunContext(
        run_id=run_id,
        mode=config.mode,
        model=manifest.model,
        endpoint=manifest.endpoint,
        prompt_version=manifest.prompt_version,
        inputs=manifest.inputs,
        software=manifest.software,
        hdbench_version=hdbench.__version__,
    )
    with RunProgress(len(plan), finished, enabled=progress) as bar:
        _play_all(config, todo, limits, ctx, journal, bar)
    episodes = _in_plan_order(journal.read(), plan, run_id)
    release = _write(config, manifest, episodes, limits)
    for path in (journal.path, _run_file(config)):
        path.unlink(missing_ok=True)
    return _summary(run_id, len(plan), episodes, len(done), start, release.path)


def _play_all(
    config: RolloutConfig,
    todo: list[PlannedEpisode],
    limits: Limits,
    ctx: RunContext,
    journal: Journal,
    bar: RunProgress,
) -> None:
    """Play ``todo`` on ``concurrency`` threads, each owning one env (in a worker process for ALFWorld)."""
    local = threading.local()
    envs: list[Env] = []
    lock = threading.Lock()

    def play(item: PlannedEpisode) -> Episode:
        if not hasattr(local, "env"):
            local.env, local.actor = _make_env(config), _make_actor(config)
            with lock:
                envs.append(local.env)
        return play_episode(local.env, local.actor, item, limits, ctx)

    pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="episode")
    try:
        pending: set[Future] = {pool.submit(play, item) for item in todo}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                episode = future.result()
                journal.append(episode)
                bar.add(episode)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for env in envs:
            env.close()


def _make_env(config: RolloutConfig) -> Env:
    options: dict = {"games": str(config.games)} if config.env == "webshop" and config.games else {}
    limits = limits_for(config.env, config.protocol, config.max_steps)
    options["max_steps"] = limits.max_steps
    workers = config.env_workers
    if workers == "process" or (workers == "auto" and config.env == "alfworld"):
        return ProcessEnv(str(config.env), **options)
    return make_env(str(config.env), **options)


def _make_actor(config: RolloutConfig) -> Actor:
    if config.agent == AgentKind.EXPERT:
        return ExpertActor()
    if config.agent == AgentKind.RANDOM:
        return RandomActor(focus=config.focus)
    agent = Agent(
        _prompt(config),
        show_admissible=config.show_admissible,
        history=config.history,
        max_prompt_chars=config.max_prompt_chars,
        remind_task=config.remind_task,
    )
    endpoint = Endpoint(_endpoint_params(config), config.model, api_key_env=config.api_key_env)
    return ModelActor(
        config.agent,
        agent,
        endpoint,
        match_admissible=config.match_admissible,
        constrain=config.constrain,
        avoid_loops=config.avoid_loops,
        focus=config.focus,
    )


def _prompt(config: RolloutConfig):
    return load_prompt(config.prompt or f"{config.agent}-{config.env}")


def _endpoint_params(config: RolloutConfig) -> EndpointParams | None:
    if config.agent not in MODEL_AGENTS:
        return None
    if not config.base_url or not config.model:
        raise ValueError(f"agent {config.agent} needs --base-url and --model (an OpenAI-compatible endpoint)")
    return EndpointParams(
        base_url=config.base_url,
        engine=config.engine,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        seed=config.seed,
        timeout_s=config.request_timeout,
        max_retries=config.max_retries,
    )


def _manifest(
    config: RolloutConfig, run_id: str, limits: Limits, planned: int, data: list[Setting]
) -> RunManifest:
    model_agent = config.agent in MODEL_AGENTS
    settings = (
        limits.settings()
        + data
        + [
            Setting(name=k, value=str(getattr(config, k)))
            for k in (
                "attempts",
                "show_admissible",
                "match_admissible",
                "constrain",
                "avoid_loops",
                "focus",
                "remind_task",
                "max_prompt_chars",
                "history",
                "shard",
                "seed",
            )
        ]
    )
    return RunManifest(
        run_id=run_id,
        created_at=datetime.now(UTC),
        env=config.env,
        split=config.split,
        agent=config.agent,
        mode=config.mode,
        model=config.model if model_agent else None,
        endpoint=_endpoint_params(config),
        prompt_version=_prompt(config).id if model_agent else None,
        protocol=config.protocol,
        settings=settings,
        inputs=_inputs(config),
        software=software_versions(),
        hdbench_version=hdbench.__version__,
        command=f"hdbench rollout {config.model_dump_json(exclude_none=True)}",
        planned_episodes=planned,
    )


def data_settings(plan: list[PlannedEpisode]) -> list[Setting]:
    """What the played data itself decides: ALFWorld's grammar/data version (2.1.1 ``put`` or 2.1.2
    ``move``), and the receptacle cap of easy generated games when there is one."""
    files = {p.task.source for p in plan if p.task.env == "alfworld"}
    if not files:
        return []
    from hdbench.envs.alfworld import detect_grammar, max_receptacles_of, read_game

    versions = sorted({str(detect_grammar(read_game(Path(f))["grammar"])) for f in files})
    settings = [Setting(name="alfworld_grammar", value=",".join(versions))]
    caps = {max_receptacles_of(Path(f)) for f in files}
    if caps != {None}:
        value = ",".join(sorted(str(c) if c is not None else "all" for c in caps))
        settings.append(Setting(name="alfworld_max_receptacles", value=value))
    return settings


def _inputs(config: RolloutConfig) -> list[InputRef]:
    """The game set as an input: its release name/version/hash when it is a release."""
    if config.games is None:
        return []
    config_name = "goals" if config.env == "webshop" else "games"
    try:
        release = open_release(config.games)
        return [
            InputRef(
                name=release.name,
                version=release.version,
                config=config_name,
                content_hash=release.content_hash,
            )
        ]
    except ReleaseError:
        return [InputRef(name=str(Path(config.games).resolve()), version="unreleased", config=config_name)]


def software_versions() -> list[SoftwareVersion]:
    """Versions of hdbench, Python and the packages that shape an episode."""
    found = [
        SoftwareVersion(package="hdbench", version=hdbench.__version__),
        SoftwareVersion(package="python", version=platform.python_version()),
    ]
    for package in PACKAGES:
        try:
            found.append(SoftwareVersion(package=package, version=version(package)))
        except PackageNotFoundError:
            continue
    return found


def _journal(config: RolloutConfig, run_id: str) -> Journal:
    run_file = _run_file(config)
    if run_file.exists():
        recorded = json.loads(run_file.read_text())
        if recorded["run_id"] != run_id:
            raise ReleaseError(
                f"{config.out} has an unfinished run {recorded['run_id']} with other settings; "
                f"rerun that command to finish it, or choose another --out"
            )
    else:
        run_file.parent.mkdir(parents=True, exist_ok=True)
        run_file.write_text(
            json.dumps({"run_id": run_id, "config": config.model_dump(mode="json")}, indent=2)
        )
    return Journal(config.out.parent / f".{config.out.name}.journal.jsonl")


def _run_file(config: RolloutConfig) -> Path:
    return config.out.parent / f".{config.out.name}.run.json"


def _in_plan_order(episodes: list[Episode], plan: list[PlannedEpisode], run_id: str) -> list[Episode]:
    by_id = {e.episode_id: e for e in episodes}
    missing = [p.task.task_id for p in plan if p.episode_id(run_id) not in by_id]
    if missing:
        raise RuntimeError(
            f"{len(missing)} planned episodes did not finish (e.g. {missing[0]}); rerun to resume"
        )
    return [by_id[p.episode_id(run_id)] for p in plan]


def _write(config: RolloutConfig, manifest: RunManifest, episodes: list[Episode], limits: Limits) -> Release:
    failures = [failure_of(e, label(e, limits.max_steps)) for e in episodes if e.outcome == Outcome.FAILURE]
    counts = {o: sum(e.outcome == o for e in episodes) for o in Outcome}
    spec = ReleaseSpec(
        name=config.release_name,
        version=config.version,
        title=f"hdbench rollouts: {config.agent} on {config.env} {config.split}",
        summary=(
            f"{len(episodes)} episodes of the {config.agent} agent on {config.env} ({config.split} split): "
            f"{counts[Outcome.SUCCESS]} successes, {counts[Outcome.FAILURE]} failures, "
            f"{counts[Outcome.ERROR]} errors (not judged)."
        ),
        provenance=(
            f"Run `{manifest.run_id}` by hdbench {hdbench.__version__}; model `{manifest.model or '-'}`, "
            f"prompt `{manifest.prompt_version or '-'}`, protocol `{manifest.protocol or 'default'}`. "
            "Settings: " + ", ".join(f"{s.name}={s.value}" for s in manifest.settings) + "."
        ),
        limitations="Failure-mode labels come from documented rules (hdbench.failures), not human review.",
    )
    split = config.split
    data = {"trajectories": {split: episodes}, "runs": {split: [manifest]}}
    if failures:
        data["failures"] = {split: failures}
    return write_release(config.out, spec, data)


def _already_written(config: RolloutConfig, run_id: str, start: float) -> RunSummary:
    summary = summary_of(config.out, config.split)
    if summary.run_id != run_id:
        raise ReleaseError(f"{config.out} already holds another release; choose another --out")
    return summary


def summary_of(path: Path, split: str = "train") -> RunSummary:
    """The summary of a rollout release that is already written."""
    release = open_release(path)
    episodes = release.read("trajectories", split)
    if not episodes:
        raise ReleaseError(f"{path} has no episodes in split {split!r}")
    return _summary(
        episodes[0].run_id, len(episodes), episodes, len(episodes), time.perf_counter(), release.path
    )


def _summary(
    run_id: str, planned: int, episodes: list[Episode], resumed: int, start: float, path: Path
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        planned=planned,
        resumed=resumed,
        successes=sum(e.outcome == Outcome.SUCCESS for e in episodes),
        failures=sum(e.outcome == Outcome.FAILURE for e in episodes),
        errors=sum(e.outcome == Outcome.ERROR for e in episodes),
        tokens=sum(e.prompt_tokens + e.completion_tokens for e in episodes),
        wall_time_s=round(time.perf_counter() - start, 2),
        release=path,
    )
