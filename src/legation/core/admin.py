"""The Django admin as a stop-gap UI: reads go through visible_to, history is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from legation.core.audit import (
    RestoreError,
    history_row_visible,
    history_visible,
    restore_deleted,
)
from legation.core.models import LoginLock, Operation, Profile, Region, Sector, SecurityEvent


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin with a history list that needs no inline style."""

    object_history_list_template = "admin/legation_history_list.html"


class VisibleAdmin(HistoryAdmin):
    """Admin for a domain model: lists what the user may see, and restores deleted records."""

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model._default_manager
        if hasattr(related.get_queryset(), "visible_to"):
            kwargs["queryset"] = related.get_queryset().visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self) -> list[Any]:
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="{}_{}_deleted".format(*info),
            ),
            path(
                "deleted/<int:pk>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def deleted_rows(self, request: HttpRequest) -> list[Any]:
        live = set(self.model._default_manager.values_list("pk", flat=True))
        rows = self.model.history.filter(history_type="-").order_by("-history_date")[:200]
        return [r for r in rows if r.id not in live and history_row_visible(r, request.user)]

    def _require_history_access(self, request: HttpRequest, object_id: str) -> None:
        """The history of a record the user cannot see is 'not found', like the record."""
        from django.http import Http404

        pk = self.model._meta.pk.to_python(unquote(object_id))
        if not history_visible(self.model, pk, request.user):
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._require_history_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._require_history_access(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def deleted_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Deleted {self.model._meta.verbose_name_plural}",
            "rows": self.deleted_rows(request),
        }
        return TemplateResponse(request, "admin/legation_deleted.html", context)

    def restore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not self.has_delete_permission(request):
            raise PermissionDenied
        if pk not in {row.id for row in self.deleted_rows(request)}:
            raise PermissionDenied
        try:
            obj = restore_deleted(self.model, pk, actor=request.user, source="web")
        except RestoreError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect("../../")
        from legation.core.signals import security_event

        security_event(
            SecurityEvent.Kind.RESTORE,
            user=request.user,
            request=request,
            model=self.model._meta.label,
            pk=pk,
        )
        messages.success(request, f"Restored {obj}.")
        info = self.model._meta.app_label, self.model._meta.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[pk]))


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit and security logs: visible to superusers, never editable or deletable."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Operation)
class OperationAdmin(ReadOnlyAdmin):
    list_display = ("created", "actor_name", "source", "description", "remote_addr")
    list_filter = ("source",)
    search_fields = ("actor_name", "description")


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("created", "kind", "username", "source", "remote_addr")
    list_filter = ("kind", "source")
    search_fields = ("username",)


@admin.register(Sector)
class SectorAdmin(HistoryAdmin):
    list_display = ("code", "label_en", "label_zh", "position")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_zh", "kind", "is_state")
    list_filter = ("country", "kind", "is_state")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(Profile)
class ProfileAdmin(HistoryAdmin):
    list_display = ("user", "clearance", "language")


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins per user name and address: administrators see those of the logins they
    manage (legation.core.lockout.managed_usernames) and lift them, which is recorded."""

    list_display = ("username", "address", "failures", "last_failure", "locked_until")
    search_fields = ("username", "address")
    actions = ["unlock"]

    def get_queryset(self, request: HttpRequest) -> Any:
        from legation.core.lockout import locks_visible_to

        return locks_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        from legation.core.lockout import managed_usernames

        return managed_usernames(request.user) != set()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Unlock the selected logins"), permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        from legation.core.lockout import unlock

        count = 0
        for lock in queryset:
            count += unlock(request.user, lock.username, lock.address, request=request)
        messages.success(
            request,
            ngettext("Unlocked %(count)d login lock.", "Unlocked %(count)d login locks.", count)
            % {"count": count},
        )
