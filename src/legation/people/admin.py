from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from legation.core.admin import VisibleAdmin
from legation.core.admin_access import VisibleStackedInline, VisibleTabularInline, rows_rule
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Organisation,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Relationship,
    Tag,
)


@rows_rule(Tag)
def visible_tags(user: Any, *, editable: bool = False) -> models.QuerySet:
    """Tags of the user's missions: those on records they can see, and unused ones; they may
    change or delete only tags none of whose uses is hidden from them (`TagQuerySet.in_sight_of`)."""
    return Tag.objects.in_sight_of(user, editable=editable)


class MissionTagsAdmin(VisibleAdmin):
    """Offers only the tags of the user's missions (tags belong to a mission)."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "tags":
            kwargs["queryset"] = Tag.objects.in_sight_of(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EmailInline(VisibleTabularInline):
    model = EmailAddress
    extra = 0


class PhoneInline(VisibleTabularInline):
    model = PhoneNumber
    extra = 0


class AddressInline(VisibleStackedInline):
    model = PostalAddress
    extra = 0


class AffiliationInline(VisibleTabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]


class NoteInline(VisibleStackedInline):
    model = PersonNote
    extra = 0


@admin.register(Person)
class PersonAdmin(MissionTagsAdmin):
    list_display = (
        "__str__", "name_zh", "pinyin", "title", "office", "former", "sector", "region",
    )  # fmt: skip
    list_filter = ("sector", "region", "mission", "former")
    search_fields = ("search_keys", "ref")
    readonly_fields = ("pinyin",)
    inlines = [EmailInline, PhoneInline, AddressInline, AffiliationInline, NoteInline]
    list_select_related = ("sector", "region")

    def save_model(self, request: Any, obj: Person, form: Any, change: bool) -> None:
        obj.refresh_derived()
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(MissionTagsAdmin):
    list_display = ("name_en", "name_zh", "sector", "region")
    list_filter = ("sector", "region")
    search_fields = ("name_en", "name_zh", "ref")
    list_select_related = ("sector", "region")


@admin.register(PersonNote)
class PersonNoteAdmin(VisibleAdmin):
    list_display = ("person", "sensitivity", "created", "__str__")
    list_filter = ("sensitivity",)


@admin.register(Relationship)
class RelationshipAdmin(VisibleAdmin):
    list_display = ("from_person", "kind", "to_person")
    raw_id_fields = ["from_person", "to_person"]


@admin.register(Tag)
class TagAdmin(VisibleAdmin):
    """Tags are shared by every mission: listed when on a record the user can see (or unused),
    changed or deleted only when none of their uses is hidden from the user."""

    search_fields = ("name",)

    def _all_uses_visible(self, request: Any, obj: Any) -> bool:
        return obj is None or visible_tags(request.user, editable=True).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._all_uses_visible(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._all_uses_visible(request, obj)


@admin.register(Affiliation)
class AffiliationAdmin(VisibleAdmin):
    list_display = ("person", "organisation", "role", "start", "end")
    raw_id_fields = ["person", "organisation"]


@admin.register(EmailAddress)
class EmailAddressAdmin(VisibleAdmin):
    list_display = ("email", "person", "primary")
    search_fields = ("email",)
    raw_id_fields = ["person"]


@admin.register(PhoneNumber)
class PhoneNumberAdmin(VisibleAdmin):
    list_display = ("number", "person", "label")
    raw_id_fields = ["person"]


@admin.register(PostalAddress)
class PostalAddressAdmin(VisibleAdmin):
    list_display = ("__str__", "person", "region")
    raw_id_fields = ["person"]
