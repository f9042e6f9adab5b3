"""Where restrictions of a comment or its author are announced to the apps above.

Every hide, delete and action on an author calls ``restricted`` inside the
transaction that decides it; the ``decisions`` app listens (registered when
Django starts) and writes the statement of reasons in the same transaction,
so that no restriction exists without its statement. Moderation never imports
the listener.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HIDDEN = "hidden", _("Comment hidden")
    DELETED = "deleted", _("Comment deleted")
    AUTHOR_MUTED = "author_muted", _("Author muted")
    AUTHOR_BLOCKED = "author_blocked", _("Author blocked")
    AUTHOR_REPORTED = "author_reported", _("Author reported to the platform")


@dataclass(frozen=True)
class Restriction:
    comment: object
    kind: str
    actor: object
    reason: str
    at: object
    # Set when a rule acted on its own (no person decided).
    automated: bool = False
    rule: str = ""


_listeners = []


def listen(listener):
    """Call ``listener(restriction)`` on every restriction (once per function)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def restricted(**fields):
    """Announce a restriction to every listener; call it inside the transaction."""
    restriction = Restriction(**fields)
    for listener in _listeners:
        listener(restriction)
