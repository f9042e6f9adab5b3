"""Shared pieces of the REST API under /api/v1/."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission

from core import dates

# Query parameters every list accepts besides its own filters.
COMMON_PARAMETERS = {"page", "page_size", "lang", "format"}


class StrictQueryParametersMixin:
    """Reject query parameters a view does not know, with a 400 naming them.

    A typo in a filter (``?severty=high``) would otherwise return everything and
    look like an answer.
    """

    extra_query_parameters = set()

    def allowed_query_parameters(self):
        allowed = set(COMMON_PARAMETERS) | set(self.extra_query_parameters)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            raise ValidationError(
                {name: ["Unknown query parameter."] for name in unknown}
            )


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema):
        """The page's schema; its examples are those of a first and only page,
        which the schema's list examples (one item each) are shown in."""
        paged = super().get_paginated_response_schema(schema)
        for name, example in (("count", 1), ("next", None), ("previous", None)):
            paged["properties"][name]["example"] = example
        return paged


def capability_permission(*capabilities):
    """Return a DRF permission class granting access to holders of any capability."""

    class HasCapability(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and any(user.can(c) for c in capabilities)
            )

    HasCapability.__name__ = "Has" + "Or".join(
        c.title().replace("_", "") for c in capabilities
    )
    return HasCapability


def query_instant(params, name, *, required=False, default=None):
    """Return the aware instant in query parameter ``name`` (ISO 8601), or
    ``default`` without it; a bad or out-of-range one is a 400 naming it."""
    raw = params.get(name)
    if raw is None:
        if required:
            raise ValidationError({name: ["This parameter is required (ISO 8601)."]})
        return default
    try:
        return dates.parse_instant(raw)
    except dates.InvalidDate as exc:
        raise ValidationError({name: [str(exc)]}) from None


class DateTimeField(serializers.DateTimeField):
    """A date and time in a request body, within the range dates are computed on."""

    def to_internal_value(self, value):
        instant = super().to_internal_value(value)
        try:
            return dates.check_instant(instant)
        except dates.InvalidDate as exc:
            raise ValidationError(str(exc)) from None
