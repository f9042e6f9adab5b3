"""Saved inbox filters: each person's own, created and deleted by them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from moderation import search
from moderation.models import SavedFilter

# The most filters one person keeps.
MAX_SAVED = 50


def saved_filter_create(*, user, name, query):
    """Save the inbox filters ``query`` (a query string) as ``name`` for
    ``user``; a name already used is replaced. Raise ``ValidationError`` otherwise."""
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationError({"name": _("Give the filters a name.")})
    kept = search.filter_query(QueryDict(query or ""))
    if not kept:
        raise ValidationError(
            {"query": _("Choose at least one filter or search to save.")}
        )
    with transaction.atomic():
        existing = SavedFilter.objects.filter(user=user, name=name).first()
        if existing is None and user.saved_filters.count() >= MAX_SAVED:
            raise ValidationError(
                {
                    "name": _("Keep at most %(count)d saved filters: delete one first.")
                    % {"count": MAX_SAVED}
                }
            )
        try:
            saved, _created = SavedFilter.objects.update_or_create(
                user=user, name=name, defaults={"query": kept}
            )
        except IntegrityError:  # the same name saved at once by another tab
            saved = SavedFilter.objects.get(user=user, name=name)
    return saved


def saved_filter_delete(*, user, pk):
    """Delete ``user``'s saved filter ``pk``; return whether one was."""
    deleted, _kinds = SavedFilter.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
