"""Environments: the ``Env`` protocol, its registry, and the ALFWorld and WebShop adapters."""

from hdbench.envs._env import Env, EnvFactory, Observation, Task, Transition, make_env, register_env

__all__ = ["Env", "EnvFactory", "Observation", "Task", "Transition", "make_env", "register_env"]
