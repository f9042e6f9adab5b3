"""What a platform says happened to a comment after it came in: its author
edited it, it was removed there, or hidden or shown again there.

A connector that hears of such changes (Meta's webhooks send ``edited``,
``remove``, ``hide`` and ``unhide``; a catch-up poll finds edits and
removals) calls these; each is idempotent, so that a duplicated delivery
writes one event.
"""

from django.db import transaction
from django.utils import timezone

from moderation.models import Comment, Event, RuleMatch
from moderation.services.ingest import priority_for
from moderation.services.transitions import event_write
from policies.classify import classify_text
from policies.models import SEVERITY_RANK


def comment_edited_on_platform(*, channel, external_id, text, now=None):
    """Take the new text of a comment edited by its author: match it again
    against the rulebook (matches, severity, priority and categories follow
    the new text) and write an event with the old text. Return the comment,
    or ``None`` when it is not stored here, the text is unchanged, or its
    text was erased here (retention or a person's erasure: an edit must not
    bring words back).

    The due time stays: the comment was owed an answer from when it came.
    """
    now = now or timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if comment is None or comment.text == text:
            return None
        if comment.text_erased_at is not None:
            return None  # erased here: its words are not taken back in
        result = classify_text(
            text=text,
            language=comment.language,
            platform=channel.platform,
            author=comment.author,
        )
        severity = max(
            (m.severity for m in result.matches), key=SEVERITY_RANK.get, default=""
        )
        previous = comment.text
        comment.text = text
        comment.severity = severity
        comment.priority = priority_for(result.matches)
        comment.categories = sorted({m.category for m in result.matches})
        comment.policy_version = result.policy_version
        comment.edited_on_platform_at = now
        comment.save(
            update_fields=[
                "text",
                "severity",
                "priority",
                "categories",
                "policy_version",
                "edited_on_platform_at",
            ]
        )
        RuleMatch.objects.filter(comment=comment).delete()
        RuleMatch.objects.bulk_create(
            RuleMatch(
                comment=comment,
                policy_version=result.policy_version,
                rule=m.rule,
                category=m.category,
                severity=m.severity,
                pattern=m.pattern[:500],
                start=m.start,
                end=m.end,
                excerpt=m.excerpt,
            )
            for m in result.matches
        )
        event_write(
            comment,
            actor=None,
            action="edited_on_platform",
            after=comment.status,
            reason=previous,
            now=now,
        )
    return comment


def comment_removed_on_platform(*, channel, external_id, now=None):
    """Mark a comment removed on its platform (by its author, the platform or
    a moderator there) and write an event; once. Return the comment, or
    ``None`` when it is not stored here or was already marked.

    It is kept, shown as removed: what was said and done stays on record.
    """
    now = now or timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if comment is None or comment.removed_on_platform_at is not None:
            return None
        comment.removed_on_platform_at = now
        comment.save(update_fields=["removed_on_platform_at"])
        event_write(
            comment,
            actor=None,
            action="removed_on_platform",
            after=comment.status,
            now=now,
        )
    return comment


def comment_hidden_on_platform(*, channel, external_id, hidden, now=None):
    """Record that the comment was hidden (or shown again) on its platform by
    someone there, with an event; return the comment, or ``None`` when it is
    not stored here or nothing changed.

    The platform also tells of the hides and unhides sent from here: one that
    agrees with the comment's status here, the platform's state never known
    before, is that echo, recorded without an event.
    """
    now = now or timezone.now()
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(channel=channel, external_id=external_id)
            .first()
        )
        if comment is None or comment.hidden_on_platform == hidden:
            return None
        known = comment.hidden_on_platform
        comment.hidden_on_platform = hidden
        comment.save(update_fields=["hidden_on_platform"])
        if known is None and hidden == (comment.status == Comment.Status.HIDDEN):
            return comment
        event_write(
            comment,
            actor=None,
            action=Event.Action.HIDDEN_ON_PLATFORM
            if hidden
            else Event.Action.SHOWN_ON_PLATFORM,
            after=comment.status,
            now=now,
        )
    return comment
