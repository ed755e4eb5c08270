"""SQL analytics over releases: DuckDB views per config and canned ``.sql`` analyses."""

from hdbench.analytics._canned import CannedQuery, analyze, canned_queries
from hdbench.analytics._connect import connect, sql

__all__ = ["CannedQuery", "analyze", "canned_queries", "connect", "sql"]
