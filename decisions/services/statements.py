"""Statements of reasons (DSA art. 17): one for every restriction, written in
the transaction that restricts, and sent to the author where the platform can."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core.transactions import after_commit
from decisions.models import Delivery, Statement
from decisions.references import link_secret, new_reference
from moderation import masking, registry
from moderation.models import OutboxMessage
from moderation.services.outbox import queue_send
from policies.acting import window_of
from policies.models import Action, Rule

FACTS_LENGTH = 280
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def statement_url(statement, *, secret=True):
    """Return the absolute address of the statement's page (with the secret
    that lets its holder appeal, unless ``secret=False``)."""
    path = reverse("decisions:statement", args=[statement.reference])
    if secret:
        path += f"?key={link_secret(statement.reference)}"
    return settings.PUBLIC_URL + path


def _main_match(comment, rules):
    """Return the match the statement stands on: one of a rule whose action is
    to hide first, words before personal data, then the most severe, then the
    first in the text."""
    matches = sorted(
        comment.matches.all(),
        key=lambda m: (
            getattr(rules.get(m.rule), "action", "")
            not in (Action.HIDE, Action.DELETE),
            # A detector's finding of personal data is rarely why it is hidden.
            masking.is_personal(m),
            SEVERITY_ORDER.get(m.severity, 9),
            m.start,
        ),
    )
    return matches[0] if matches else None


def _facts(comment, match):
    if match is not None:
        text = masking.masked_excerpt(match, comment)
    else:
        text = masking.masked_text(comment)
    text = " ".join(text.split())
    if len(text) > FACTS_LENGTH:
        text = text[: FACTS_LENGTH - 1] + "…"
    return text


def _rules(comment):
    slugs = {m.rule for m in comment.matches.all()}
    rules = Rule.objects.filter(
        version__number=comment.policy_version, slug__in=slugs
    ).prefetch_related("legal_references")
    return {rule.slug: rule for rule in rules}


def _rule_and_grounds(rule):
    if rule is None:
        return {}
    references = list(rule.legal_references.all())
    return {
        "rule_name_fr": rule.name_fr,
        "rule_name_en": rule.name_en,
        "grounds_fr": "\n".join(r.title_fr for r in references),
        "grounds_en": "\n".join(r.title_en for r in references),
    }


def _language(comment):
    codes = [code for code, _name in settings.LANGUAGES]
    return comment.language if comment.language in codes else settings.LANGUAGE_CODE


def statement_for_restriction(restriction):
    """Write the statement of a restriction (a ``moderation.restrictions``
    listener, called in the restricting transaction); return it."""
    comment = restriction.comment
    rules = _rules(comment)
    match = _main_match(comment, rules)
    slug = restriction.rule or (match.rule if match else "")
    fields = {
        "comment": comment,
        "kind": restriction.kind,
        "platform": comment.channel.platform,
        "restricted_at": restriction.at,
        "facts": _facts(comment, match),
        "rule": slug,
        "detected_automatically": match is not None or restriction.automated,
        "decided_automatically": restriction.automated,
        "language": _language(comment),
        "decided_by": restriction.actor,
        "minutes_to_decision": max(
            0, int((restriction.at - comment.received_at).total_seconds() // 60)
        ),
        **_rule_and_grounds(rules.get(slug)),
    }
    if restriction.automated and rules.get(slug) is not None:
        window = window_of(rules[slug])
        fields["acting_window"] = window and {**window, "zone": settings.TIME_ZONE}
    connector = registry.get(comment.channel.connector)
    if connector.can(registry.Ability.MESSAGE_AUTHOR):
        fields["delivery"] = Delivery.PRIVATE_MESSAGE
    # A clash of references is unlikely (31^8); retry once in a savepoint.
    for attempt in range(3):
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    reference=new_reference("D"), **fields
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    if statement.delivery == Delivery.PRIVATE_MESSAGE:
        _send_to_author(statement, comment, at=restriction.at)
    return statement


def window_text(statement):
    """Return the sentence saying when the rule that decided acts on its own
    ("" when at any time), in the active language."""
    window = statement.acting_window or {}
    if not window:
        return ""
    names = [str(WEEKDAYS[int(day) - 1]) for day in window.get("days", "")]
    if translation.get_language() != "en":
        # French writes the days of the week in lower case (Django's are capitalised).
        names = [name.lower() for name in names]
    days = ", ".join(names)
    hours = {}
    if window.get("from"):
        hours = {
            "start": time_format(datetime.time.fromisoformat(window["from"])),
            "end": time_format(datetime.time.fromisoformat(window["until"])),
        }
    zone = window.get("zone", settings.TIME_ZONE)
    if days and hours:
        return _(
            "The rule acts on its own only on %(days)s, from %(start)s to "
            "%(end)s (%(zone)s time)."
        ) % {"days": days, "zone": zone, **hours}
    if days:
        return _("The rule acts on its own only on %(days)s (%(zone)s time).") % {
            "days": days,
            "zone": zone,
        }
    return _(
        "The rule acts on its own only from %(start)s to %(end)s (%(zone)s time)."
    ) % {"zone": zone, **hours}


def notice_text(statement):
    """Return the private message that tells the author of the statement."""
    with translation.override(statement.language):
        return _(
            "Your comment on our page was restricted (%(kind)s). The reasons, "
            "and how to appeal within six months, are at %(url)s"
        ) % {
            "kind": statement.get_kind_display(),
            "url": statement_url(statement),
        }


def _send_to_author(statement, comment, *, at):
    message = OutboxMessage.objects.create(
        channel=comment.channel,
        comment=comment,
        kind=registry.STATEMENT_KIND,
        created_at=at,
        next_attempt_at=at,
        payload={
            "channel": comment.channel.slug,
            "comment": comment.external_id,
            "author": comment.author,
            "reference": statement.reference,
            "language": statement.language,
            "text": notice_text(statement),
        },
    )
    after_commit(queue_send, message.pk)
