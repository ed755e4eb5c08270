"""Agents: prompt strategies (react, stateact, act) over one chat loop, and model-free policies.

An ``Agent`` is pure (messages in, parsed reply out); prompts are YAML data files in ``prompts/``,
versioned with the records they produce. ``RandomPolicy`` plays without a model (experts live with their envs).
"""

from hdbench.agents._agent import Agent, Parsed
from hdbench.agents._policies import RandomPolicy
from hdbench.agents._prompt import PromptFile, Strategy, Turn, load_prompt, shipped_prompts

__all__ = [
    "Agent",
    "Parsed",
    "PromptFile",
    "RandomPolicy",
    "Strategy",
    "Turn",
    "load_prompt",
    "shipped_prompts",
]
