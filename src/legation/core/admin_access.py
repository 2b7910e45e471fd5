"""The admin's access rule, shared by every ModelAdmin and inline of the project.

Everything the admin shows or accepts goes through `visible_rows(model, user)`: the model's own
`visible_to(user)` (missions and clearance) where it has one, the user's colleagues for logins,
for models registered with `rows_rule` (tags) the rule their app gives, and for the remaining
models (rows of engagements' participants, staff and organisations, profiles) the visibility of
the records they point at. `AdminAccessMixin` applies it to:

- lists, change pages, history and the autocomplete (`get_queryset`, `get_search_results`);
- every foreign key and many-to-many choice, raw-id field and autocomplete field of a form: a
  hidden id reads as an ordinary "select a valid choice" error, and its name is never rendered;
- list filters over relations (only visible rows are offered);
- inline formsets: hidden rows are neither listed, nor editable or deletable by a forged POST;
- delete confirmation pages, which do not list hidden dependants;
- the checks the services make on every write: nothing above the user's clearance, nothing
  linked across missions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote, unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from legation.core import access
from legation.core.models import Mission, Sensitivity

# Links from these fields name the record's mission: every other link must stay inside it.
_OWNER_FIELDS = ("mission", "engagement", "person", "from_person", "job")


def _members_of(mission_ids: Any) -> models.QuerySet:
    return Mission.members.through.objects.filter(mission_id__in=mission_ids).values("user_id")


def visible_users(user: Any) -> models.QuerySet:
    """Logins the user may see: the members of the user's missions (every login for a superuser)."""
    users = get_user_model()._default_manager.all()
    if access.sees_all_missions(user):
        return users
    if access.clearance(user) < 0:
        return users.none()
    return users.filter(pk__in=_members_of(access.mission_ids(user)))


def manageable_users(user: Any) -> models.QuerySet:
    """Logins the user may change or delete: not superusers, and members of the user's missions
    only (a login shared with a mission the user does not manage is not theirs to change)."""
    users = visible_users(user)
    if access.sees_all_missions(user):
        return users
    elsewhere = Mission.members.through.objects.exclude(
        mission_id__in=access.mission_ids(user)
    ).values("user_id")
    users = users.filter(is_superuser=False).exclude(pk__in=elsewhere)
    for above in _peers_or_above(user):
        users = users.exclude(pk__in=above)
    return users


def _peers_or_above(user: Any) -> list[models.QuerySet]:
    """Logins that an administrator could take over to see more than they do: other
    administrators, and logins whose effective clearance (``access.clearance``) is above theirs.
    Changing such a login's password, roles or status is refused like a login of another
    mission."""
    level = access.clearance(user)
    links = get_user_model().groups.through.objects
    full = [r.code for r in access.ROLES.values() if r.full_clearance]
    above = [r.code for r in access.ROLES.values() if r.clearance_cap > level]
    peers = links.filter(group__name="administrator").exclude(user_id=user.pk)
    fully_cleared = links.filter(group__name__in=full if level < Sensitivity.RESTRICTED else [])
    cleared_above = links.filter(group__name__in=above, user__legation_profile__clearance__gt=level)
    return [q.values("user_id") for q in (peers, fully_cleared, cleared_above)]


_RULES: dict[type[models.Model], Callable[[Any], models.QuerySet]] = {}


def rows_rule(model: type[models.Model]) -> Callable[[Callable], Callable]:
    """Register the admin's rule for a model whose visible rows are not its queryset's
    `visible_to(user)` (people's tags: those on records the user sees). The app that owns the
    model registers it from its admin module."""

    def register(rule: Callable[[Any], models.QuerySet]) -> Callable[[Any], models.QuerySet]:
        _RULES[model] = rule
        return rule

    return register


def visible_rows(model: type[models.Model], user: Any) -> models.QuerySet | None:
    """The rows of `model` the user may see or pick in the admin; None for vocabularies that
    everyone with access shares (sectors, regions, role groups)."""
    return _rule(model, user, depth=0)


def _rule(model: type[models.Model], user: Any, depth: int) -> models.QuerySet | None:
    qs = model._default_manager.all()
    if model in _RULES:
        return _RULES[model](user)
    if hasattr(qs, "visible_to"):
        return qs.visible_to(user)
    if model is get_user_model():
        return visible_users(user)
    if model is Group:
        return None
    if access.sees_all_missions(user):
        return qs
    if access.clearance(user) < 0:
        return qs.none()
    # A row without an owner of its own (a participant of an engagement, a profile) is visible
    # when every record it points at is.
    ruled = False
    if depth < 2:
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model in (None, model):
                continue
            rows = _rule(field.related_model, user, depth + 1)
            if rows is None:
                continue
            ruled = True
            linked = models.Q(**{f"{field.attname}__in": rows.values("pk")})
            if field.null:
                linked |= models.Q(**{f"{field.attname}__isnull": True})
            qs = qs.filter(linked)
    return qs if ruled else None


def scope(qs: models.QuerySet, user: Any) -> models.QuerySet:
    rows = visible_rows(qs.model, user)
    if rows is None:
        return qs
    if hasattr(qs, "visible_to") and qs.model not in _RULES:
        return qs.visible_to(user)
    return qs.filter(pk__in=rows.values("pk"))


def is_visible(obj: models.Model, user: Any) -> bool:
    rows = visible_rows(type(obj), user)
    return rows is None or rows.filter(pk=obj.pk).exists()


class VisibleRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id field that names only a record the user may see (never a forged hidden id)."""

    def __init__(self, rel: Any, admin_site: Any, rows: models.QuerySet, **kwargs: Any) -> None:
        super().__init__(rel, admin_site, **kwargs)
        self.rows = rows

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        key = self.rel.get_related_field().name
        try:
            obj = self.rows.get(**{key: value})
        except (ValueError, TypeError, ValidationError, self.rel.model.DoesNotExist):
            return "", ""
        opts = obj._meta
        try:
            url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(obj.pk,)
            )
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class VisibleRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter over a relation that offers only the rows the user may see."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[Any]:
        rows = visible_rows(field.related_model, request.user)
        if rows is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        target = field.target_field.attname if hasattr(field, "target_field") else "pk"
        return [(getattr(obj, target), str(obj)) for obj in rows]


def _record_mission(form: forms.ModelForm) -> int | None:
    """The mission the form's record belongs to: its own, or its parent's."""
    data = getattr(form, "cleaned_data", {}) or {}
    for name in _OWNER_FIELDS:
        try:
            field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.is_relation or not getattr(field, "concrete", False):
            continue
        value = data[name] if name in data else getattr(form.instance, name, None)
        if value is None:
            continue
        if name == "mission":
            return value.pk
        mission_id = getattr(value, "mission_id", None)
        if mission_id is None and hasattr(value, "engagement"):
            mission_id = value.engagement.mission_id
        if mission_id is not None:
            return mission_id
    return None


class AccessFormMixin:
    """The checks the services make, for admin forms: clearance and links within one mission."""

    legation_user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        user = self.legation_user
        if user is None:
            return data
        level = data.get("sensitivity")
        if (
            "sensitivity" in self.fields
            and isinstance(level, int)
            and level > access.clearance(user)
        ):
            self.add_error("sensitivity", _("You cannot record anything above your own clearance."))
        if self._meta.model is get_user_model() or access.sees_all_missions(user):
            return data
        mission_id = _record_mission(self)
        if mission_id is None:
            return data
        for name, value in list(data.items()):
            if name in ("mission", "id") or value is None:
                continue
            values = list(value) if isinstance(value, (models.QuerySet, list, tuple)) else [value]
            for item in values:
                owner = (
                    getattr(item, "mission_id", None) if isinstance(item, models.Model) else None
                )
                if owner is not None and owner != mission_id and name in self.fields:
                    self.add_error(name, _("This record belongs to another mission."))
                    break
        return data


def with_checks(form_class: type, user: Any) -> type:
    return type(form_class.__name__, (AccessFormMixin, form_class), {"legation_user": user})


class AccessInlineFormSet(BaseInlineFormSet):
    """An inline formset whose rows are only those the user may see: a forged id of a hidden row
    (to change or delete it) is refused like any unknown choice."""

    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        pk_field = form.fields.get(self._pk_field.name)
        if isinstance(pk_field, forms.ModelChoiceField):
            pk_field.queryset = self.get_queryset()

    def _should_delete_form(self, form: Any) -> bool:
        """A row marked for deletion is not validated by Django; one whose id names no row the
        user may see is validated all the same, so the forged id is refused with an error instead
        of the page answering "saved" having done nothing."""
        if not super()._should_delete_form(form):
            return False
        raw = form.data.get(form.add_prefix(self._pk_field.name))
        return not (raw and form.instance.pk is None)


class AdminAccessMixin:
    """Applies `visible_rows` to everything a ModelAdmin or an inline shows or accepts."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return scope(super().get_queryset(request), request.user)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return scope(queryset, request.user), may_have_duplicates

    def _limited(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> Any:
        rows = visible_rows(db_field.related_model, request.user)
        if rows is None:
            return None
        if "queryset" in kwargs:
            kwargs["queryset"] = scope(kwargs["queryset"], request.user)
        else:
            try:
                related_admin = self.admin_site.get_model_admin(db_field.related_model)
            except admin.sites.NotRegistered:
                related_admin = None
            if related_admin is not None:
                ordering = related_admin.get_ordering(request)
                if ordering:
                    rows = rows.order_by(*ordering)
                # The choices' names read the same related rows as the admin's own list.
                joined = related_admin.list_select_related
                if isinstance(joined, (list, tuple)) and joined:
                    rows = rows.select_related(*joined)
            kwargs["queryset"] = rows
        return rows

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        rows = self._limited(db_field, request, kwargs)
        raw_id = db_field.name in self.raw_id_fields and db_field.name not in (
            self.get_autocomplete_fields(request)
        )
        if rows is not None and raw_id and "widget" not in kwargs:
            kwargs["widget"] = VisibleRawIdWidget(
                db_field.remote_field, self.admin_site, rows, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._limited(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> Any:
        out = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                field = get_fields_from_path(self.model, item)[-1]
                if getattr(field, "remote_field", None) is not None and not field.auto_created:
                    item = (item, VisibleRelatedFieldListFilter)
            out.append(item)
        return out

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        return deleted_objects(objs, request, self.admin_site)

    def _require_history_access(self, request: HttpRequest, object_id: str) -> None:
        """The history of a record the user cannot see is 'not found', like the record."""
        from legation.core.audit import history_visible

        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError):  # "3/change": no such record, not an error
            raise Http404 from None
        if self.model in _RULES and self.model._default_manager.filter(pk=pk).exists():
            # A live row with a rule of its own (a tag: only when on a record the user sees)
            if visible_rows(self.model, request.user).filter(pk=pk).exists():
                return
            raise Http404
        if hasattr(self.model._default_manager.all(), "visible_to"):
            if history_visible(self.model, pk, request.user):
                return
        elif self.get_queryset(request).filter(pk=pk).exists() or access.sees_all_missions(
            request.user
        ):
            return
        raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self._require_history_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        self._require_history_access(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class AccessModelAdmin(AdminAccessMixin):
    """For ModelAdmins: forms carry the service checks; many-to-many links to rows the user
    cannot see survive a save of the form that could not show them."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any):
        return with_checks(super().get_form(request, obj, change=change, **kw), request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        kept: dict[str, list[Any]] = {}
        if change:
            for name, field in form.fields.items():
                if not isinstance(field, forms.ModelMultipleChoiceField):
                    continue
                manager = getattr(form.instance, name, None)
                if manager is None or not hasattr(manager, "exclude"):
                    continue
                kept[name] = list(manager.exclude(pk__in=field.queryset.values("pk")))
        super().save_related(request, form, formsets, change)
        for name, rows in kept.items():
            if rows:
                getattr(form.instance, name).add(*rows)


class AccessInline(AdminAccessMixin):
    """For inlines: rows filtered by the viewer's missions and clearance, forms checked."""

    formset = AccessInlineFormSet

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("form", with_checks(self.form, request.user))
        return super().get_formset(request, obj, **kwargs)

    def history_view(self, *args: Any, **kwargs: Any) -> Any:  # inlines have no pages
        raise Http404


class VisibleTabularInline(AccessInline, admin.TabularInline):
    pass


class VisibleStackedInline(AccessInline, admin.StackedInline):
    pass


HIDDEN = object()


def deleted_objects(objs: Any, request: HttpRequest, admin_site: Any) -> Any:
    """Django's delete confirmation, listing only what the user may see.

    Dependants the user cannot see are not named, counted or used to ask for permissions; if
    one of them protects the record, the page says only that a record the user cannot see does.
    """
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    user = request.user
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    shown: set[tuple[type, Any]] = set()
    by_model: dict[type, set[Any]] = {}
    everything = [obj for found in collector.model_objs.values() for obj in found]
    for obj in [*everything, *collector.protected]:
        by_model.setdefault(type(obj), set()).add(obj.pk)
    for model, pks in by_model.items():
        rows = visible_rows(model, user)
        ids = list(pks)
        if rows is None:
            shown.update((model, pk) for pk in ids)
            continue
        for i in range(0, len(ids), 500):
            for pk in rows.filter(pk__in=ids[i : i + 500]).values_list("pk", flat=True):
                shown.add((model, pk))
    perms_needed: set[str] = set()

    def fmt(obj: Any) -> Any:
        if (type(obj), obj.pk) not in shown:
            return HIDDEN
        opts = obj._meta
        plain = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(type(obj)):
            return plain
        if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                None,
                (quote(obj.pk),),
            )
        except NoReverseMatch:
            return plain
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    def prune(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        skip = False
        for item in items:
            if isinstance(item, list):
                if not skip:
                    children = prune(item)
                    if children:
                        out.append(children)
                skip = False
                continue
            skip = item is HIDDEN
            if not skip:
                out.append(item)
        return out

    to_delete = prune(collector.nested(fmt))
    protected = [p for p in (fmt(obj) for obj in collector.protected) if p is not HIDDEN]
    if len(protected) < len(collector.protected):
        protected.append(_("A record you cannot see"))
    model_count = {}
    for model, found in collector.model_objs.items():
        count = sum(1 for obj in found if (model, obj.pk) in shown)
        if count:
            model_count[model._meta.verbose_name_plural] = count
    return to_delete, model_count, perms_needed, protected
