"""Failure-mode labelling: documented rules over trajectories (no model calls).

See ``_rules.py`` for the rules; ``label`` applies them, ``failure_of`` builds a ``failures`` row.
"""

from hdbench.failures._label import failure_of, label, modes_of, transcript
from hdbench.failures._rules import RULES

__all__ = ["RULES", "failure_of", "label", "modes_of", "transcript"]
