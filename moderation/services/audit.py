"""Checking the audit trail's hash chain, and recording its daily anchors.

``chain_verify`` walks every event in chain order and returns the first break;
``anchor_record`` writes the chain's head at the end of a day and e-mails it to
managers, who keep it outside the database (moderation.audit says why).
"""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import mail_queue_each
from core.roles import Capability
from moderation import audit
from moderation.models import AuditAnchor, AuditHead, Event

FIELDS = (
    "pk",
    "seq",
    "comment_id",
    "actor_id",
    "action",
    "before",
    "after",
    "reason",
    "at",
    "prev_hash",
    "hash",
    "reason_sha256",
    "reason_erased_at",
)


@dataclasses.dataclass(frozen=True)
class Break:
    """Where the chain stops holding: the event (or number) and what is wrong."""

    seq: int
    message: str
    event_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Verified:
    events: int
    head_seq: int
    head_hash: str
    broken: Break | None


def chain_verify(*, expected=(), chunk_size=5000):
    """Recompute the chain from its first event; return a ``Verified``.

    ``expected`` holds (seq, hash) pairs known from outside the database (the
    daily e-mails); the recorded anchors are checked as well. The first break
    found is returned; nothing after it is trusted.
    """
    anchors = dict(AuditAnchor.objects.values_list("seq", "hash"))
    outside = dict(expected)
    # A hash e-mailed before reasons were hashed apart (moderation 0043) was
    # made with the first formula: it is recomputed alongside, as far as no
    # reason has been erased, and either formula's hash is accepted.
    previous_v1 = audit.GENESIS if outside else None
    seq, previous, count = 0, audit.GENESIS, 0
    rows = Event.objects.order_by("seq").values_list(*FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        pk, number, comment_id, actor_id, action, before, after, reason, at = row[:9]
        prev_hash, digest, reason_sha256, reason_erased_at = row[9:]
        count += 1
        if number != seq + 1:
            return Verified(
                count,
                seq,
                previous,
                Break(
                    seq + 1,
                    _(
                        "event number %(missing)d is missing: the chain goes from "
                        "%(before)d to %(after)d (event %(event)d)."
                    )
                    % {
                        "missing": seq + 1,
                        "before": seq,
                        "after": number,
                        "event": pk,
                    },
                    pk,
                ),
            )
        if prev_hash != previous:
            return Verified(
                count,
                seq,
                previous,
                Break(
                    number,
                    _(
                        "event %(event)d (number %(seq)d, comment %(comment)d) does "
                        "not follow the event before it: an event was removed, "
                        "inserted or rewritten there."
                    )
                    % {"event": pk, "seq": number, "comment": comment_id},
                    pk,
                ),
            )
        content = audit.canonical(
            seq=number,
            comment_id=comment_id,
            actor_id=actor_id,
            action=action,
            before=before,
            after=after,
            reason_sha256=reason_sha256,
            at=at,
        )
        # A reason is what its digest says, unless retention erased it (then
        # nothing is left of it but the digest the hash covers).
        if reason_erased_at:
            reason_holds = reason == ""
        else:
            reason_holds = audit.reason_digest(reason) == reason_sha256
        if not reason_holds or audit.link(prev_hash, content) != digest:
            return Verified(
                count,
                seq,
                previous,
                Break(
                    number,
                    _(
                        "event %(event)d (number %(seq)d, comment %(comment)d, "
                        "%(at)s) was changed after it was written: its content no "
                        "longer matches its hash."
                    )
                    % {
                        "event": pk,
                        "seq": number,
                        "comment": comment_id,
                        "at": at.astimezone(datetime.UTC).strftime(
                            "%Y-%m-%d %H:%M:%S UTC"
                        ),
                    },
                    pk,
                ),
            )
        if previous_v1 is not None:
            previous_v1 = None if reason_erased_at else audit.link(
                previous_v1,
                audit.canonical_v1(
                    seq=number, comment_id=comment_id, actor_id=actor_id,
                    action=action, before=before, after=after, reason=reason,
                    at=at,
                ),
            )  # fmt: skip
            if outside.get(number) == previous_v1:
                outside[number] = digest
        for known in (anchors, outside):
            if number in known and known.pop(number) != digest:
                return Verified(
                    count,
                    seq,
                    previous,
                    Break(
                        number,
                        _(
                            "event number %(seq)d no longer has the hash recorded "
                            "for it: the history up to it was rewritten."
                        )
                        % {"seq": number},
                        pk,
                    ),
                )
        seq, previous = number, digest
    missing = sorted(set(anchors) | set(outside))
    if missing:
        return Verified(
            count,
            seq,
            previous,
            Break(
                missing[0],
                _(
                    "event number %(seq)d, whose hash was recorded, is no longer in "
                    "the trail: it ends at number %(last)d."
                )
                % {"seq": missing[0], "last": seq},
            ),
        )
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (seq, previous):
        return Verified(
            count,
            seq,
            previous,
            Break(
                head.seq,
                _(
                    "the trail ends at number %(last)d, but its head says "
                    "%(head)d: the last events were removed."
                )
                % {"last": seq, "head": head.seq},
            ),
        )
    return Verified(count, seq, previous, None)


def anchor_record(*, now=None):
    """Record and e-mail the head of the chain for the day that ended; return
    the anchor, or ``None`` when that day already has one.

    Run hourly: the first run after midnight (in ``TIME_ZONE``) records the
    day before, so a beat that was down at midnight catches up.
    """
    now = now or timezone.now()
    day = timezone.localtime(now).date() - datetime.timedelta(days=1)
    with transaction.atomic():
        if AuditAnchor.objects.filter(day=day).exists():
            return None
        head = AuditHead.objects.select_for_update().filter(pk=1).first() or AuditHead()
        anchor, created = AuditAnchor.objects.get_or_create(
            day=day, defaults={"seq": head.seq, "hash": head.hash, "recorded_at": now}
        )
        if not created:
            return None
        _mail_anchor(anchor, now)
    return anchor


def _mail_anchor(anchor, now):
    managers = get_user_model().objects.with_capability(Capability.MANAGE_STAFF)

    def compose(language):
        subject = _("Audit trail of %(day)s: number %(seq)d") % {
            "day": anchor.day.isoformat(),
            "seq": anchor.seq,
        }
        body = _(
            "At the end of %(day)s the audit trail held %(seq)d events; the hash "
            "of the last one is:\n\n%(hash)s\n\nKeep this e-mail. To check that "
            "the history up to that day has not been rewritten since, run:\n\n"
            "    python manage.py verify_audit --expect %(seq)d:%(hash)s\n"
        ) % {"day": anchor.day.isoformat(), "seq": anchor.seq, "hash": anchor.hash}
        return subject, body

    mail_queue_each(kind="audit_anchor", people=managers, compose=compose, now=now)
