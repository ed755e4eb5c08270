"""Local serving engines: prompt latency, decode speed, prefix cache and concurrency.

    python benchmarks/bench_endpoint.py [--engines llama.cpp transformers] [--reps 2] [--requests 3]

For each installed engine, starts a real ``LocalServer`` on the embedded model and measures,
through the same ``Endpoint`` the runner uses (medians of ``--reps``):

- start: process start until the server answers;
- prompt: latency of a ~550-token prompt with ``max_tokens=1`` (a fresh prompt each time, so no
  prefix cache helps: an episode's first call);
- repeat: the same prompt again (what an episode's next turn costs when the server keeps the
  prefix; llama.cpp does, transformers does not);
- decode: tokens/s of generation, (completion tokens - 1) / (latency - prompt latency);
- interleaved: the second turn of two episodes played in turns (A1 B1 A2 B2), what a runner at
  concurrency 2 costs per call: fast only if the server keeps more than one prefix
  (``llama.cpp+cache`` is llama.cpp with ``--cache True``, its RAM prompt cache);
- throughput at concurrency 1 and 4 (llama.cpp only): calls per minute when each client plays
  a ``--requests``-turn conversation (a fresh ~550-token prompt, then one observation per turn,
  up to 16 tokens per reply), as rollout episodes do.

Ratios are against the baseline measured in the same run: engine llama.cpp at concurrency 1.
Keep runs short: the 2 cores here are shared.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from hdbench.endpoint import Completion, Endpoint, LocalServer, installed_engines
from hdbench.schema import EndpointParams

OBSERVATION = (
    "You are in the middle of a room. Looking quickly around you, you see a cabinet 6, a cabinet 5, "
    "a cabinet 4, a cabinet 3, a cabinet 2, a cabinet 1, a coffeemachine 1, a countertop 3, a "
    "countertop 2, a countertop 1, a drawer 3, a drawer 2, a drawer 1, a fridge 1, a garbagecan 1, "
    "a microwave 1, a shelf 3, a shelf 2, a shelf 1, a sinkbasin 1, a stoveburner 4, a stoveburner "
    "3, a stoveburner 2, a stoveburner 1, and a toaster 1.\n"
)
TASK = "Your task is to: put a clean mug in coffeemachine.\n"


def prompt(tag: int, repeats: int = 3) -> list[dict]:
    """A ~550-token ALFWorld-like prompt; ``tag`` at the start defeats any prefix cache."""
    system = f"Run {tag}. You are an agent in a household. Reply with one action per turn."
    body = (OBSERVATION + TASK) * repeats + "What is your next action? Think, then act."
    return [{"role": "system", "content": system}, {"role": "user", "content": body}]


def call(ep: Endpoint, messages: list[dict], max_tokens: int) -> Completion:
    """One chat call that must succeed (a benchmark of failures measures nothing)."""
    c = ep.chat(messages, max_tokens=max_tokens)
    if not c.ok:
        raise SystemExit(f"benchmark call failed: {c.error}")
    return c


def single(ep: Endpoint, reps: int, seq: list[int]) -> dict[str, float]:
    """Medians of prompt latency, prefix-cached repeat latency and decode tokens/s."""
    prompts, repeats, decode, tokens = [], [], [], []
    for _ in range(reps):
        seq[0] += 1
        messages = prompt(seq[0])
        first = call(ep, messages, 1)
        prompts.append(first.latency_s)
        tokens.append(first.prompt_tokens)
        repeats.append(call(ep, messages, 1).latency_s)
        seq[0] += 1
        long = call(ep, prompt(seq[0]), 64)
        if long.completion_tokens > 1:
            decode.append((long.completion_tokens - 1) / max(long.latency_s - first.latency_s, 1e-3))
    return {"prompt_tokens": statistics.median(tokens), "prompt_s": statistics.median(prompts),
            "repeat_s": statistics.median(repeats),
            "decode_tps": statistics.median(decode) if decode else float("nan")}


def interleaved(ep: Endpoint, reps: int, seq: list[int]) -> float:
    """Median latency of second turns when two conversations alternate (A1 B1 A2 B2)."""
    seconds = []
    for _ in range(reps):
        convs = []
        for _ in range(2):
            seq[0] += 1
            convs.append(prompt(seq[0]))
        for conv in convs:
            reply = call(ep, conv, 8).text
            conv += [{"role": "assistant", "content": reply},
                     {"role": "user", "content": "Nothing happens. " + OBSERVATION}]
        seconds += [call(ep, conv, 1).latency_s for conv in convs]
    return statistics.median(seconds)


def throughput(ep: Endpoint, clients: int, requests: int, seq: list[int]) -> float:
    """Calls per minute with ``clients`` threads each playing a ``requests``-turn conversation."""
    def client(base: int) -> None:
        conv = prompt(base)
        for _ in range(requests):
            reply = call(ep, conv, 16).text
            conv += [{"role": "assistant", "content": reply},
                     {"role": "user", "content": "Nothing happens. " + OBSERVATION}]

    bases = []
    for _ in range(clients):
        seq[0] += requests
        bases.append(seq[0])
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, bases))
    return clients * requests * 60 / (time.perf_counter() - start)


VARIANTS = {"llama.cpp+cache": ("llama.cpp", ["--cache", "True"])}
"""Measured variants of an engine: name -> (engine, extra server arguments)."""


def bench_engine(name: str, args: argparse.Namespace, seq: list[int]) -> dict[str, float]:
    """Start one engine's server and measure it."""
    engine, extra = VARIANTS.get(name, (name, []))
    with LocalServer(engine=engine, extra_args=extra, on_status=lambda line: print(f"  {line}")) as server:
        params = EndpointParams(base_url=server.base_url, engine=engine, temperature=0.0, seed=0,
                                timeout_s=600, max_retries=0)
        ep = Endpoint(params, model=server.model_name)
        call(ep, prompt(-1), 1)  # warm-up: first-call allocations are not what we measure
        result = {"start_s": server.started_in_s} | single(ep, args.reps, seq)
        result["interleaved_s"] = interleaved(ep, args.reps, seq)
        if engine == "llama.cpp":  # transformers serves one request at a time
            for clients in args.concurrency:
                result[f"c{clients}_calls_per_min"] = throughput(ep, clients, args.requests, seq)
    return result


def report(results: dict[str, dict[str, float]]) -> None:
    """Print one line per engine and metric, with the ratio to llama.cpp (concurrency 1)."""
    base = results.get("llama.cpp", {})
    print(f"\n{'engine':<13}{'metric':<22}{'median':>10}{'vs llama.cpp':>14}")
    for engine, metrics in results.items():
        for name, value in metrics.items():
            ref = base.get("c1_calls_per_min") if name.endswith("_per_min") else base.get(name)
            ratio = f"{value / ref:.2f}x" if ref else ""
            print(f"{engine:<13}{name:<22}{value:>10.2f}{ratio:>14}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    engines = installed_engines()
    engines += [v for v, (engine, _) in VARIANTS.items() if engine in engines]
    parser.add_argument("--engines", nargs="+", default=engines, help="engines (and variants) to measure")
    parser.add_argument("--reps", type=int, default=2, help="repetitions per single-call metric")
    parser.add_argument("--requests", type=int, default=3, help="turns per client in the throughput test")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4],
                        help="client counts (llama.cpp)")
    args = parser.parse_args()
    seq = [int(time.time())]  # prompt tags never seen by a server before
    results = {}
    for engine in args.engines:
        print(f"{engine}:")
        results[engine] = bench_engine(engine, args, seq)
        print("  " + ", ".join(f"{k}={v:.2f}" for k, v in results[engine].items()), flush=True)
    report(results)


if __name__ == "__main__":
    main()
