"""The retention schedule and the daily task that applies it (Law 25, s. 23):
what has passed its time is erased, in batches, unless under a legal hold.

A run fixes its cut-offs when it starts and saves, with every batch and in
the batch's transaction, how far it got (``RetentionRun.cursor``) and what it
did (``done``): a run killed midway is picked up where its last batch ended
by the next call, with the same cut-offs.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import require
from core.roles import Capability
from decisions.models import (
    Category,
    LegalHold,
    Notice,
    RetentionRule,
    RetentionRun,
    Statement,
)
from moderation import masking
from moderation.models import Comment, Event, Note, RuleMatch

MAX_DAYS = 36500


def retention_set(*, actor, days_by_category, now=None):
    """Set the days kept per category (privacy officer); ``None`` keeps forever."""
    require(actor, Capability.MANAGE_PRIVACY, _("Only the privacy officer sets this."))
    now = now or timezone.now()
    with transaction.atomic():
        for category, days in days_by_category.items():
            category = Category(category)
            if days is None:
                RetentionRule.objects.filter(category=category).delete()
                continue
            if not 1 <= int(days) <= MAX_DAYS:
                raise ValueError(days)
            RetentionRule.objects.update_or_create(
                category=category,
                defaults={"days": int(days), "changed_by": actor, "changed_at": now},
            )


def held_q(prefix=""):
    """Return a ``Q`` matching the comments under an active legal hold."""
    holds = list(
        LegalHold.objects.filter(released_at__isnull=True).values_list(
            "comment_id", "channel_id", "author"
        )
    )
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for comment_id, channel_id, author in holds:
        if comment_id:
            q |= Q(**{f"{prefix}pk": comment_id})
        else:
            q |= Q(**{f"{prefix}channel_id": channel_id, f"{prefix}author": author})
    return q


def _cutoffs(now):
    cutoffs = {}
    for rule in RetentionRule.objects.all():
        try:
            cutoffs[rule.category] = (
                now - datetime.timedelta(days=rule.days)
            ).isoformat()
        except OverflowError:
            continue
    return cutoffs


def _erase_text(ids, now):
    Comment.objects.filter(pk__in=ids, text_erased_at__isnull=True).update(
        text="", platform_data={}, text_erased_at=now
    )
    RuleMatch.objects.filter(comment_id__in=ids).update(excerpt="")
    # An edit on the platform kept the text it replaced as its event's reason:
    # it goes with the text (the event and its place in the chain stay).
    Event.objects.filter(
        comment_id__in=ids, action=Event.Action.EDITED_ON_PLATFORM
    ).reasons_erase(now=now)


def _erase_author(ids, now):
    Comment.objects.filter(pk__in=ids, author_erased_at__isnull=True).update(
        author="", author_name="", author_url="", author_erased_at=now
    )


def _comment_batch(column, cutoff, after, held, size):
    return list(
        Comment.objects.filter(
            **{f"{column}__isnull": True}, received_at__lt=cutoff, pk__gt=after
        )
        .exclude(held)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )


def _blot_personal(cutoff, after, held, size, now):
    """Blot detected personal data out of the text of comments still kept
    whole; return the ids of the comments done (the batch)."""
    ids = list(
        Comment.objects.filter(
            text_erased_at__isnull=True,
            received_at__lt=cutoff,
            pk__gt=after,
            matches__pattern__in=masking.PERSONAL_DETECTORS,
            matches__excerpt__gt="",
        )
        .exclude(held)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:size]
    )
    comments = Comment.objects.filter(pk__in=ids).prefetch_related("matches")
    changed = []
    for comment in comments:
        spans = masking.personal_spans(comment.matches.all())
        comment.text = masking.blot(comment.text, spans)
        changed.append(comment)
    Comment.objects.bulk_update(changed, ["text"])
    RuleMatch.objects.filter(
        comment_id__in=ids, pattern__in=masking.PERSONAL_DETECTORS
    ).update(excerpt="")
    return ids


def retention_run(*, now=None, batch=None, max_batches=None):
    """Apply the retention schedule in batches of ``batch`` rows (the
    ``RETENTION_BATCH`` setting); return the run (finished unless
    ``max_batches`` stopped it first, as a kill would)."""
    now = now or timezone.now()
    batch = batch or settings.RETENTION_BATCH
    run = RetentionRun.objects.filter(finished_at__isnull=True).first()
    if run is None:
        run = RetentionRun.objects.create(started_at=now, cutoffs=_cutoffs(now))
    held = held_q()
    batches = 0
    for category in Category:
        cutoff = run.cutoffs.get(category)
        if cutoff is None:
            continue
        while max_batches is None or batches < max_batches:
            after = run.cursor.get(category, 0)
            if after < 0:  # this category is done
                break
            with transaction.atomic():
                ids = _batch(category, cutoff, after, held, batch, now)
                run.cursor[category] = ids[-1] if len(ids) == batch else -1
                run.done[category] = run.done.get(category, 0) + len(ids)
                run.save(update_fields=["cursor", "done"])
            batches += 1
        else:
            return run
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def _batch(category, cutoff, after, held, size, now):
    if category == Category.COMMENT_TEXT:
        ids = _comment_batch("text_erased_at", cutoff, after, held, size)
        _erase_text(ids, now)
        return ids
    if category == Category.AUTHOR:
        ids = _comment_batch("author_erased_at", cutoff, after, held, size)
        _erase_author(ids, now)
        return ids
    if category == Category.PERSONAL_DATA:
        return _blot_personal(cutoff, after, held, size, now)
    if category == Category.NOTICES:
        ids = list(
            Notice.objects.filter(
                anonymised_at__isnull=True, received_at__lt=cutoff, pk__gt=after
            )
            .exclude(held_q("comment__") & Q(comment__isnull=False))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Notice.objects.filter(pk__in=ids).update(name="", email="", anonymised_at=now)
        return ids
    if category == Category.NOTES:
        # A note is its text: past its time it is deleted (its mentions too).
        ids = list(
            Note.objects.filter(created_at__lt=cutoff, pk__gt=after)
            .exclude(held_q("comment__"))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Note.objects.filter(pk__in=ids).delete()
        return ids
    if category == Category.AUDIT_EVENTS:
        # The reasons people and connectors wrote; the events themselves stay,
        # chained (moderation.audit hashes a reason by its digest).
        ids = list(
            Event.objects.filter(
                reason_erased_at__isnull=True, at__lt=cutoff, pk__gt=after
            )
            .exclude(reason="")
            .exclude(held_q("comment__"))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Event.objects.filter(pk__in=ids).reasons_erase(now=now)
        return ids
    ids = list(
        Statement.objects.filter(
            anonymised_at__isnull=True, restricted_at__lt=cutoff, pk__gt=after
        )
        .exclude(held_q("comment__") & Q(comment__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    Statement.objects.filter(pk__in=ids).update(facts="", anonymised_at=now)
    return ids
