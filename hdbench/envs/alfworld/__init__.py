"""ALFWorld on the real engine, offline: official games, generated games, the planner expert."""

from hdbench.envs._env import register_env
from hdbench.envs.alfworld._compile import CompileCache
from hdbench.envs.alfworld._engine import DEFAULT_MAX_STEPS, AlfworldEnv, make_alfworld_env, task_line
from hdbench.envs.alfworld._expert import ExpertEpisode, PlannerExpert, play_expert
from hdbench.envs.alfworld._grammar import GrammarVersion, detect_grammar, translate
from hdbench.envs.alfworld._official import (
    SPLITS,
    TASK_TYPES,
    GameFileError,
    GameRef,
    find_games,
    load_split,
    read_game,
    task_type_of,
    to_task,
)

register_env("alfworld", make_alfworld_env)

__all__ = [
    "DEFAULT_MAX_STEPS",
    "SPLITS",
    "TASK_TYPES",
    "AlfworldEnv",
    "CompileCache",
    "ExpertEpisode",
    "GameFileError",
    "GameRef",
    "GrammarVersion",
    "PlannerExpert",
    "detect_grammar",
    "find_games",
    "load_split",
    "make_alfworld_env",
    "play_expert",
    "read_game",
    "task_line",
    "task_type_of",
    "to_task",
    "translate",
]
