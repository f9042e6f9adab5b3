"""Working together on a comment: internal notes and the @mentions in them."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import mail_queue
from core.models import OutgoingMail
from moderation import selectors
from moderation.models import Mention, Note
from moderation.models.collab import NOTE_LENGTH

# "@alice" but not the "@example.org" of an address: a mention starts after
# a space, a line break or punctuation, never inside a word.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")
# A note names a few people; more is a broadcast, which notes are not.
MENTIONS_AT_MOST = 10


def mentioned_usernames(body):
    """Return the usernames ``@named`` in ``body``, in order, once each.

    A full stop or comma ending the sentence is not part of the name.
    """
    names = []
    for found in _MENTION.finditer(body):
        name = found.group(1).rstrip(".,;:!?")
        if name and name not in names:
            names.append(name)
    return names


def may_see(user, comment):
    """Return whether ``user`` may see ``comment`` (and so its notes)."""
    return (
        user.is_active
        and selectors.comments_visible_to(user).filter(pk=comment.pk).exists()
    )


def note_add(*, comment, actor, body, now=None):
    """Write an internal note on ``comment``; tell each person ``@mentioned``.

    Only those who may see the comment write, read and are mentioned in its
    notes: a name that is unknown, or of someone who may not see the
    comment, is refused as a field error and nothing is written. Each person
    mentioned gets an unread mention (the navigation's "Mentions (1)") and an
    e-mail in their language, sent after the commit.
    """
    if not may_see(actor, comment):
        raise PermissionDenied(_("You may not see this comment."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    if len(body) > NOTE_LENGTH:
        raise ValidationError(
            {
                "body": _("A note holds at most %(limit)d characters.")
                % {"limit": NOTE_LENGTH}
            }
        )
    names = mentioned_usernames(body)
    if len(names) > MENTIONS_AT_MOST:
        raise ValidationError(
            {
                "body": _("A note mentions at most %(limit)d people.")
                % {"limit": MENTIONS_AT_MOST}
            }
        )
    people = _mentionable(names, comment)
    now = now or timezone.now()
    with transaction.atomic():
        note = Note.objects.create(
            comment=comment, author=actor, body=body, created_at=now
        )
        told = [person for person in people if person.pk != actor.pk]
        Mention.objects.bulk_create(Mention(note=note, user=person) for person in told)
        for person in told:
            _mail_mention(note, person, now=now)
    return note


def _mentionable(names, comment):
    """Return the users ``names`` designate, refusing any who may not see
    ``comment`` (or who do not exist) in one field error."""
    if not names:
        return []
    users = {
        user.get_username().lower(): user
        for user in get_user_model().objects.filter(
            username__iregex=r"^(" + "|".join(re.escape(n) for n in names) + r")$"
        )
    }
    people, refused = [], []
    for name in names:
        user = users.get(name.lower())
        if user is None or not may_see(user, comment):
            refused.append("@" + name)
        elif user not in people:
            people.append(user)
    if refused:
        raise ValidationError(
            {
                "body": _("Nobody of that name may see this comment: %(names)s.")
                % {"names": ", ".join(refused)}
            }
        )
    return people


def _mail_mention(note, person, *, now):
    # The note only, never the comment's text: an e-mail is forwarded and
    # kept, and the page it links to shows the comment to those who may see it.
    writer = note.author.get_full_name() or note.author.get_username()
    with translation.override(person.mail_language):
        subject = _("%(name)s mentioned you in a note on %(channel)s") % {
            "name": writer,
            "channel": note.comment.channel,
        }
        body = _("%(name)s wrote:\n\n%(note)s\n\nOpen the comment: %(path)s") % {
            "name": writer,
            "note": note.body,
            "path": reverse("moderation:comment", args=[note.comment_id]),
        }
    mail_queue(
        kind=OutgoingMail.Kind.MENTION,
        recipients=[person.email],
        subject=subject,
        body=body,
        now=now,
    )


def notes_of(comment):
    """Return the notes on ``comment``, oldest first, with their authors."""
    return Note.objects.filter(comment=comment).select_related("author")


def mentions_read(*, user, comment, now=None):
    """Mark ``user``'s mentions in the notes on ``comment`` read; return how many."""
    return Mention.objects.filter(
        user=user, note__comment=comment, read_at__isnull=True
    ).update(read_at=now or timezone.now())


def mentions_of(user, *, limit=50):
    """Return the notes mentioning ``user`` on comments they still may see,
    newest first, each with ``unread`` set."""
    visible = selectors.comments_visible_to(user).values("pk")
    mentions = (
        Mention.objects.filter(user=user, note__comment__in=visible)
        .select_related("note__author", "note__comment__channel")
        .order_by("-note__created_at", "-pk")[:limit]
    )
    return list(mentions)


def unread_mentions_count(*, user):
    """Return the capped count of ``user``'s unread mentions ("" for none)."""
    unread = (
        Mention.objects.filter(user=user, read_at__isnull=True)
        .order_by()
        .values("pk")[: selectors.VIEW_COUNT_CAP + 1]
    )
    count = unread.count()
    return selectors.capped(count) if count else ""
