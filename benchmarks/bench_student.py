"""A CPU-trained student of the embedded model against its base, on held-out easy ALFWorld games.

    python benchmarks/bench_student.py [--out /tmp/bench-student] [--train-games 60] [--heldout-games 12]
        [--attempts 2] [--eval-seed 0] [--max-steps 20] [--recipe cpu] [--set field=value ...]
        [--models base student] [--threads N] [--skip-eval] [--demos planner|searching]

1. Games: ``--train-games`` easy generated train games (pick_and_place_simple and
   look_at_obj_in_light, at most 5 receptacles, seed 0) and ``--heldout-games`` held out (seed 1),
   checked disjoint by content hash.
2. Demonstrations: an expert plays each train game through the runner's ``play_episode``; its won
   episodes are rendered as the act agent would have seen them (the short prompt of
   ``benchmarks/student/``, admissible commands shown, task restated) into an ``sft`` release
   (``expert`` source kind; every 10th game to ``validation``). ``--demos planner`` (default): the
   planner's straight paths (``PlannerExpert``; releases, students and runs named ``-planner``).
   ``--demos searching``: ``SearchingExpert``, which visits and opens receptacles until it sees what
   the task names, offered commands narrowed by the model's loop guard (measured worse: docs/training.md).
3. Training: ``hdbench.train.train_sft`` with the recipe (default ``cpu``) from the embedded model.
4. Evaluation: base and student, each exported to GGUF q8_0 by the same converter and served by
   llama.cpp, play the held-out games through the runner with the same settings (act, admissible
   shown and constrained, loop guard, task restated, temperature 1.0, ``--max-steps``, ``--attempts``).

Prints training time, tokens/s, peak memory, and success and tokens per episode before/after
(``hdbench.analytics.outcome_metrics``); writes ``results.json`` under ``--out``. Resumable: games,
release, student, GGUF files and finished episodes are reused.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

from hdbench.analytics import outcome_metrics
from hdbench.envs import load_tasks, make_env
from hdbench.envs.alfworld import PlannerExpert, SearchingExpert
from hdbench.quickstart import EASY_RECEPTACLES, EASY_TYPES
from hdbench.release import ReleaseSpec, open_release, release_path, write_release
from hdbench.runner import (
    Decision,
    Limits,
    LoopGuard,
    PlannedEpisode,
    RolloutConfig,
    RunContext,
    agent_for,
    play_episode,
    rollout,
)
from hdbench.schema import AgentKind, Episode, Message, Mode, Outcome, Role, SFTExample, SourceKind

log = logging.getLogger("bench_student")
PROMPT = Path(__file__).parent / "student" / "act-alfworld-short.yaml"
EVAL_SETTINGS = dict(agent="act", show_admissible=True, constrain=True, avoid_loops=True, remind_task=True,
                     temperature=1.0, max_tokens=32)
"""The quickstart's model settings with the task restated (recorded in every run manifest)."""


# -- 1. games -----------------------------------------------------------------------------------

def games(root: Path, n: int, seed: int) -> Path:
    """``n`` easy generated train games of ``seed`` under ``root`` (generated once)."""
    from hdbench.envs.alfworld import GenerateOptions, generate_split

    folder = root / "games" / f"s{seed}-n{n}"
    if not (folder / "train" / "games.jsonl").is_file():
        generate_split(folder, GenerateOptions(split="train", n=n, seed=seed, task_types=EASY_TYPES,
                                               max_receptacles=EASY_RECEPTACLES))
    return folder


def disjoint(a: Path, b: Path) -> None:
    """Stop when a held-out game is also a train game (same game file content)."""
    def hashes(folder: Path) -> set[str]:
        return {json.loads(line)["sha256"] for line in (folder / "train" / "games.jsonl").read_text().splitlines()}

    shared = hashes(a) & hashes(b)
    if shared:
        raise SystemExit(f"{len(shared)} held-out game(s) are also train games")


# -- 2. demonstrations --------------------------------------------------------------------------

class SearchingActor:
    """The searching expert as a runner actor, replying in the act format, with the model's loop guard."""

    kind = AgentKind.EXPERT

    def begin(self, env, first, hints: list[str], seed: int) -> None:  # noqa: ANN001
        self.expert, self.loops = SearchingExpert(), LoopGuard()
        self.expert.start(env, first.text)

    def decide(self, observation: str, admissible: list[str] | None) -> Decision:
        banned = self.loops.banned(observation, admissible)
        offered = [a for a in admissible or [] if a not in banned] or admissible
        action = self.expert.act(observation, offered or []) or "look"
        self.loops.record(observation, admissible, action)
        return Decision(action=action, reply=f"Action: {action}", offered=offered)


class PlannerActor:
    """The planner expert (``PlannerExpert``: its plan made at reset, straight to things it has not
    seen yet) as a runner actor, replying in the act format."""

    kind = AgentKind.EXPERT

    def begin(self, env, first, hints: list[str], seed: int) -> None:  # noqa: ANN001
        self.expert = PlannerExpert()
        self.expert.start(env)

    def decide(self, observation: str, admissible: list[str] | None) -> Decision:
        action = self.expert.act() or "look"
        return Decision(action=action, reply=f"Action: {action}", offered=admissible)


DEMONSTRATORS = {"searching": SearchingActor, "planner": PlannerActor}


def demonstrations(train: Path, eval_config: RolloutConfig, demos: str) -> list[Episode]:
    """The ``demos`` expert's episodes on every train game (won or not)."""
    env, ctx = make_env("alfworld"), RunContext(run_id=f"{demos}-expert", mode=Mode.BASE, hdbench_version="0")
    limits = Limits(max_steps=eval_config.max_steps or 20)
    return [play_episode(env, DEMONSTRATORS[demos](), PlannedEpisode(task=t), limits, ctx)
            for t in load_tasks("alfworld", train, "train")]


def sft_example(episode: Episode, agent, count) -> SFTExample:  # noqa: ANN001
    """A won demonstration as the act agent would have seen it (hint-free, rendered replies)."""
    chat = agent.conversation(episode, hints=[])
    return SFTExample(
        example_id=f"expert-{episode.episode_id}", source_episode_id=episode.episode_id,
        source_kind=SourceKind.EXPERT, source_run_id=episode.run_id, env=episode.env, task_id=episode.task_id,
        task_type=episode.task_type, messages=[Message(role=Role(m["role"]), content=m["content"]) for m in chat],
        num_tokens=count(chat), tokens_estimated=False, tokenizer="base model", replies_rendered=True,
    )


def suffix_of(demos: str) -> str:
    """What the names of a demonstrator's release, student and runs end with (searching, the first
    measured, has none)."""
    return "" if demos == "searching" else f"-{demos}"


def sft_release(root: Path, train: Path, eval_config: RolloutConfig, tokenizer_dir: Path, demos: str) -> Path:
    """The ``sft`` release of the ``demos`` expert's won demonstrations (written once)."""
    spec = ReleaseSpec(name=f"bench/student-sft{suffix_of(demos)}", version="0.1.0", title=f"{demos.capitalize()}-expert demonstrations",
                       summary=f"Behaviour cloning: {demos}-expert episodes on easy generated ALFWorld train games, "
                               "rendered as the act agent sees them.", license="cc0-1.0",
                       provenance="benchmarks/bench_student.py", limitations="Benchmark data.")
    path = release_path(root / "releases", spec.name, spec.version)
    if path.is_dir():
        return path
    from transformers import AutoTokenizer

    from hdbench.train import token_counter

    episodes = demonstrations(train, eval_config, demos)
    won = [e for e in episodes if e.outcome == Outcome.SUCCESS]
    steps = sorted(e.num_steps for e in won)
    log.info("%s expert won %d/%d train games; steps min/median/max %d/%d/%d", demos, len(won), len(episodes),
             steps[0], steps[len(steps) // 2], steps[-1])
    agent, count = agent_for(eval_config), token_counter(AutoTokenizer.from_pretrained(str(tokenizer_dir)))
    rows = [sft_example(e, agent, count) for e in won]
    splits = {"train": [r for i, r in enumerate(rows) if i % 10 != 9],
              "validation": [r for i, r in enumerate(rows) if i % 10 == 9]}
    return write_release(path, spec, {"sft": splits}).path


# -- 3. training and 4. evaluation ---------------------------------------------------------------

def student(root: Path, release: Path, base: Path, recipe_name: str, overrides: dict, suffix: str) -> tuple[Path, dict]:
    """Train (once) and return the merged folder and ``training.json``."""
    from hdbench.train import load_recipe, train_sft

    out = root / f"student-{recipe_name}{suffix}"
    if not (out / "training.json").is_file():
        recipe = load_recipe(recipe_name, **overrides)
        train_sft(release, "train", base, recipe, out)
    return out / "merged", json.loads((out / "training.json").read_text())


def gguf(model_dir: Path, out: Path) -> Path:
    """``model_dir`` as GGUF q8_0 (once)."""
    from hdbench.train import export_gguf

    return out if out.is_file() else export_gguf(model_dir, out, "q8_0")


def evaluate(root: Path, name: str, model: Path, config: RolloutConfig, threads: int, label: str) -> list[Episode]:
    """Play the held-out games with ``model`` (``label`` names its run folder) served by llama.cpp; the episodes."""
    from hdbench.endpoint import LocalServer

    # any free port: where the endpoint listens is not part of a run's identity, so a rerun resumes its run
    with LocalServer(model=model, engine="llama.cpp", threads=threads) as server:
        played = config.model_copy(update=dict(base_url=server.base_url, model=server.model_name, engine="llama.cpp",
                                               name=f"bench/student-eval-{name}"))
        start = time.perf_counter()
        summary = rollout(played, root / "runs" / f"{label}-a{config.attempts}-s{config.max_steps}{f'-seed{config.seed}' if config.seed else ''}", progress=False)
        log.info("%s: %d/%d won in %.0fs", name, summary.successes, summary.planned, time.perf_counter() - start)
    return open_release(summary.release).read("trajectories", "train")


def describe(name: str, episodes: list[Episode]) -> dict:
    """Success and tokens of one model's episodes (the one metrics definition)."""
    metrics = outcome_metrics(episodes)
    row = {"model": name, "episodes": metrics.episodes, "successes": metrics.successes,
           "tokens_per_episode": round(metrics.tokens_per_episode or 0), "summary": metrics.describe()}
    print(f"{name:8} {row['successes']:3}/{row['episodes']:<3} won, {row['tokens_per_episode']:7,} tokens/episode; "
          f"{row['summary']}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-student"))
    parser.add_argument("--train-games", type=int, default=60)
    parser.add_argument("--heldout-games", type=int, default=12)
    parser.add_argument("--attempts", type=int, default=2)
    parser.add_argument("--eval-seed", type=int, default=0, help="sampling seed of the evaluation runs")
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--recipe", default="cpu")
    parser.add_argument("--demos", choices=sorted(DEMONSTRATORS), default="planner",
                        help="which expert demonstrates: searching (finds before it takes) or planner (straight paths)")
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE", help="recipe overrides")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="server threads (1 on a machine others are loading: threads then never wait on each other)")
    parser.add_argument("--skip-eval", action="store_true", help="stop after training")
    parser.add_argument("--models", nargs="+", default=["base", "student"], help="which models to evaluate")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    from hdbench.train import resolve_base_model

    train, heldout = games(args.out, args.train_games, 0), games(args.out, args.heldout_games, 1)
    disjoint(train, heldout)
    config = RolloutConfig(env="alfworld", games=str(heldout), split="train", attempts=args.attempts, seed=args.eval_seed,
                           max_steps=args.max_steps, prompt=str(PROMPT), env_workers="thread", **EVAL_SETTINGS)
    base = resolve_base_model("embedded")
    release = sft_release(args.out, train, config, base, args.demos)
    suffix = suffix_of(args.demos)
    overrides = dict(item.split("=", 1) for item in args.set)
    results: dict = {}
    if "student" in args.models or args.skip_eval:  # ``--models base`` evaluates the base alone
        merged, training = student(args.out, release, base, args.recipe, overrides, suffix)
        m = training["metrics"]
        print(f"training: {m['steps']} steps, {m['train_runtime_s']:.0f} s, {m['tokens_per_s']:.1f} tokens/s, peak "
              f"{m['peak_memory_mb']:,.0f} MiB, loss {m['first_loss']:.3f} -> {m['final_loss']:.3f}", flush=True)
        results = {"training": {k: v for k, v in m.items() if k != "log_history"}, "lengths": training["lengths"]}
    if not args.skip_eval:
        models = {"base": lambda: gguf(base, args.out / "gguf" / "base-q8_0.gguf"),
                  "student": lambda: gguf(merged, args.out / "gguf" / f"student-{args.recipe}{suffix}-q8_0.gguf")}
        labels = {"base": "base", "student": f"student{suffix}"}
        results["eval"] = [describe(name, evaluate(args.out, name, models[name](), config, args.threads, labels[name])) for name in args.models]
    (args.out / f"results{suffix}-{'-'.join(args.models)}-seed{args.eval_seed}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
