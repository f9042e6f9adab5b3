"""The REST API's one exception handler: each refusal mapped to HTTP once.

Actions call services and let refusals propagate: a ``DomainError`` is answered
with its status (409 for a conflict) and ``{"detail": message}``, Django's
``ValidationError`` with 400 and its messages by field, as a serializer's
would be. The rest (``PermissionDenied`` 403, ``Http404``, DRF's own
exceptions) is left to DRF's handler, which also rolls back an atomic request.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def exception_handler(exc, context):
    """Return the response to ``exc`` raised in an API view, or ``None`` (500)."""
    if isinstance(exc, DomainError):
        refusal = exceptions.APIException(exc.message)
        refusal.status_code = exc.status_code
        exc = refusal
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)
