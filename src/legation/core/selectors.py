"""Lookups of core's own records for commands and imports: the mission a key names."""

from __future__ import annotations

from typing import Any

from legation.core.models import Mission
from legation.core.refs import by_key


def find_mission(value: str, user: Any) -> Mission:
    """The mission an id or ref names among those the user may see (`refs.NotFound` if none)."""
    return by_key(Mission.objects.visible_to(user), value, "mission")
