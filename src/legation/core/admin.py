"""The Django admin as a stop-gap UI: every page and form follows the access rule of
`legation.core.admin_access`; the audit log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from legation.core.access import ROLES, clearance, sees_all_missions
from legation.core.admin_access import AccessModelAdmin, manageable_users
from legation.core.audit import (
    RestoreError,
    history_row_visible,
    restore_deleted,
    visible_history,
)
from legation.core.deletion import HiddenDependants, hidden_dependants, hidden_protected
from legation.core.models import (
    LoginLock,
    Mission,
    Operation,
    Profile,
    Region,
    Sector,
    SecurityEvent,
    Sensitivity,
    Versioned,
)
from legation.core.services import check_version


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin with a history list that needs no inline style."""

    object_history_list_template = "admin/legation_history_list.html"


class VisibleAdmin(AccessModelAdmin, HistoryAdmin):
    """Admin for a domain model: lists and accepts what the user may see (see admin_access),
    and restores deleted records."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and isinstance(obj, Versioned):
            check_version(obj, None)  # an admin edit counts: a page opened before it is refused
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for row in formset.forms:
            instance = row.instance
            if isinstance(instance, Versioned) and instance.pk is not None and row.has_changed():
                check_version(instance, None)
        super().save_formset(request, form, formset, change)

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
        return visible_history([r for r in rows if r.id not in live], request.user)

    def get_history_queryset(
        self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any
    ) -> Any:
        """Only the versions the user is cleared for (each judged on its own)."""
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        shown = visible_history(qs, request.user)
        return qs.filter(history_id__in=[row.history_id for row in shown])

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Refuse, without naming them, a delete that would take along hidden records."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        if not objs:
            return deleted, counts, perms_needed, protected
        if protected:
            hidden = hidden_protected(objs, request.user)
        else:
            hidden = hidden_dependants(objs, request.user)
        if hidden:
            return [], {}, set(), [str(HiddenDependants(objs[0], hidden))]
        return deleted, counts, perms_needed, protected

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        from django.http import Http404

        version = self.model.history.filter(history_id=version_id).first()
        if version is None or not history_row_visible(version, request.user):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def deleted_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Deleted %(records)s")
            % {"records": self.model._meta.verbose_name_plural},
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


@admin.register(Mission)
class MissionAdmin(VisibleAdmin):
    list_display = ("ref", "name_en", "name_zh", "kind", "sending_country", "host_country")
    filter_horizontal = ("members",)


@admin.register(Sector)
class SectorAdmin(AccessModelAdmin, HistoryAdmin):
    list_display = ("code", "label_en", "label_zh", "position")


@admin.register(Region)
class RegionAdmin(AccessModelAdmin, admin.ModelAdmin):
    list_display = ("code", "name_en", "name_zh", "kind", "is_state")
    list_filter = ("country", "kind", "is_state")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(Profile)
class ProfileAdmin(AccessModelAdmin, HistoryAdmin):
    """Profiles of the logins the user may see; changed only for logins they manage, and never
    one's own clearance."""

    list_display = ("user", "clearance", "language")

    def _manages(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or sees_all_missions(request.user):
            return True
        return (
            obj.user_id != request.user.pk
            and manageable_users(request.user).filter(pk=obj.user_id).exists()
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._manages(request, obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "clearance" and not sees_all_missions(request.user):
            # Nobody grants more than they have.
            level = clearance(request.user)
            kwargs["choices"] = [(v, label) for v, label in db_field.choices if v <= level]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user" and not sees_all_missions(request.user):
            kwargs["queryset"] = manageable_users(request.user).exclude(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def grantable_roles(user: Any) -> list[str]:
    """The roles a user may give: none that sees more than the user does."""
    own = clearance(user)
    return [
        role.code
        for role in ROLES.values()
        if (Sensitivity.RESTRICTED if role.full_clearance else Sensitivity.PUBLIC) <= own
    ]


User = get_user_model()
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class LoginAdmin(AccessModelAdmin, UserAdmin):
    """Logins: an administrator sees the members of their missions and changes only those who
    belong to no other mission; nobody but a superuser grants superuser status or single
    permissions, nobody grants a role that sees more than they do, and nobody changes their own
    roles or status."""

    def _manages(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or sees_all_missions(request.user):
            return True
        return manageable_users(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.pk == request.user.pk or self._manages(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or (obj.pk != request.user.pk and self._manages(request, obj))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if sees_all_missions(request.user):
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        if obj is not None and obj.pk == request.user.pk:
            hidden |= {"groups", "is_staff", "is_active"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not sees_all_missions(request.user):
            kwargs["queryset"] = Group.objects.filter(name__in=grantable_roles(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and not sees_all_missions(request.user):
            # A login made by a mission's administrator belongs to that administrator's missions
            # (otherwise nobody but a superuser could see it).
            for mission in Mission.objects.visible_to(request.user):
                mission.members.add(obj)


@admin.register(Group)
class RoleAdmin(AccessModelAdmin, GroupAdmin):
    """The roles are shared by every mission and kept by `legation init`: read-only except to
    superusers."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    """Failed logins per user name and address: administrators see those of the logins they
    manage (legation.core.lockout.managed_usernames) and lift them, which is recorded."""

    list_display = ("username", "address", "failures", "last_failure", "locked_until")
    search_fields = ("username", "address")
    actions = ["unlock"]

    def get_queryset(self, request: HttpRequest) -> Any:
        from legation.core.lockout import locks_visible_to

        return locks_visible_to(request.user)

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
