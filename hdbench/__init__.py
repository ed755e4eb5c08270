"""hdbench: turn LLM-agent failures into versioned datasets and a public benchmark."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hdbench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
