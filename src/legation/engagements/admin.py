from __future__ import annotations

from django.contrib import admin

from legation.core.admin import VisibleAdmin
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Mission,
    Posting,
)
from legation.people.admin import MissionTagsAdmin


@admin.register(Mission)
class MissionAdmin(VisibleAdmin):
    list_display = ("ref", "name_en", "name_zh", "host_country")
    filter_horizontal = ("members",)


@admin.register(Posting)
class PostingAdmin(VisibleAdmin):
    list_display = ("__str__", "role", "title", "arrival", "departure")
    list_filter = ("role", "mission")
    list_select_related = ("person", "mission")


class ParticipantInline(admin.TabularInline):
    model = EngagementParticipant
    extra = 0
    raw_id_fields = ["person"]


class StaffInline(admin.TabularInline):
    model = EngagementStaff
    extra = 0


class OrganisationInline(admin.TabularInline):
    model = EngagementOrganisation
    extra = 0
    raw_id_fields = ["organisation"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0
    raw_id_fields = ["requested_by"]


@admin.register(Engagement)
class EngagementAdmin(MissionTagsAdmin):
    list_display = ("start", "kind", "subject", "region", "sensitivity")
    list_filter = ("kind", "sensitivity", "region")
    search_fields = ("subject", "ref")
    date_hierarchy = "start"
    inlines = [ParticipantInline, StaffInline, OrganisationInline, CommitmentInline]
    list_select_related = ("region",)
    show_full_result_count = False


@admin.register(Commitment)
class CommitmentAdmin(VisibleAdmin):
    list_display = ("__str__", "status", "due", "owner")
    list_filter = ("status",)
    raw_id_fields = ["engagement", "requested_by"]
    list_select_related = ("owner__person", "owner__mission")


@admin.register(Fact)
class FactAdmin(VisibleAdmin):
    list_display = ("key", "label_en", "date", "value", "unit")
    search_fields = ("key", "label_en", "label_zh")
