"""`{% load intake_tags %}`: whether to offer the import page to a user."""

from __future__ import annotations

from typing import Any

from django import template

from legation.intake.forms import importable_kinds

register = template.Library()


@register.filter
def can_import(user: Any) -> bool:
    """True if the user's role may add the records of at least one import kind."""
    return bool(getattr(user, "is_authenticated", False) and importable_kinds(user))
