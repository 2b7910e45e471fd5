"""The page that asks which mission is meant, when `core.access.mission_for` cannot tell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legation.core import access
from legation.core.access import MissionRequired


def asked_mission(request: HttpRequest) -> str:
    """The mission a page or form names (``mission`` in the form, else in the address)."""
    return request.POST.get("mission") or request.GET.get("mission") or ""


def form_mission(user: Any, mission: Any) -> dict[str, Any]:
    """A form's context naming the mission it writes into, shown when the user has several."""
    return {"form_mission": mission, "several_missions": len(access.mission_ids(user)) > 1}


def choose_mission(request: HttpRequest, refusal: MissionRequired) -> HttpResponse:
    """The user's missions as links back to the same page with ``?mission=<id>``; a form sent
    without a mission the user belongs to is refused with 400 (nothing was saved)."""
    query = request.GET.copy()
    links = []
    for mission in refusal.missions:
        query["mission"] = str(mission.pk)
        links.append((mission, f"{request.path}?{query.urlencode()}"))
    return render(
        request,
        "ui/choose_mission.html",
        {"message": refusal.message, "links": links},
        status=400 if request.method == "POST" else 200,
    )
