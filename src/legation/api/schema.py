"""OpenAPI words drf-spectacular cannot read from the code: how a token is sent."""

from __future__ import annotations

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "legation.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`lgn_…`), created on the API tokens page or "
            "with `legation token create`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "legation.api.auth.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class UserFiltersScheme(DjangoFilterExtension):
    """The pages' filter sets: a record chosen by its id (tag, region, sector, posting, person,
    organisation) is an integer; the rest as drf-spectacular reads them."""

    target_class = "legation.api.views.UserFilters"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        from django_filters import filters

        if isinstance(filter_field, filters.ModelChoiceFilter):
            schema = build_basic_type(OpenApiTypes.INT)
            description = str(filter_field.label or field_name) + " (its id)"
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    description=description,
                    schema=schema,
                )
            ]
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
