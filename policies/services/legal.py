"""State changes of legal reviews: tell managers which are overdue, once."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import mail_queue_each
from core.roles import Capability
from policies.models import LegalReference

logger = logging.getLogger(__name__)


def legal_references_notify_overdue(*, today=None):
    """Tell managers, once per reference and due date, which reviews are overdue.

    Each reference is claimed with a conditional update in the transaction
    that writes the e-mail, so overlapping runs never notify the same
    reference twice; the e-mail is sent after commit.
    """
    today = today or timezone.localdate()
    candidates = LegalReference.objects.filter(next_review_due__lte=today).exclude(
        overdue_notified_for=F("next_review_due")
    )
    claimed = []
    with transaction.atomic():
        for reference in candidates:
            updated = (
                LegalReference.objects.filter(
                    pk=reference.pk, next_review_due=reference.next_review_due
                )
                .exclude(overdue_notified_for=F("next_review_due"))
                .update(overdue_notified_for=reference.next_review_due)
            )
            if updated:
                claimed.append(reference)
        if claimed:
            _queue_overdue_mail(claimed, today)
    return claimed


def _queue_overdue_mail(references, today):
    people = list(
        get_user_model()
        .objects.with_capability(Capability.EDIT_POLICIES)
        .exclude(email="")
    )
    if not people:
        logger.warning("Overdue legal reviews but no manager has an e-mail address.")
        return

    def compose(language):
        lines = [
            _("- %(title)s (%(jurisdiction)s): review due %(due)s")
            % {
                "title": ref.title,
                "jurisdiction": ref.jurisdiction,
                "due": ref.next_review_due.isoformat(),
            }
            for ref in references
        ]
        subject = ngettext(
            "%(count)d legal reference is due for review",
            "%(count)d legal references are due for review",
            len(references),
        ) % {"count": len(references)}
        body = _(
            "These legal references are due for review by counsel (as of %(today)s):"
        ) % {"today": today.isoformat()}
        return subject, body + "\n\n" + "\n".join(lines)

    mail_queue_each(kind="legal_reviews_overdue", people=people, compose=compose)
