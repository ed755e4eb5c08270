"""The runner: the one loop that plays episodes, concurrent and resumable, for every policy."""

from hdbench.runner._actors import (
    Actor,
    Decision,
    ExpertActor,
    ModelActor,
    RandomActor,
    action_grammar,
    closest,
    focused,
)
from hdbench.runner._config import RolloutConfig
from hdbench.runner._episode import RunContext, play_episode
from hdbench.runner._journal import Journal
from hdbench.runner._limits import PROTOCOLS, Limits, limits_for
from hdbench.runner._plan import PlannedEpisode, make_plan, parse_shard
from hdbench.runner._process_env import ProcessEnv
from hdbench.runner._rollout import MODEL_AGENTS, RunSummary, rollout, software_versions, summary_of

__all__ = [
    "MODEL_AGENTS",
    "PROTOCOLS",
    "Actor",
    "Decision",
    "ExpertActor",
    "Journal",
    "Limits",
    "ModelActor",
    "PlannedEpisode",
    "ProcessEnv",
    "RandomActor",
    "RolloutConfig",
    "RunContext",
    "RunSummary",
    "action_grammar",
    "closest",
    "focused",
    "limits_for",
    "make_plan",
    "parse_shard",
    "play_episode",
    "rollout",
    "software_versions",
    "summary_of",
]
