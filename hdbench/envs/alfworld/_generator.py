"""Generating ALFWorld games offline, deterministically, kept only when the planner wins them.

For game ``i`` of a split, the task type is the ``i``-th of the requested types (round robin); a
``random.Random`` seeded from (seed, split, i, attempt) picks a floor plan of the split that can host
it, a goal the plan supports, and a scene. The game is written in the official layout
(``<split>/<type>-<Obj>-None-<Recep>-<plan>/trial_S<seed>_<i>/game.tw-pddl`` + ``traj_data.json``),
then the planner expert plays it through the real engine; a game it does not win (or whose plan
exceeds the step budget) is deleted and the next attempt drawn. Same seed → byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import random
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

from hdbench.envs.alfworld._compile import CompileCache
from hdbench.envs.alfworld._engine import DEFAULT_MAX_STEPS, AlfworldEnv
from hdbench.envs.alfworld._expert import play_expert
from hdbench.envs.alfworld._goals import Goal, candidate_goals, task_text
from hdbench.envs.alfworld._grammar import GrammarVersion
from hdbench.envs.alfworld._layouts import FloorPlan, load_plan, split_plans
from hdbench.envs.alfworld._official import (
    GAME_FILE,
    TASK_TYPES,
    TRAJ_FILE,
    GameFileError,
    GameRef,
    to_task,
)
from hdbench.envs.alfworld._pddl import domain_text, grammar_text, problem_text
from hdbench.envs.alfworld._planner import PlannerError
from hdbench.envs.alfworld._scene import Scene, pickable_types, receptacle_types, sample_scene
from hdbench.schema import Game

log = logging.getLogger(__name__)

GENERATOR_VERSION = "2"
"""Bump when the same seed would give different games (2: synthesized sink/bathtub basins get
ALFRED's ``Sink|x|y|z|SinkBasin`` ids; version 1 named them "sinkbasinbasin")."""
OFFICIAL_SIZES = {"train": 3553, "valid_seen": 140, "valid_unseen": 134}
"""Official split sizes: the default ``n``."""
MANIFEST = "games.jsonl"


@dataclass(frozen=True)
class GenerateOptions:
    """What to generate."""

    split: str = "valid_unseen"
    n: int | None = None
    """Games to keep (default: the official size of the split)."""
    seed: int = 0
    grammar: GrammarVersion = GrammarVersion.MOVE
    task_types: tuple[str, ...] = TASK_TYPES
    max_attempts: int = 25
    """Scene draws per game before giving up on that index."""
    max_steps: int = DEFAULT_MAX_STEPS
    """A game is kept only if the expert wins within this budget."""
    max_receptacles: int | None = None
    """Easy games: keep at most this many receptacles per scene (the goal's own kept); None = all.
    Changes what is measured (less to search): written into each game's ``traj_data.json``."""
    planner_timeout_s: float = 120.0
    """A scene whose plan takes longer is rejected, with a warning: the one rejection that depends on
    the machine (fast-downward's search has no deterministic budget), so keep it generous."""

    @property
    def size(self) -> int:
        """Number of games to keep."""
        return self.n if self.n is not None else OFFICIAL_SIZES[self.split]


@dataclass
class _Draft:
    """A candidate game before it is verified."""

    plan: FloorPlan
    goal: Goal
    scene: Scene
    task: str
    trial: str
    attempt: int
    files: dict[str, bytes] = field(default_factory=dict)


def _rng(*parts: object) -> random.Random:
    """A generator seeded from ``parts`` through SHA-256 (stable across processes and versions)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@cache
def plan_goals(split: str, task_type: str) -> list[tuple[FloorPlan, list[Goal]]]:
    """The split's floor plans that can host ``task_type``, with the goals each supports."""
    out = []
    for number in split_plans(split):
        plan = load_plan(number)
        goals = candidate_goals(
            task_type, plan.scene_type, receptacle_types(plan), pickable_types(plan), set(plan.object_types)
        )
        if goals:
            out.append((plan, goals))
    if not out:
        raise ValueError(f"no floor plan of split {split!r} can host task type {task_type!r}")
    return out


def pick_goal(hosts: list[tuple[FloorPlan, list[Goal]]], rng: random.Random) -> tuple[FloorPlan, Goal]:
    """An object type first (uniform over the split), then a plan hosting it, then its goal.

    Drawing the object type first, as ALFRED's task sampling does, gives each room type the share
    of tasks its objects call for (most cleanable things are in kitchens, few in bathrooms).
    """
    kinds = sorted({g.object_target for _, goals in hosts for g in goals})
    kind = rng.choice(kinds)
    options = [(plan, [g for g in goals if g.object_target == kind]) for plan, goals in hosts]
    plan, goals = rng.choice([(p, gs) for p, gs in options if gs])
    return plan, rng.choice(goals)


def draft(
    options: GenerateOptions, index: int, attempt: int, hosts: list[tuple[FloorPlan, list[Goal]]]
) -> _Draft:
    """Draw one candidate game (plan, goal, scene, task line) and render its files."""
    rng = _rng(GENERATOR_VERSION, options.seed, options.split, index, attempt)
    plan, goal = pick_goal(hosts, rng)
    scene = sample_scene(plan, goal, rng, options.max_receptacles)
    trial = f"trial_S{options.seed}_{index:05d}"
    d = _Draft(plan, goal, scene, task_text(goal, rng), trial, attempt)
    d.files = _render(d, options)
    return d


def _render(d: _Draft, options: GenerateOptions) -> dict[str, bytes]:
    """The bytes of ``game.tw-pddl`` and ``traj_data.json``."""
    game = {
        "pddl_domain": domain_text(),
        "grammar": grammar_text(d.task, options.grammar),
        "pddl_problem": problem_text(d.scene, d.goal, d.trial),
        "solvable": True,
    }
    traj = {
        "task_id": d.trial,
        "task_type": d.goal.task_type,
        "pddl_params": {
            "object_target": d.goal.object_target,
            "parent_target": d.goal.parent_target,
            "toggle_target": d.goal.toggle_target,
            "mrecep_target": "",
            "object_sliced": False,
        },
        "scene": {"floor_plan": d.plan.name, "scene_num": d.plan.number, "random_seed": options.seed},
        "turk_annotations": {"anns": [{"task_desc": d.task, "high_descs": [], "votes": []}]},
        "hdbench": {
            "generator_version": GENERATOR_VERSION,
            "seed": options.seed,
            "attempt": d.attempt,
            "grammar": str(options.grammar),
        }
        | ({"max_receptacles": options.max_receptacles} if options.max_receptacles is not None else {}),
    }
    return {
        GAME_FILE: json.dumps(game).encode(),
        TRAJ_FILE: json.dumps(traj, indent=2, sort_keys=True).encode(),
    }


def _folder(root: Path, options: GenerateOptions, d: _Draft) -> Path:
    """``<root>/<split>/<type>-<Obj>-None-<Recep>-<plan>/<trial>``."""
    return root / options.split / f"{d.goal.folder}-{d.plan.number}" / d.trial


def _write(folder: Path, d: _Draft) -> None:
    """Write a draft's files (replacing a previous attempt of the same index)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in d.files.items():
        (folder / name).write_bytes(data)


def _prune(split_dir: Path) -> None:
    """Remove task folders left empty by rejected attempts (at the end: workers share folders)."""
    for folder in sorted(split_dir.iterdir()) if split_dir.exists() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _verify(env: AlfworldEnv, folder: Path, d: _Draft, split: str) -> list[str] | None:
    """The expert's winning commands, or None when it does not win within the budget."""
    ref = GameRef(folder / GAME_FILE, f"{folder.parent.name}/{folder.name}", d.goal.task_type, True)
    try:
        episode = play_expert(env, to_task(ref, split))
    except GameFileError as err:  # e.g. a goal fast-downward proves unreachable
        log.debug("rejected %s: %s", folder, err)
        return None
    except PlannerError as err:
        log.warning("rejected %s (machine-dependent: same seed may differ elsewhere): %s", folder, err)
        return None
    return episode.actions if episode.won else None


def _record(
    root: Path, folder: Path, d: _Draft, options: GenerateOptions, index: int, plan: list[str]
) -> Game:
    """The ``Game`` record of a kept game."""
    things = d.scene.things
    return Game(
        game_id=f"{folder.parent.name}/{folder.name}",
        split=options.split,
        task_type=d.goal.task_type,
        task=d.task,
        path=(folder / GAME_FILE).relative_to(root).as_posix(),
        sha256=hashlib.sha256(d.files[GAME_FILE]).hexdigest(),
        floor_plan=d.plan.name,
        scene_type=d.plan.scene_type,
        seed=options.seed,
        index=index,
        attempt=d.attempt,
        grammar=str(options.grammar),
        generator_version=GENERATOR_VERSION,
        alfworld_version=version("alfworld"),
        object_target=d.goal.object_target,
        parent_target=d.goal.parent_target,
        toggle_target=d.goal.toggle_target,
        num_receptacles=len(d.scene.receptacles),
        num_objects=len(things),
        num_pickable=sum(t.pickupable for t in things),
        num_goal_objects=sum(t.type == d.goal.object_target for t in things),
        expert_plan=plan,
        expert_plan_length=len(plan),
    )


def generate_game(
    root: Path,
    options: GenerateOptions,
    index: int,
    env: AlfworldEnv,
    hosts: list[tuple[FloorPlan, list[Goal]]],
) -> Game | None:
    """Draw, write and verify game ``index``; None when every attempt failed."""
    for attempt in range(options.max_attempts):
        d = draft(options, index, attempt, hosts)
        folder = _folder(root, options, d)
        _write(folder, d)
        plan = _verify(env, folder, d, options.split)
        if plan:
            return _record(root, folder, d, options, index, plan)
        log.debug("rejected %s (attempt %d): the expert did not win", folder, attempt)
        shutil.rmtree(folder, ignore_errors=True)
    log.warning("gave up on game %d of %s after %d attempts", index, options.split, options.max_attempts)
    return None


def generate_split(
    root: Path,
    options: GenerateOptions,
    on_game: Callable[[Game], None] | None = None,
    workers: int = 1,
) -> list[Game]:
    """Generate one split under ``root`` and write its ``games.jsonl`` manifest; return the records.

    ``workers`` > 1 spreads game indexes over processes; the games are the same (each index has its
    own seeded generator). The split folder must not exist yet, so a set is never mixed with an old one.
    """
    root = Path(root)
    unknown = sorted(set(options.task_types) - set(TASK_TYPES))
    if unknown or not options.task_types:
        raise ValueError(f"unknown or no task types {unknown}; known: {', '.join(TASK_TYPES)}")
    split_dir = root / options.split
    if split_dir.exists() and any(split_dir.iterdir()):
        raise FileExistsError(f"{split_dir} already holds games: generate into a new --out")
    for task_type in options.task_types:
        plan_goals(options.split, task_type)  # fail early when a type has no host
    games = []
    for game in _generate_all(root, options, workers):
        if game is not None:
            games.append(game)
            if on_game is not None:
                on_game(game)
    _prune(split_dir)
    write_manifest(split_dir, games)
    return games


_WORKER_ENV: AlfworldEnv | None = None


def _generate_index(args: tuple[Path, GenerateOptions, int]) -> Game | None:
    """Generate one game index in this process (its env is created once per process)."""
    global _WORKER_ENV
    root, options, index = args
    settings = (options.max_steps, options.planner_timeout_s)
    if _WORKER_ENV is None or (_WORKER_ENV.max_steps, _WORKER_ENV.planner_timeout_s) != settings:
        _WORKER_ENV = AlfworldEnv(
            max_steps=options.max_steps,
            cache=CompileCache(max_games=0),
            planner_timeout_s=options.planner_timeout_s,
        )
    task_type = options.task_types[index % len(options.task_types)]
    return generate_game(root, options, index, _WORKER_ENV, plan_goals(options.split, task_type))


def _generate_all(root: Path, options: GenerateOptions, workers: int) -> Iterator[Game | None]:
    """One result per index, in index order, here or in ``workers`` processes."""
    jobs = [(root, options, index) for index in range(options.size)]
    if workers <= 1:
        yield from map(_generate_index, jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_generate_index, jobs)


def max_receptacles_of(game_file: Path) -> int | None:
    """The receptacle cap a generated game was made with (None: uncapped, or not a generated game)."""
    try:
        traj = json.loads((Path(game_file).parent / TRAJ_FILE).read_text())
    except (OSError, ValueError):
        return None
    return (traj.get("hdbench") or {}).get("max_receptacles")


def write_manifest(split_dir: Path, games: list[Game]) -> Path:
    """``<split>/games.jsonl``: one ``Game`` per line, in generation order."""
    split_dir.mkdir(parents=True, exist_ok=True)
    path = split_dir / MANIFEST
    path.write_text("".join(g.model_dump_json() + "\n" for g in games))
    return path


def read_manifest(split_dir: Path) -> list[Game]:
    """The ``Game`` records of a generated split."""
    path = Path(split_dir) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"no {MANIFEST} in {split_dir}: not a generated split")
    return [Game.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]
