"""Notice and action (DSA art. 16): a report of content by anyone, queued
with its own SLA, a receipt and the decision mailed to the notifier."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import mail_queue
from core.models import OutgoingMail
from core.permissions import require
from core.roles import Capability
from decisions.models import Notice
from decisions.references import new_reference
from decisions.services.queue import queue_due
from moderation import access
from moderation.models import Comment
from moderation.services.transitions import Conflict


def notice_submit(*, url, reasons, name, email, language, now=None):
    """Record a notice (already validated by its form); return it.

    It is linked to the comment when the address is one of the comments
    held here; the notifier is mailed a receipt with its reference.
    """
    now = now or timezone.now()
    # The comments index on their address (moderation_comment_url_idx).
    comment = Comment.objects.filter(url=url).order_by("pk").first()
    for attempt in range(3):
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    reference=new_reference("N"),
                    url=url,
                    reasons=reasons,
                    name=name,
                    email=email,
                    language=language,
                    comment=comment,
                    received_at=now,
                    due_at=queue_due("notices", now),
                )
                with translation.override(language):
                    mail_queue(
                        kind=OutgoingMail.Kind.NOTICE_RECEIPT,
                        recipients=[email],
                        subject=_("Your report %(reference)s was received")
                        % {"reference": notice.reference},
                        body=_(
                            "We received your report of %(url)s on %(date)s, "
                            "reference %(reference)s. A person will review it and "
                            "you will receive the decision by e-mail."
                        )
                        % {
                            "url": url,
                            "date": now.date().isoformat(),
                            "reference": notice.reference,
                        },
                        now=now,
                    )
                return notice
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def notice_decide(*, notice, actor, outcome, reasons, now=None):
    """Record the decision on a notice and mail it to the notifier."""
    require(actor, Capability.DECIDE_APPEALS, _("Only reviewers decide reports."))
    now = now or timezone.now()
    if notice.comment is not None and not access.in_scope(actor, notice.comment):
        raise PermissionDenied(_("This comment is outside your channels."))
    if outcome not in (Notice.Status.ACTED, Notice.Status.REJECTED):
        raise ValidationError({"outcome": _("Choose acted upon or no action.")})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why.")})
    with transaction.atomic():
        won = Notice.objects.filter(pk=notice.pk, status=Notice.Status.PENDING).update(
            status=outcome, decided_by=actor, decided_at=now, outcome=reasons
        )
        if not won:
            raise Conflict(_("This report was already decided."))
        notice.refresh_from_db()
        with translation.override(notice.language):
            mail_queue(
                kind=OutgoingMail.Kind.NOTICE_DECISION,
                recipients=[notice.email],
                subject=_("Decision on your report %(reference)s")
                % {"reference": notice.reference},
                body=_(
                    "Your report %(reference)s of %(url)s was decided: %(outcome)s."
                    "\n\n%(reasons)s"
                )
                % {
                    "reference": notice.reference,
                    "url": notice.url,
                    "outcome": notice.get_status_display(),
                    "reasons": reasons,
                },
                now=now,
            )
    return notice
