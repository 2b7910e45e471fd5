"""The import page's form: what to import, the file, its mapping, where to, and the options."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from legation.core import access
from legation.core.models import Mission
from legation.engagements.models import Kind, Posting
from legation.intake.importers import TABULAR_KINDS
from legation.intake.readers import ENCODINGS
from legation.ui.forms import DateInput

#: each kind the page offers, its label, and the permission to add what it creates
KINDS: dict[str, tuple[Any, str]] = {
    "people": (_("People (CSV or XLSX)"), "people.add_person"),
    "organisations": (_("Organisations (CSV or XLSX)"), "people.add_organisation"),
    "engagements": (_("Engagements (CSV or XLSX)"), "engagements.add_engagement"),
    "commitments": (_("Commitments (CSV or XLSX)"), "engagements.add_commitment"),
    "facts": (_("Facts (CSV or XLSX)"), "engagements.add_fact"),
    "postings": (_("Postings of our staff (CSV or XLSX)"), "engagements.add_posting"),
    "missions": (_("Missions (CSV or XLSX)"), "core.add_mission"),
    "vcard": (_("Contacts (vCard .vcf)"), "people.add_person"),
    "ics": (_("Calendar (.ics)"), "engagements.add_engagement"),
    "mail": (_("Mail (.eml or .mbox)"), "engagements.add_engagement"),
}
SOURCE_OPTIONS = ("posting", "date_from", "until", "engagement_kind", "ours", "letters")


def importable_kinds(user: Any) -> list[str]:
    """The kinds this user may import: those whose records their role may add."""
    return [kind for kind, (_label, perm) in KINDS.items() if access.has_perm(user, perm)]


def require_import(user: Any, kind: str | None = None) -> None:
    """403 unless the user may import something (this kind, when one is named)."""
    if kind is None:
        if not importable_kinds(user):
            raise PermissionDenied("Your role does not allow importing.")
        return
    if kind not in KINDS:
        raise PermissionDenied(f"Unknown import kind {kind!r}.")
    access.require(user, KINDS[kind][1])


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (any delimiter and encoding) or XLSX (the first sheet); a vCard, calendar, "
            ".eml or .mbox file for those kinds."
        ),
    )
    mapping = forms.FileField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_(
            "A TOML or JSON file that turns the file's own columns into the import's, as the "
            "command's --mapping (CSV and XLSX only)."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        required=False,
        choices=[("", _("Detect it"))] + [(code, label) for code, label in ENCODINGS],
        help_text=_(
            "CSV, vCard and calendar files: the file's character encoding. Detected by default; "
            "when it cannot be told for certain, the file is refused and you are asked to "
            "choose it here."
        ),
    )
    mission = forms.ModelChoiceField(
        label=_("Mission"), queryset=Mission.objects.none(), required=False
    )
    skip_rejected = forms.BooleanField(
        label=_("Skip rejected rows"),
        required=False,
        help_text=_(
            "Import the other rows even if some are rejected. Otherwise nothing is written "
            "while any row is rejected."
        ),
    )
    posting = forms.ModelChoiceField(
        label=_("Our staff member taking part"),
        queryset=Posting.objects.none(),
        required=False,
        help_text=_("Calendar and mail: added to every engagement."),
    )
    date_from = forms.DateField(
        label=_("Repeating events from"),
        required=False,
        widget=DateInput,
        help_text=_("Calendar: default the earliest event."),
    )
    until = forms.DateField(
        label=_("Repeating events until"),
        required=False,
        widget=DateInput,
        help_text=_("Calendar: default a year from today."),
    )
    engagement_kind = forms.ChoiceField(
        label=_("Kind of engagement"), choices=Kind.choices, initial=Kind.MEETING, required=False
    )
    ours = forms.CharField(
        label=_("Our addresses"),
        required=False,
        max_length=2000,
        help_text=_(
            "Mail: addresses or @domains of the mission, separated by spaces or commas; a "
            "message from one of them is outgoing."
        ),
    )
    letters = forms.BooleanField(
        label=_("Record messages as letters"),
        required=False,
        help_text=_("Mail: letters sent and received rather than email."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(k, KINDS[k][0]) for k in importable_kinds(user)]
        missions = Mission.objects.visible_to(user).order_by("name_en")
        self.fields["mission"].queryset = missions
        only = list(missions[:2])
        if len(only) == 1:
            self.fields["mission"].initial = only[0].pk
        self.fields["posting"].queryset = (
            Posting.objects.visible_to(user).select_related("person").order_by("-arrival")
        )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in SOURCE_OPTIONS]

    def source_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SOURCE_OPTIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        if kind != "missions" and not data.get("mission"):
            if not self.fields["mission"].queryset.exists():
                self.add_error(None, _("You are not a member of any mission."))
            else:
                self.add_error("mission", _("Choose the mission to import into."))
        if data.get("mapping") and kind not in TABULAR_KINDS:
            self.add_error("mapping", _("A mapping applies to CSV and XLSX imports only."))
        posting, mission = data.get("posting"), data.get("mission")
        if posting is not None and mission is not None and posting.mission_id != mission.pk:
            self.add_error("posting", _("This posting is not at the chosen mission."))
        if data.get("date_from") and data.get("until") and data["until"] < data["date_from"]:
            self.add_error("until", _("The end comes before the start."))
        return data

    def options(self) -> dict[str, Any]:
        """The source options the import takes for this kind, as JSON-safe values."""
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        out: dict[str, Any] = {}
        if kind in ("ics", "mail") and data.get("posting") is not None:
            out["posting"] = str(data["posting"].pk)
        if kind == "ics":
            for name in ("date_from", "until"):
                if data.get(name):
                    out[name] = data[name].isoformat()
            out["engagement_kind"] = data.get("engagement_kind") or Kind.MEETING
        if kind == "mail":
            ours = [a for a in data.get("ours", "").replace(",", " ").split() if a]
            if ours:
                out["ours"] = ours
            if data.get("letters"):
                out["letters"] = True
        return out
