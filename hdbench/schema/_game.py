"""Generated ALFWorld games: one record per game of a versioned game set (config ``games``)."""

from __future__ import annotations

from pydantic import Field

from hdbench.schema._base import Record


class Game(Record):
    """One generated ALFWorld game: where its file is, how it was made, and how rich it is."""

    ID_FIELD = "game_id"

    game_id: str = Field(min_length=1)
    """``<task folder>/<trial folder>``, the ``task_id`` an env and a run use for the game."""
    split: str = Field(min_length=1)
    """``train``, ``valid_seen`` (same floor plans as train) or ``valid_unseen`` (held-out plans)."""
    task_type: str = Field(min_length=1)
    """One of the six ALFWorld task types."""
    task: str
    """The task line the agent reads (without "Your task is to: ")."""
    path: str = Field(min_length=1)
    """Path of ``game.tw-pddl`` relative to the game set's root (``<split>/<game_id>/game.tw-pddl``)."""
    sha256: str = Field(min_length=64, max_length=64)
    """SHA-256 of the ``game.tw-pddl`` bytes: a run names exactly what it played."""
    floor_plan: str = Field(min_length=1)
    """AI2-THOR floor plan of the scene (``FloorPlan323``)."""
    scene_type: str
    """Kitchen, LivingRoom, Bedroom or Bathroom."""
    seed: int
    """Seed of the generation run."""
    index: int = Field(ge=0)
    """Position of the game in its split's generation order."""
    attempt: int = Field(ge=0)
    """Scene draws rejected before this one (the planner could not win them)."""
    grammar: str
    """Grammar/data version: ``2.1.1`` (``put X in/on Y``) or ``2.1.2`` (``move X to Y``)."""
    generator_version: str
    """Version of the hdbench generator that wrote the game."""
    alfworld_version: str
    """Version of the ``alfworld`` wheel whose layouts, domain and grammar were used."""
    object_target: str
    """Object type the goal names (``AlarmClock``)."""
    parent_target: str = ""
    """Receptacle type the goal names, if any."""
    toggle_target: str = ""
    """Lamp type of look_at_obj_in_light goals, if any."""
    num_receptacles: int = Field(ge=0)
    """Receptacles in the scene."""
    num_objects: int = Field(ge=0)
    """Object instances in the scene (pickable objects, lamps and scenery)."""
    num_pickable: int = Field(ge=0)
    """Object instances the agent can pick up."""
    num_goal_objects: int = Field(ge=0)
    """Instances of the goal's object type (the ones needed plus distractors)."""
    expert_plan: list[str]
    """The planner's commands, which win the game through the engine."""
    expert_plan_length: int = Field(ge=1)
    """Number of commands in ``expert_plan``."""
