"""What the moderation pages share: who works on comments, form errors as messages."""

from django.contrib import messages
from django.utils.translation import gettext as _

from core.permissions import require_any
from moderation.forms import ReasonForm
from moderation.services.transitions import WORKERS


def require_worker(user):
    """Refuse all but responders, counsel (on what is escalated to them) and
    managers."""
    require_any(user, WORKERS)


def form_errors(request, form):
    """Show a page form's errors as messages, each with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(
                request,
                _("%(field)s: %(error)s") % {"field": label, "error": error}
                if label
                else error,
            )


def posted_reason(request):
    """Return the posted reason, or ``None`` (with its errors shown)."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return None
    return form.cleaned_data["reason"]
