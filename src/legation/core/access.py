"""Who may see and change what, decided in one place.

Reads: every domain queryset has `visible_to(user)`, built on `mission_ids(user)` and
`clearance(user)` below. A record outside the user's missions or above their clearance is absent:
not in lists, counts, search, figures or exports.

Writes: services call `require(user, perm)` (a Django permission granted through the role groups)
and look the target up through `visible_to(user)`, so a record the user cannot see cannot be changed.

Roles are Django groups (see ROLES); a user's effective clearance is their own clearance capped by
the most permissive of their roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from legation.core.choices import Sensitivity

__all__ = [
    "ROLES",
    "SYSTEM",
    "MissionRequired",
    "Sensitivity",
    "clearance",
    "mission_for",
    "mission_ids",
    "require",
]


class _System:
    """The actor of trusted maintenance commands run by the operator of the installation."""

    is_superuser = True
    is_authenticated = False
    is_active = True
    pk = None

    def get_username(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "<system>"


SYSTEM: Any = _System()

_DOMAIN = {
    "people": [
        "person",
        "organisation",
        "affiliation",
        "relationship",
        "personnote",
        "emailaddress",
        "phonenumber",
        "postaladdress",
        "tag",
    ],
    "engagements": [
        "engagement",
        "engagementparticipant",
        "engagementstaff",
        "engagementorganisation",
        "commitment",
        "fact",
    ],
}
_ALL = ("add", "change", "delete", "view")


def _perms(actions: tuple[str, ...], models: dict[str, list[str]]) -> list[str]:
    return [f"{app}.{a}_{m}" for app, ms in models.items() for m in ms for a in actions]


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    clearance_cap: int
    permissions: tuple[str, ...]
    full_clearance: bool = (
        False  # the role sees everything in its missions, whatever the profile says
    )


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role(
            "administrator",
            "Administrator: users, settings and vocabularies",
            Sensitivity.INTERNAL,
            tuple(
                _perms(
                    _ALL,
                    {
                        "auth": ["user", "group"],
                        "core": ["sector", "region", "profile", "mission"],
                        "engagements": ["posting"],
                    },
                )
                + _perms(("view",), _DOMAIN)
            ),
        ),
        Role(
            "head_of_mission",
            "Head of mission: everything in their missions",
            Sensitivity.RESTRICTED,
            tuple(
                _perms(_ALL, _DOMAIN)
                + _perms(_ALL, {"engagements": ["posting"]})
                + _perms(("view", "change"), {"core": ["mission"]})
            ),
            full_clearance=True,
        ),
        Role(
            "officer",
            "Officer: creates and edits people, engagements, commitments; letters",
            Sensitivity.RESTRICTED,
            tuple(
                _perms(_ALL, _DOMAIN)
                + _perms(("view",), {"core": ["mission"], "engagements": ["posting"]})
            ),
        ),
        Role(
            "assistant",
            "Assistant: creates and edits, no restricted content",
            Sensitivity.INTERNAL,
            tuple(
                _perms(("add", "change", "view"), _DOMAIN)
                + _perms(("view",), {"core": ["mission"], "engagements": ["posting"]})
            ),
        ),
        Role(
            "reader",
            "Reader: read only, no restricted content",
            Sensitivity.INTERNAL,
            tuple(
                _perms(("view",), _DOMAIN)
                + _perms(("view",), {"core": ["mission"], "engagements": ["posting"]})
            ),
        ),
    ]
}


def sync_roles() -> None:
    """Create or update the role groups with their permissions (run by `legation init`)."""
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.code)
        wanted = []
        for perm in role.permissions:
            app, codename = perm.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app, codename=codename))
        group.permissions.set(wanted)


def roles_of(user: Any) -> list[Role]:
    if user is None or user is SYSTEM or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_legation_roles", None)
    if cached is None:
        cached = [
            ROLES[name] for name in user.groups.values_list("name", flat=True) if name in ROLES
        ]
        user._legation_roles = cached
    return cached


def clearance(user: Any) -> int:
    """The most sensitive level the user may see (-1: nothing)."""
    if user is SYSTEM or (getattr(user, "is_superuser", False) and user.is_active):
        return Sensitivity.RESTRICTED
    roles = roles_of(user)
    if not roles or not user.is_active:
        return -1
    if any(r.full_clearance for r in roles):
        return Sensitivity.RESTRICTED
    own = getattr(getattr(user, "legation_profile", None), "clearance", Sensitivity.PUBLIC)
    return min(own, max(r.clearance_cap for r in roles))


def sees_all_missions(user: Any) -> bool:
    return user is SYSTEM or bool(getattr(user, "is_superuser", False) and user.is_active)


def mission_ids(user: Any) -> set[int]:
    """The missions whose records the user may see (all of them for the superuser)."""
    if user is None or not (user is SYSTEM or getattr(user, "is_authenticated", False)):
        return set()
    cached = getattr(user, "_legation_missions", None)
    if cached is None:
        # Looked up by name: the models import this module (through their querysets).
        Mission = apps.get_model("core", "Mission")
        if sees_all_missions(user):
            cached = set(Mission.objects.values_list("pk", flat=True))
        else:
            cached = set(user.legation_missions.values_list("pk", flat=True))
        if user is not SYSTEM:
            user._legation_missions = cached
    return cached


class MissionRequired(Exception):
    """Which mission is meant cannot be told: the user belongs to several and named none, or
    named one that is not theirs. `missions` are the user's, to choose from (a page offers them,
    a command asks for --mission)."""

    def __init__(self, message: str, missions: list[Any]) -> None:
        super().__init__(message)
        self.message = message
        self.missions = missions


def mission_for(user: Any, requested: Any = None) -> Any:
    """The one mission an action of `user` is meant for, decided in one place.

    `requested` (a Mission, its id or its ref; empty means none) is taken when the user belongs
    to it; without it, the user's only mission. Never a guess: a user of several missions who
    named none, or who named one not theirs, gets MissionRequired (with their missions to choose
    from); a user of no mission, PermissionDenied."""
    from legation.core.models import Mission

    missions = Mission.objects.filter(pk__in=mission_ids(user)).order_by("ref")
    requested = getattr(requested, "pk", requested)
    if isinstance(requested, str):
        requested = requested.strip()
    if requested not in (None, ""):
        key = str(requested)
        found = missions.filter(pk=int(key)) if key.isdigit() else missions.filter(ref=key)
        mission = found.first()
        if mission is not None:
            return mission
        choices = list(missions)
        if not choices:
            raise PermissionDenied(gettext("You are not a member of any mission."))
        raise MissionRequired(
            gettext("You are not a member of the mission %(mission)s: choose one of yours.")
            % {"mission": key},
            choices,
        )
    choices = list(missions[:2])
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise PermissionDenied(gettext("You are not a member of any mission."))
    raise MissionRequired(
        gettext("You belong to several missions: choose the one this is for."), list(missions)
    )


def forget(user: Any) -> None:
    """Drop cached access facts after the user's roles or missions change."""
    for attr in (
        "_legation_roles",
        "_legation_missions",
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def has_perm(user: Any, perm: str) -> bool:
    if user is SYSTEM:
        return True
    return bool(user is not None and user.is_authenticated and user.has_perm(perm))


def require(user: Any, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied(
            gettext("Your role does not allow this (%(perm)s).") % {"perm": perm}
        )
