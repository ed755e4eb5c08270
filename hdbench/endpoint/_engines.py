"""Serving engines: how to launch each OpenAI-compatible server as a child process.

An engine turns (model path, port, context size, threads) into a command line and says which
model name the server answers to and which URL shows it is ready. Built-ins: ``llama.cpp``
(``llama-cpp-python[server]``, serves GGUF files) and ``transformers`` (``transformers serve``,
serves model folders; a GGUF is converted to a folder once, see ``_convert``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hdbench.endpoint._local import MODEL_FILE, MODEL_NAME


class EngineMissing(RuntimeError):
    """The engine's Python package is not installed."""


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one server process."""

    argv: list[str]
    """Command line."""
    env: dict[str, str]
    """Environment variables added to the parent's."""
    model_name: str
    """Name clients must send as ``model``."""
    ready_path: str
    """Path (from the server root) that answers 200 once the model is loaded."""


class Engine(Protocol):
    """A way to serve a model over the OpenAI chat API."""

    name: str

    def available(self) -> bool:
        """Whether the engine's package is installed."""
        ...

    def launch(self, model: Path, port: int, ctx: int, threads: int | None) -> Launch:
        """The command serving ``model`` on 127.0.0.1:``port``."""
        ...


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def model_name_for(gguf: Path) -> str:
    """Name the llama.cpp server answers to: the embedded model's short name, else the file stem."""
    return MODEL_NAME if gguf.name == MODEL_FILE else gguf.stem


class LlamaCpp:
    """``python -m llama_cpp.server``: fast CPU inference of GGUF files, grammar/JSON-schema output."""

    name = "llama.cpp"
    install = "pip install 'hdbench[llama]'  (compiles llama.cpp: ~8 min on 2 cores, once)"
    crash_hint = (
        "a crash on the first generation is often ggml's AMX code on a CPU/VM that advertises AMX: "
        "rebuild without it: CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON' "
        "pip install --force-reinstall --no-cache-dir 'llama-cpp-python[server]'; ")

    def available(self) -> bool:
        """True if ``llama_cpp.server`` and its web stack import."""
        return _installed("llama_cpp") and _installed("uvicorn") and _installed("sse_starlette")

    def launch(self, model: Path, port: int, ctx: int, threads: int | None) -> Launch:
        """Serve the GGUF ``model`` with the chat template stored in it."""
        if model.is_dir() or model.suffix != ".gguf":
            raise ValueError(f"engine llama.cpp serves GGUF files; {model} is not one "
                             "(use --engine transformers for a model folder)")
        name = model_name_for(model)
        argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", name,
                "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(ctx),
                "--interrupt_requests", "False", "--verbose", "False",
                # the server's default computes logits for every prompt token: slower, unused
                "--logits_all", "False"]
        # No --chat_format: the GGUF's own chat template (Qwen's, with its default system prompt)
        # renders prompts exactly as transformers does, so both engines see the same tokens.
        # The server's default prefills with every core; on a busy 2-core machine that was 1.6x
        # slower than one thread (spinning ggml barriers). Half the cores for both phases.
        threads = threads or max(1, (os.cpu_count() or 2) // 2)
        argv += ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
        return Launch(argv=argv, env={}, model_name=name, ready_path="/v1/models")


class Transformers:
    """``transformers serve``: PyTorch inference of model folders (no compiler; serves students as-is)."""

    name = "transformers"
    install = "pip install 'hdbench[transformers]'"

    def available(self) -> bool:
        """True if transformers, torch and the serving stack are installed."""
        return all(_installed(m) for m in ("transformers", "torch", "fastapi", "uvicorn", "gguf"))

    def launch(self, model: Path, port: int, ctx: int, threads: int | None) -> Launch:
        """Serve the folder ``model`` (pinned: clients must send its path as the model name)."""
        if not model.is_dir():
            raise ValueError(f"engine transformers serves model folders; {model} is not one")
        # float32: this CPU has no fast bf16 (7x slower prefill measured); one thread per
        # server was 4x faster than two on a busy 2-core machine.
        threads_env = str(threads or 1)
        argv = [sys.executable, "-m", "transformers.cli.transformers", "serve", str(model),
                "--host", "127.0.0.1", "--port", str(port), "--device", "cpu", "--dtype", "float32",
                "--log-level", "warning"]
        env = {"OMP_NUM_THREADS": threads_env, "MKL_NUM_THREADS": threads_env,
               "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}
        # /v1/models needs a hub cache; /health answers once the pinned model is preloaded.
        return Launch(argv=argv, env=env, model_name=str(model), ready_path="/health")


ENGINES: dict[str, Engine] = {e.name: e for e in (LlamaCpp(), Transformers())}
"""Built-in engines by name."""


def get_engine(name: str) -> Engine:
    """The engine called ``name``; EngineMissing (with the install command) if not installed."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    engine = ENGINES[name]
    if not engine.available():
        raise EngineMissing(f"engine {name} is not installed: {engine.install}")  # type: ignore[attr-defined]
    return engine


def installed_engines() -> list[str]:
    """Names of the engines whose packages are installed."""
    return [name for name, engine in ENGINES.items() if engine.available()]
