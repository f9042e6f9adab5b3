"""Personal data in comments, blotted out for those who need not see it.

Every surface that shows a comment's text or a match's excerpt (pages, API,
e-mail, CSV, admin) takes it from here: ``visible_text`` and
``visible_excerpt`` ask ``moderation.access.sees_personal_data`` once, and
``masked_text`` is what lists and e-mails carry. Masks keep the length, so
that match offsets stay valid for the highlighter.

A match's excerpt is a piece of the text: an excerpt around a phone number
contains it, so excerpts are masked with the same spans as the text.
"""

from dataclasses import dataclass

from moderation.access import sees_personal_data

# Detectors whose findings are personal or confidential (not URLs).
PERSONAL_DETECTORS = frozenset({"email", "phone", "sin", "card", "iban"})
MASK = "•"


def is_personal(match):
    """Return whether ``match`` is a detector's finding of personal data."""
    return match.pattern in PERSONAL_DETECTORS


def personal_spans(matches):
    """Return the ``(start, end)`` spans of personal data among ``matches``."""
    return [(m.start, m.end) for m in matches if is_personal(m) and m.end > m.start]


def blot(text, spans):
    """Return ``text`` with every span replaced by as many mask characters."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(max(0, start), min(end, len(chars))):
            chars[index] = MASK
    return "".join(chars)


def blot_excerpt(excerpt, *, start, text, spans, personal=False):
    """Return ``excerpt``, taken from ``text`` at ``start``, with the personal
    data of ``spans`` blotted out; whole when it is itself personal data."""
    if personal:
        return MASK * len(excerpt)
    if not spans:
        return excerpt
    if text[start : start + len(excerpt)] == excerpt:
        excerpt = blot(text, spans)[start : start + len(excerpt)]
    # An excerpt that does not sit at its offsets may still quote the data.
    for value in sorted((text[a:b] for a, b in spans), key=len, reverse=True):
        if value:
            excerpt = excerpt.replace(value, MASK * len(value))
    return excerpt


def masked_text(comment):
    """Return the comment's text with its personal data blotted out.

    Reads ``comment.matches``, which list pages prefetch.
    """
    return blot(comment.text, personal_spans(comment.matches.all()))


def masked_excerpt(match, comment):
    """Return the excerpt of one of ``comment``'s matches, personal data blotted out."""
    return blot_excerpt(
        match.excerpt,
        start=match.start,
        text=comment.text,
        spans=personal_spans(comment.matches.all()),
        personal=is_personal(match),
    )


def visible_text(comment, user=None):
    """Return the comment's text as ``user`` may see it (masked without a user)."""
    if user is not None and sees_personal_data(user, comment):
        return comment.text
    return masked_text(comment)


def visible_excerpt(match, comment, user=None):
    """Return a match's excerpt as ``user`` may see it (masked without a user)."""
    if user is not None and sees_personal_data(user, comment):
        return match.excerpt
    return masked_excerpt(match, comment)


@dataclass(frozen=True)
class CommentView:
    """A comment's text and match excerpts as one person may see them."""

    text: str
    excerpts: dict


def comment_view_for(user, comment):
    """Return the ``CommentView`` of ``comment`` for ``user``."""
    matches = list(comment.matches.all())
    if user is not None and sees_personal_data(user, comment):
        return CommentView(comment.text, {m.pk: m.excerpt for m in matches})
    spans = personal_spans(matches)
    return CommentView(
        blot(comment.text, spans),
        {
            m.pk: blot_excerpt(
                m.excerpt,
                start=m.start,
                text=comment.text,
                spans=spans,
                personal=is_personal(m),
            )
            for m in matches
        },
    )
