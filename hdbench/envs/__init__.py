"""Environments: the ``Env`` protocol, its registry, and the ALFWorld and WebShop adapters."""

from hdbench.envs._env import (
    Env,
    EnvFactory,
    ExpertFactory,
    Observation,
    Task,
    TaskLoader,
    Transition,
    expert_for,
    load_tasks,
    make_env,
    register_env,
)

__all__ = [
    "Env",
    "EnvFactory",
    "ExpertFactory",
    "Observation",
    "Task",
    "TaskLoader",
    "Transition",
    "expert_for",
    "load_tasks",
    "make_env",
    "register_env",
]
