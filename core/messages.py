"""Page messages for the domain's refusals, at the level each one carries."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import DomainError

# What a page catches around a service call and reports instead of failing;
# ``PermissionDenied`` is not among them: it stays a 403 page.
REFUSALS = (DomainError, ValidationError)


def report_error(request, exc):
    """Tell the user on the next page why ``exc`` refused what they asked."""
    if isinstance(exc, DomainError):
        text, level = exc.message, exc.level
    else:
        text, level = " ".join(exc.messages), messages.ERROR
    messages.add_message(request, level, text)
