from __future__ import annotations

from typing import Any

from django.contrib import admin

from legation.core.admin import VisibleAdmin
from legation.core.admin_access import VisibleStackedInline, VisibleTabularInline
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Posting,
)
from legation.engagements.services import _close_if_finished
from legation.people.admin import MissionTagsAdmin


@admin.register(Posting)
class PostingAdmin(VisibleAdmin):
    list_display = ("__str__", "role", "title", "arrival", "departure")
    list_filter = ("role", "mission")
    list_select_related = ("person", "mission")


class ParticipantInline(VisibleTabularInline):
    model = EngagementParticipant
    extra = 0
    raw_id_fields = ["person"]


class StaffInline(VisibleTabularInline):
    model = EngagementStaff
    extra = 0


class OrganisationInline(VisibleTabularInline):
    model = EngagementOrganisation
    extra = 0
    raw_id_fields = ["organisation"]


class CommitmentInline(VisibleStackedInline):
    model = Commitment
    extra = 0
    raw_id_fields = ["requested_by"]


@admin.register(Engagement)
class EngagementAdmin(MissionTagsAdmin):
    list_display = ("start", "kind", "subject", "region", "sensitivity")
    list_filter = ("kind", "sensitivity", "region")
    search_fields = ("subject", "ref")
    # No date_hierarchy: its year drill-down runs a date function on every row (18.8 s at
    # 1,000,000 engagements); the engagements page's From/Until filters are index ranges.
    inlines = [ParticipantInline, StaffInline, OrganisationInline, CommitmentInline]
    list_select_related = ("region",)
    show_full_result_count = False

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Commitment:
            for row in formset.forms:
                _close_if_finished(row.instance)  # as commitment_update does
        super().save_formset(request, form, formset, change)


@admin.register(Commitment)
class CommitmentAdmin(VisibleAdmin):
    list_display = ("__str__", "status", "due", "owner")
    list_filter = ("status",)
    raw_id_fields = ["engagement", "requested_by"]
    list_select_related = ("owner__person", "owner__mission")

    def save_model(self, request: Any, obj: Commitment, form: Any, change: bool) -> None:
        _close_if_finished(obj)  # as commitment_create and commitment_update do
        super().save_model(request, obj, form, change)


@admin.register(Fact)
class FactAdmin(VisibleAdmin):
    list_display = ("key", "label_en", "date", "value", "unit")
    search_fields = ("key", "label_en", "label_zh")
