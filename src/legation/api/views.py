"""The API's endpoints (`/api/v1/`): the ledger's records through the same querysets and
services as the pages.

Reading goes through `<Model>.objects.visible_to(user)`: a record the user may not see is "not
found" (404), exactly as on its page, and lists hold only what the user may see. Writing goes
through the app's services: the same checks, the same audit trail (source `api`, the token named
in the operation), the same clearance rules. Every record carries its version: reads send it as
the ETag, updates and deletes must send it back as If-Match (428 without, 412 with an older one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from legation.api import serializers as s
from legation.api.models import ApiToken
from legation.api.pagination import Keyset
from legation.api.problems import (
    CONTENT_TYPE,
    PreconditionFailed,
    PreconditionRequired,
    RestoreRefused,
    problem,
    stale_version,
)
from legation.core import access, dates
from legation.core.audit import RestoreError, history_visible, restore_deleted
from legation.core.models import Mission, Sector, SecurityEvent
from legation.core.refs import NotFound
from legation.core.signals import security_event
from legation.core.vocab import regions_for
from legation.engagements import services as engagement_services
from legation.engagements.filters import CommitmentFilter, EngagementFilter
from legation.engagements.models import Commitment, Engagement, Posting
from legation.engagements.selectors import default_posting, find_posting
from legation.insight import reports
from legation.insight.cache import remembered
from legation.intake.importers import ImportError_, importer_for
from legation.intake.importers import run as run_import
from legation.people import services as people_services
from legation.people.filters import OrganisationFilter, PersonFilter
from legation.people.models import Organisation, Person, PersonNote, PostalAddress, Tag


class UserFilters(DjangoFilterBackend):
    """The pages' own filter sets (`?q=`, `?tag=`, `?since=`…), built for the user (their
    choices are what the user may see). A value refused is a 400 naming it, never the list
    unfiltered."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs.pop("request", None)
        kwargs["user"] = request.user
        return kwargs

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


def refuse_unknown(serializer: Any, data: Any) -> None:
    """A field the request may not set (a typo, or one only shown) is refused, never ignored."""
    if isinstance(data, dict):
        unknown = sorted(set(data) - set(serializer.fields))
        if unknown:
            raise ValidationError({key: [_("This field cannot be set here.")] for key in unknown})


def visible_records(user: Any, model: Any, ids: list[int], field: str) -> list[Any]:
    """The records `ids` names, each one `user` may see, in that order; else a 400 on `field`
    naming those that are not (unknown and invisible alike: nothing tells them apart)."""
    found = {o.pk: o for o in model.objects.visible_to(user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {
                field: [
                    _("No such record among those you may see: %(ids)s.")
                    % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    return [found[i] for i in dict.fromkeys(ids)]


def posting_named(user: Any, value: Any) -> Posting | None:
    """The posting an id, ref or staff email names among those `user` may see, or None
    (`engagements.selectors.find_posting`, the commands' own lookup)."""
    try:
        return find_posting(str(value), user)
    except NotFound:
        return None


def etag(instance: Any) -> str:
    return f'"{instance.version}"'


def expected_version(request: Request) -> int:
    """The version the client last read, from If-Match (`"7"` or `W/"7"`): required."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionRequired(
            _(
                'If-Match must be the ETag of the record as you read it (its version), for example "3".'
            )
        )
    return int(value)


VERSION_HEADER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The record's ETag (its version) as you read it. 412 if it changed since.",
)


class LedgerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A record type of the ledger: list, read, create, change, delete through its services."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [UserFilters]
    pagination_class = Keyset
    #: ?sort= name -> the fields ordered by (never NULL; the id is added last)
    sorts: dict[str, tuple[str, ...]] = {"id": ()}
    default_sort = "id"
    model: Any = None
    write_serializer_class: Any = None
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()

    def get_queryset(self) -> Any:
        qs = self.model.objects.visible_to(self.request.user)
        if self.related:
            qs = qs.select_related(*self.related)
        return qs.prefetch_related(*self.get_prefetch())

    def get_prefetch(self) -> tuple[Any, ...]:
        return self.prefetch

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return self.serializer_class

    def shown(self, pk: Any, status_code: int = 200) -> Response:
        """The record as read back after a write, with its new ETag."""
        instance = self.get_queryset().get(pk=pk)
        data = self.serializer_class(instance, context=self.get_serializer_context()).data
        response = Response(data, status=status_code)
        response["ETag"] = etag(instance)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        tag = etag(instance)
        if request.headers.get("If-None-Match", "").removeprefix("W/") == tag:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(self.get_serializer(instance).data)
        response["ETag"] = tag
        return response

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(request)
        instance = self.service_create(data)
        response = self.shown(instance.pk, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            f"{request.path.rstrip('/')}/{instance.pk}/"
        )
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = expected_version(request)
        instance = self.get_object()
        data = self.validated(request)
        data.pop("mission", None)
        self.service_update(instance, data, version)
        return self.shown(instance.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = expected_version(request)
        instance = self.get_object()
        with transaction.atomic():
            current = self.model._base_manager.select_for_update().filter(pk=instance.pk)
            current_version = current.values_list("version", flat=True).first()
            if current_version != version:
                raise PreconditionFailed(stale_version(version, current_version), current_version)
            self.service_delete(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        summary="Bring back a deleted record",
        description="With everything its deletion took with it (a person's emails, their place "
        "on engagements…), as the record's history page does; refused (409) if it would bring "
        "back a record you are not cleared for.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: Any = None) -> Response:
        user = request.user
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        if not history_visible(self.model, pk, user):
            raise Http404
        access.require(user, f"{self.model._meta.app_label}.delete_{self.model._meta.model_name}")
        try:
            restore_deleted(self.model, pk, actor=user, source="api")
        except RestoreError as exc:
            raise RestoreRefused(str(exc)) from None
        security_event(
            SecurityEvent.Kind.RESTORE, user=user, source="api", model=self.model._meta.label, pk=pk
        )
        return self.shown(pk)

    import_kind = ""
    #: rows a bulk request may carry: what the database's write lock can be held for (people,
    #: with their names, contacts and notes, take ~7 ms a row; engagements ~0.5 ms)
    bulk_limit = 20_000

    def bulk(self, request: Request) -> Response:
        """Many records at once through the importer of their kind: every row checked first,
        then all written in one audited operation, or none; the importer's report."""
        data = s.BulkSerializer(data=request.data)
        refuse_unknown(data, request.data)
        data.is_valid(raise_exception=True)
        data = dict(data.validated_data)
        importer = importer_for(self.import_kind, actor=request.user, mission=self.mission(data))
        importer.audit_source = "api"
        if len(data["rows"]) > self.bulk_limit:
            raise ValidationError(
                {"rows": [_("At most %(n)s rows a request here.") % {"n": f"{self.bulk_limit:,}"}]}
            )
        rows = [
            (n, {k: "" if v is None else str(v) for k, v in row.items()})
            for n, row in enumerate(data["rows"], start=1)
        ]
        header = list(dict.fromkeys(k for _, row in rows for k in row))
        token = request.auth
        try:
            report = run_import(
                importer,
                rows,
                source=f"api (token {token.name} lgn_{token.prefix})"
                if isinstance(token, ApiToken)
                else "api",
                header=header,
                dry_run=data["dry_run"],
            )
        except ImportError_ as exc:
            raise ValidationError({"rows": [str(exc)]}) from None
        body = report.as_dict()
        if report.count("rejected"):
            return problem(
                request,
                400,
                "rows_rejected",
                _("Some rows were refused: nothing was written."),
                "; ".join(
                    _("row %(line)s, %(column)s: %(reason)s")
                    % {"line": i["line"], "column": i["column"] or "—", "reason": i["reason"]}
                    for i in body["rejected"][:20]
                ),
                report=body,
            )
        return Response(body, status=200 if data["dry_run"] else status.HTTP_201_CREATED)

    def validated(self, request: Request) -> dict[str, Any]:
        serializer = self.write_serializer_class(data=request.data, partial=self.action != "create")
        refuse_unknown(serializer, request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def mission(self, data: dict[str, Any]) -> Mission:
        return access.mission_for(self.request.user, data.pop("mission", None))

    def visible(self, model: Any, ids: list[int] | None, field: str) -> list[Any] | None:
        """The records `ids` names, each one the user may see; else a 400 naming those
        that are not (unknown and invisible alike: nothing tells them apart)."""
        if ids is None:
            return None
        return visible_records(self.request.user, model, ids, field)

    def visible_one(self, model: Any, pk: int, field: str) -> Any:
        return visible_records(self.request.user, model, [pk], field)[0]

    def service_create(self, data: dict[str, Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def service_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        raise NotImplementedError  # pragma: no cover - abstract

    def service_delete(self, instance: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


BULK_SCHEMA = extend_schema(
    request=s.BulkSerializer,
    responses={201: s.ImportReportSerializer, 200: s.ImportReportSerializer},
    summary="Create many at once, as an import does",
    description="The rows are those of the CSV import of this kind (docs/intake.md: the same "
    "columns, values as text), checked first: if any is refused nothing is written and the "
    "answer is a 400 problem (`rows_rejected`) carrying the report; else all are written in "
    "one audited operation (201). `dry_run` checks and rehearses without keeping anything.",
)


def _ledger_schema(name: str, deletable: bool = True) -> Any:
    """Each endpoint's OpenAPI words: the If-Match header on writes, the write body."""
    views = {
        "list": extend_schema(summary=f"List the {name} you may see"),
        "retrieve": extend_schema(summary=f"Read one of the {name}"),
        "create": extend_schema(summary=f"Create one of the {name}"),
        "partial_update": extend_schema(
            summary=f"Change one of the {name}", parameters=[VERSION_HEADER]
        ),
    }
    if deletable:
        views["destroy"] = extend_schema(
            summary=f"Delete one of the {name} (restorable)", parameters=[VERSION_HEADER]
        )
    return extend_schema_view(**views)


@_ledger_schema("people")
class PersonViewSet(LedgerViewSet):
    """People of your missions: names in Latin script and characters (search `q` matches
    either and pinyin), their emails, phones, addresses and affiliations (each list sent on a
    change replaces theirs), tags, and the notes you are cleared for."""

    model = Person
    serializer_class = s.PersonSerializer
    write_serializer_class = s.PersonWriteSerializer
    filterset_class = PersonFilter
    sorts = {
        "name": ("family_name", "given_name"),
        "pinyin": ("pinyin",),
        "created": ("created",),
        "id": (),
    }
    default_sort = "name"
    related = ("sector", "region")

    def get_queryset(self) -> Any:
        # Not the search index's own columns (never shown).
        return super().get_queryset().defer("search_keys", "search_grams")

    def get_prefetch(self) -> tuple[Any, ...]:
        return (
            Prefetch("tags", Tag.objects.only("pk", "name")),
            "emails",
            "phones",
            Prefetch("addresses", PostalAddress.objects.select_related("region")),
            "affiliations",
            Prefetch(
                "notes",
                queryset=PersonNote.objects.visible_to(self.request.user).order_by("-created"),
                to_attr="visible_notes",
            ),
        )

    ROWS = ("emails", "phones", "addresses", "affiliations")
    import_kind = "people"
    bulk_limit = 2_000

    @BULK_SCHEMA
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk_create(self, request: Request) -> Response:
        return self.bulk(request)

    def _save(self, data: dict[str, Any], **target: Any) -> Any:
        rows = {k: data.pop(k) for k in self.ROWS if k in data}
        tags = data.pop("tags", None)
        for row in rows.get("affiliations", []):
            row["organisation"] = self.visible_one(
                Organisation, row["organisation"], "affiliations"
            )
        return people_services.person_save(
            actor=self.request.user, fields=data, tags=tags, **rows, **target
        )

    def service_create(self, data: dict[str, Any]) -> Any:
        return self._save(data, mission=self.mission(data))

    def service_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        return self._save(data, person=instance, expected_version=version)

    def service_delete(self, instance: Any) -> None:
        people_services.person_delete(actor=self.request.user, person=instance)


@_ledger_schema("organisations")
class OrganisationViewSet(LedgerViewSet):
    """Organisations of your missions, with their sector, region, parent and tags."""

    model = Organisation
    serializer_class = s.OrganisationSerializer
    write_serializer_class = s.OrganisationWriteSerializer
    filterset_class = OrganisationFilter
    sorts = {"name": ("name_en",), "id": ()}
    default_sort = "name"
    related = ("sector", "region")
    prefetch = ("tags",)

    def _parent(self, data: dict[str, Any]) -> None:
        if data.get("parent") is not None:
            data["parent"] = self.visible_one(Organisation, data["parent"], "parent")

    def service_create(self, data: dict[str, Any]) -> Any:
        mission = self.mission(data)
        self._parent(data)
        return people_services.organisation_create(actor=self.request.user, mission=mission, **data)

    def service_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        self._parent(data)
        return people_services.organisation_update(
            actor=self.request.user, organisation=instance, expected_version=version, **data
        )

    def service_delete(self, instance: Any) -> None:
        people_services.organisation_delete(actor=self.request.user, organisation=instance)


@_ledger_schema("engagements")
class EngagementViewSet(LedgerViewSet):
    """Meetings, calls, visits, events, letters and emails, with the people met (`people`),
    the organisations, our participants (`staff`: postings) and tags. Newest first by default.
    Filters as on the engagements page: `q` (subject), `kind`, `region`, `sector`, `tag`,
    `staff`, `person`, `organisation`, `since`, `until` (days in the mission's time zone)."""

    model = Engagement
    serializer_class = s.EngagementSerializer
    write_serializer_class = s.EngagementWriteSerializer
    filterset_class = EngagementFilter
    sorts = {"start": ("start",), "kind": ("kind", "start"), "subject": ("subject",), "id": ()}
    default_sort = "-start"
    related = ("region",)

    def get_queryset(self) -> Any:
        # Only what is shown: the engagement without its text index's columns, its links as ids.
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("people", Person.objects.only("pk")),
                Prefetch("organisations", Organisation.objects.only("pk")),
                Prefetch("staff", Posting.objects.only("pk")),
                Prefetch("tags", Tag.objects.only("pk", "name")),
            )
        )

    import_kind = "engagements"

    @BULK_SCHEMA
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk_create(self, request: Request) -> Response:
        return self.bulk(request)

    def _links(self, data: dict[str, Any]) -> None:
        data["people"] = self.visible(Person, data.get("people"), "people")
        data["organisations"] = self.visible(
            Organisation, data.get("organisations"), "organisations"
        )
        data["staff"] = self.visible(Posting, data.get("staff"), "staff")

    def service_create(self, data: dict[str, Any]) -> Any:
        mission = self.mission(data)
        self._links(data)
        links = {k: data.pop(k) or () for k in ("people", "organisations", "staff")}
        return engagement_services.engagement_create(
            actor=self.request.user, mission=mission, **links, **data
        )

    def service_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        self._links(data)
        return engagement_services.engagement_update(
            actor=self.request.user, engagement=instance, expected_version=version, **data
        )

    def service_delete(self, instance: Any) -> None:
        engagement_services.engagement_delete(actor=self.request.user, engagement=instance)


@_ledger_schema("commitments", deletable=False)
class CommitmentViewSet(LedgerViewSet):
    """Follow-ups promised or requested in an engagement, until done. Created on an
    engagement (`engagement`), never moved to another; closed by changing `status`."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    restore = None  # closed, never deleted
    model = Commitment
    serializer_class = s.CommitmentSerializer
    write_serializer_class = s.CommitmentWriteSerializer
    filterset_class = CommitmentFilter
    sorts = {"status": ("status",), "id": ()}
    default_sort = "id"

    def _links(self, data: dict[str, Any]) -> None:
        if data.get("requested_by") is not None:
            data["requested_by"] = self.visible_one(Person, data["requested_by"], "requested_by")
        if data.get("owner") is not None:
            data["owner"] = self.visible_one(Posting, data["owner"], "owner")

    def service_create(self, data: dict[str, Any]) -> Any:
        if data.get("engagement") is None:
            raise ValidationError({"engagement": [_("The engagement the commitment was made in.")]})
        engagement = self.visible_one(Engagement, data.pop("engagement"), "engagement")
        self._links(data)
        return engagement_services.commitment_create(
            actor=self.request.user, engagement=engagement, **data
        )

    def service_update(self, instance: Any, data: dict[str, Any], version: int) -> Any:
        if "engagement" in data:
            raise ValidationError({"engagement": [_("A commitment stays with its engagement.")]})
        self._links(data)
        return engagement_services.commitment_update(
            actor=self.request.user, commitment=instance, expected_version=version, **data
        )


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "head", "options"]
    pagination_class = Keyset
    sorts: dict[str, tuple[str, ...]] = {"id": ()}
    default_sort = "id"


@extend_schema_view(list=extend_schema(summary="The missions you belong to"))
class MissionViewSet(ReadOnly):
    serializer_class = s.MissionSerializer

    def get_queryset(self) -> Any:
        return Mission.objects.visible_to(self.request.user).order_by("pk")


@extend_schema_view(list=extend_schema(summary="The postings of your missions"))
class PostingViewSet(ReadOnly):
    serializer_class = s.PostingSerializer

    def get_queryset(self) -> Any:
        return (
            Posting.objects.visible_to(self.request.user)
            .select_related("mission", "person")
            .order_by("pk")
        )


@extend_schema_view(list=extend_schema(summary="The tags you may see"))
class TagViewSet(ReadOnly):
    serializer_class = s.TagSerializer

    def get_queryset(self) -> Any:
        return Tag.objects.in_sight_of(self.request.user).order_by("pk")


@extend_schema_view(list=extend_schema(summary="The sectors (a shared vocabulary)"))
class SectorViewSet(ReadOnly):
    serializer_class = s.SectorSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> Any:
        return Sector.objects.order_by("position", "code")


@extend_schema_view(list=extend_schema(summary="The regions of your missions' countries"))
class RegionViewSet(ReadOnly):
    serializer_class = s.RegionSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> Any:
        return regions_for(self.request.user).order_by("code")


_swagger = SpectacularSwaggerSplitView.as_view(url_name="api:schema")


@login_required
def docs(request: HttpRequest) -> HttpResponse:
    """The browsable reference (Swagger UI, from our own static files), for a logged-in user.
    Its page carries one inline <style>: the policy of this page alone allows inline styles
    (scripts stay our own files only)."""
    from django.conf import settings

    response = _swagger(request)
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    return response


@csrf_exempt  # it changes nothing; a write to a wrong address is told so, not refused for CSRF
def no_such_endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(
        {
            "type": "urn:legation:problem:not_found",
            "title": _("Not found."),
            "status": 404,
            "detail": _("No such address in the API: see /api/docs/."),
            "instance": request.path,
        },
        status=404,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


# --------------------------------------------------------------------------------------------
# Figures: the insight reports as the pages and `legation report --format json` give them


FIGURE_PARAMETERS = [
    OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(reports.KINDS)),
    OpenApiParameter(
        "posting",
        str,
        description="A posting's id or ref; `all` for the whole mission (coverage, quiet). "
        "Default: your own posting, else the head of mission's.",
    ),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="The day of the figures (today)."),
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="The start of the period (coverage, handover)."
    ),
]


class FiguresView(APIView):
    """Tenure, coverage, quiet relationships and the handover brief (with relationship
    strength), computed as the caller: only what they may see counts. The same figures, and the
    same cache, as the insight pages."""

    @extend_schema(
        summary="A report's figures",
        parameters=FIGURE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, kind: str) -> Response:
        if kind not in reports.KINDS:
            raise Http404
        user = request.user
        as_of = self._date(request, "as_of") or timezone.localdate()
        start = self._date(request, "from")
        if start and start > as_of:
            raise ValidationError({"from": [_("The period starts after its end (as_of).")]})
        value = request.query_params.get("posting", "").strip()
        if value == "all":
            if kind in ("tenure", "handover"):
                raise ValidationError({"posting": [_("This report is about one posting.")]})
            posting = None
        elif value:
            posting = posting_named(user, value)
            if posting is None:
                raise Http404
        else:
            posting = default_posting(user)
            if posting is None and kind in ("tenure", "handover"):
                raise ValidationError({"posting": [_("Name a posting: you hold none here.")]})
        try:
            data = remembered(
                f"report-{kind}",
                user,
                (posting.pk if posting else None, as_of, start),
                lambda: reports.build(kind, user=user, posting=posting, as_of=as_of, start=start),
            )
        except reports.ReportError as exc:
            raise ValidationError({"posting": [str(exc)]}) from None
        security_event(
            SecurityEvent.Kind.EXPORT,
            user=user,
            source="api",
            what=f"insight-{kind}",
            format="json",
        )
        return Response(json.loads(reports.to_json(data)))

    @staticmethod
    def _date(request: Request, name: str) -> dt.date | None:
        value = request.query_params.get(name, "").strip()
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({name: [_("A date, YYYY-MM-DD.")]}) from None
        if not dates.within(day):
            raise ValidationError({name: [dates.message(day, name)]})
        return day


# --------------------------------------------------------------------------------------------
# Letters: one rendered (and recorded on the recipient's timeline unless a draft), a draft's
# claims checked against the ledger


class Authenticated(BasePermission):
    """Logged in, with any token: an action sent by POST that changes nothing (a draft, a
    check). Whether it may record anything is decided by the view (a read token may not)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise NotAuthenticated()
        return True


TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}(\.[a-z]{2}(-[a-z]+)?)?")
LETTER_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}


def _sender(user: Any, value: Any, mission: Any = None) -> Posting:
    """The posting named (id or ref) among those the user may see, else the default sender."""
    if value not in (None, ""):
        found = posting_named(user, value)
        if found is None:
            raise ValidationError({"posting": [_("No such posting among those you may see.")]})
        return found
    posting = default_posting(user, mission=mission)
    if posting is None:
        raise ValidationError({"posting": [_("Name the sender's posting: none is on record.")]})
    return posting


class LetterView(APIView):
    """One letter to one person on the mission's letterhead (PDF, Word or text), as
    `legation letters render` makes it: recorded on the recipient's timeline unless `draft`
    (a read token may render drafts only)."""

    permission_classes = [Authenticated]

    @extend_schema(
        summary="Render a letter",
        request=s.LetterRenderSerializer,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY,
            (200, "text/plain"): OpenApiTypes.STR,
        },
    )
    def post(self, request: Request) -> HttpResponse:
        from legation.letters.compose import library
        from legation.letters.compose.sandbox import LetterTemplateError
        from legation.letters.merge import production
        from legation.letters.render.pdf import PdfError
        from legation.letters.render.word import DocxError

        data = s.LetterRenderSerializer(data=request.data)
        refuse_unknown(data, request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        token = request.auth
        if not data["draft"] and isinstance(token, ApiToken) and not token.writes:
            raise PermissionDenied(_("This token may only read (its scope is read)."))
        if not TEMPLATE_NAME.fullmatch(data["template"]):
            raise ValidationError(
                {"template": [_("A template's name, e.g. farewell or farewell.zh.")]}
            )
        person = visible_records(request.user, Person, [data["to"]], "to")[0]
        posting = _sender(request.user, data.get("posting"), mission=person.mission)
        letter_date = data.get("date") or timezone.localdate()
        fmt = data["format"]
        try:
            template = library.find_for(request.user, posting.mission, data["template"])
            with tempfile.TemporaryDirectory(prefix="legation-api-letter-") as folder:
                out = Path(folder) / f"letter.{fmt}"
                done, engagement = production.render_one(
                    actor=request.user,
                    template=template,
                    person=person,
                    posting=posting,
                    letter_date=letter_date,
                    fmt=fmt,
                    out=out,
                    personal=data.get("personal"),
                    draft=data["draft"],
                )
                if done.error:
                    raise ValidationError({"template": [done.error]})
                body = out.read_bytes()
        except (LetterTemplateError, PdfError, DocxError) as exc:
            raise ValidationError({"template": [str(exc)]}) from None
        response = HttpResponse(body, content_type=LETTER_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="letter-{person.pk}.{fmt}"'
        if engagement is not None:
            response["Legation-Engagement"] = str(engagement.pk)
        if done.warnings:
            response["Legation-Warnings"] = " | ".join(done.warnings)[:2000]
        return response


class ClaimCheckView(APIView):
    """Every figure, date and duration of a draft checked against the ledger, as the caller
    sees it: supported, contradicted (with the ledger's value) or unverifiable
    (docs/claims.md). Nothing is written: a read token may check."""

    permission_classes = [Authenticated]

    @extend_schema(
        summary="Check a draft's claims",
        request=s.ClaimCheckSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        from legation.claims.verify import CheckError, check_text

        data = s.ClaimCheckSerializer(data=request.data)
        refuse_unknown(data, request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        posting = _sender(request.user, data.get("posting"))
        try:
            result = check_text(
                data["text"], user=request.user, posting=posting, letter_date=data.get("date")
            )
        except CheckError as exc:
            raise ValidationError({"text": [str(exc)]}) from None
        claims = [c.to_json() for c in result.claims]
        return Response(
            {
                "letter_date": result.letter_date.isoformat(),
                "posting": posting.pk,
                "contradicted": len(result.contradicted),
                "claims": claims,
            }
        )
