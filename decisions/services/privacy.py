"""Legal holds with their evidence copies, and access requests: everything
held about an author handle exported, or anonymised on request."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import errors
from core.permissions import require
from core.roles import Capability
from decisions.models import Evidence, LegalHold, Statement
from decisions.services.retention import held_q
from moderation.models import Comment, Event, RuleMatch

DENIED = _("Only the privacy officer handles this.")


class Held(errors.DomainError):
    """What is asked would erase what a legal hold keeps."""


def _metadata(comment):
    return {
        "channel": comment.channel.slug,
        "platform": comment.channel.platform,
        "external_id": comment.external_id,
        "author": comment.author,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "language": comment.language,
        "parent_external_id": comment.parent_external_id,
        "posted_at": comment.posted_at.isoformat(),
        "received_at": comment.received_at.isoformat(),
        "platform_data": comment.platform_data,
    }


def _copy(hold, comment, now):
    if comment.text_erased_at is not None:
        return None
    return Evidence.objects.get_or_create(
        hold=hold,
        comment=comment,
        defaults={
            "text": comment.text,
            "metadata": _metadata(comment),
            "platform_url": comment.url,
            "sha256": hashlib.sha256(comment.text.encode()).hexdigest(),
            "copied_at": now,
        },
    )[0]


def hold_place(*, actor, reason, comment=None, channel=None, author="", now=None):
    """Place a legal hold on a comment, or on an author of a channel, and copy
    the comments it covers as they are now; return the hold."""
    require(actor, Capability.MANAGE_PRIVACY, DENIED)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data must be kept.")})
    author = (author or "").strip()
    if comment is None and (channel is None or not author):
        raise ValidationError({"author": _("Name a comment, or a channel and author.")})
    with transaction.atomic():
        hold = LegalHold.objects.create(
            comment=comment,
            channel=None if comment else channel,
            author="" if comment else author,
            reason=reason,
            placed_by=actor,
            placed_at=now,
        )
        covered = (
            [comment]
            if comment
            else Comment.objects.filter(channel=channel, author=author).select_related(
                "channel"
            )
        )
        for held in covered:
            _copy(hold, held, now)
    return hold


def holds_copy_later(*, now=None):
    """Copy the comments an author wrote after a hold on them was placed
    (which the hold covers too); return how many were copied.

    Run before each retention run, so that nothing a hold keeps is erased
    without its evidence copy.
    """
    now = now or timezone.now()
    copied = 0
    holds = LegalHold.objects.filter(released_at__isnull=True, comment__isnull=True)
    for hold in holds:
        later = (
            Comment.objects.filter(channel_id=hold.channel_id, author=hold.author)
            .exclude(evidence__hold=hold)
            .select_related("channel")
        )
        with transaction.atomic():
            for comment in later:
                copied += _copy(hold, comment, now) is not None
    return copied


def hold_release(*, actor, hold, now=None):
    """Lift a hold: the retention schedule applies again (the copies stay)."""
    require(actor, Capability.MANAGE_PRIVACY, DENIED)
    LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
        released_at=now or timezone.now()
    )


def author_export(*, actor, author):
    """Return everything held about ``author`` (a handle) as JSON bytes."""
    require(actor, Capability.MANAGE_PRIVACY, DENIED)
    comments = (
        Comment.objects.filter(author=author)
        .select_related("channel")
        .prefetch_related("statements", "matches", "events", "notices")
        .order_by("pk")
    )
    data = {
        "author": author,
        "exported_at": timezone.now(),
        "comments": [
            {
                **_metadata(comment),
                "text": comment.text,
                "url": comment.url,
                "status": comment.status,
                "matches": [
                    {"rule": m.rule, "excerpt": m.excerpt}
                    for m in comment.matches.all()
                ],
                "events": [
                    {"action": e.action, "at": e.at, "reason": e.reason}
                    for e in comment.events.all()
                ],
                "statements": [
                    {
                        "reference": s.reference,
                        "kind": s.kind,
                        "restricted_at": s.restricted_at,
                        "rule": s.rule,
                        "facts": s.facts,
                        "reversed_at": s.reversed_at,
                    }
                    for s in comment.statements.all()
                ],
                # Reports of the comment by the public; the notifier's name
                # and e-mail are theirs, not the author's, and stay out.
                "notices": [
                    {
                        "reference": n.reference,
                        "received_at": n.received_at,
                        "reasons": n.reasons,
                        "status": n.status,
                        "decided_at": n.decided_at,
                        "outcome": n.outcome,
                    }
                    for n in comment.notices.all()
                ],
            }
            for comment in comments
        ],
    }
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


def author_anonymise(*, actor, author, now=None):
    """Erase the author's handle, profile and texts, except under a hold;
    return ``(anonymised, kept)`` counts of comments."""
    require(actor, Capability.MANAGE_PRIVACY, DENIED)
    now = now or timezone.now()
    author = (author or "").strip()
    if not author:
        raise ValidationError({"author": _("Name the author.")})
    with transaction.atomic():
        comments = Comment.objects.filter(author=author)
        kept = comments.filter(held_q()).count()
        ids = list(comments.exclude(held_q()).values_list("pk", flat=True))
        Comment.objects.filter(pk__in=ids).update(
            text="",
            platform_data={},
            author="",
            author_name="",
            author_url="",
            text_erased_at=now,
            author_erased_at=now,
        )
        RuleMatch.objects.filter(comment_id__in=ids).update(excerpt="")
        Statement.objects.filter(comment_id__in=ids).update(facts="", anonymised_at=now)
        # What was written about them in the trail (an old text, a reason):
        # the events stay, chained, without it.
        Event.objects.filter(comment_id__in=ids).reasons_erase(now=now)
    if kept and not ids:
        raise Held(_("Every comment of this author is under a legal hold."))
    return len(ids), kept
