from __future__ import annotations

from typing import Any

from django.contrib import admin

from legation.core.admin import VisibleAdmin
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


class MissionTagsAdmin(VisibleAdmin):
    """Offers only the tags of the user's missions (tags belong to a mission)."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "tags":
            kwargs["queryset"] = Tag.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EmailInline(admin.TabularInline):
    model = EmailAddress
    extra = 0


class PhoneInline(admin.TabularInline):
    model = PhoneNumber
    extra = 0


class AddressInline(admin.StackedInline):
    model = PostalAddress
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]


class NoteInline(admin.StackedInline):
    model = PersonNote
    extra = 0

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Person)
class PersonAdmin(MissionTagsAdmin):
    list_display = ("__str__", "name_zh", "pinyin", "title", "office", "sector", "region")
    list_filter = ("sector", "region", "mission")
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
    search_fields = ("name",)


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
