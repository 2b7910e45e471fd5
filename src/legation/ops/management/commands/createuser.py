from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from legation.core import access
from legation.core.access import ROLES
from legation.core.management.base import LegationCommand
from legation.core.models import Mission, Profile, Sensitivity

LEVELS = {label: value for value, label in Sensitivity.choices}


def create_user(
    username: str,
    *,
    role: str,
    password: str,
    missions: list[Any],
    clearance: int,
    email: str = "",
) -> Any:
    """Create a login with a role, missions and a clearance, in one transaction."""
    User = get_user_model()
    if role not in ROLES:
        raise ValidationError({"role": f"Unknown role {role!r}: use one of {', '.join(ROLES)}."})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"A user named {username!r} exists already."})
    user = User(username=username, email=email, is_staff=True)
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        Profile.objects.create(user=user, clearance=clearance)
        for mission in missions:
            mission.members.add(user)
    return user


class Command(LegationCommand):
    help = "Create a login with a role, missions and a clearance level."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument(
            "--mission", action="append", default=[], help="mission ref (repeat for several)"
        )
        parser.add_argument("--clearance", default="internal", choices=list(LEVELS))
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def run(self, actor: Any, **options: Any) -> None:
        missions = []
        for ref in options["mission"]:
            mission = Mission.objects.filter(ref=ref).first()
            if mission is None:
                raise CommandError(f"--mission: no mission with ref {ref!r}.")
            missions.append(mission)
        generated = not options["password_stdin"]
        password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
        try:
            user = create_user(
                options["username"],
                role=options["role"],
                password=password,
                missions=missions,
                clearance=LEVELS[options["clearance"]],
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        # The role may cap the clearance asked for (a reader sees at most "internal"): say so.
        effective = access.clearance(user)
        shown = str(Sensitivity(effective).label) if effective >= 0 else "none"
        if effective < LEVELS[options["clearance"]]:
            shown += f" (capped by the {options['role']} role; {options['clearance']} was asked)"
        self.stdout.write(
            f"Created {options['username']} ({options['role']}, clearance "
            f"{shown}, missions: {', '.join(options['mission']) or 'none'})."
        )
        if generated:
            self.stdout.write(f"Password: {password}")
