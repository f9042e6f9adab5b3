"""Automated actions: a rule that acts alone hides a matching comment at once.

Off by default (``policies.Rule.acts_alone``), and limited, when the rule
says so, to days and hours of the organisation's time zone. The hide is an ordinary
transition with no actor, announced as automated, so that its statement of
reasons says no person decided and its author may ask for a human review.
"""

from django.db import transaction
from django.utils import timezone

from moderation import registry, restrictions
from moderation.models import Comment
from moderation.services.outbox import outbox_comment_action
from moderation.services.transitions import Conflict, S, transition
from policies.acting import acts_at
from policies.models import Action, Rule


def rules_acting_alone(policy_version):
    """Return the rules of a version that hide on their own, by slug, with
    their windows (days, from, until)."""
    rules = Rule.objects.filter(
        version__number=policy_version, acts_alone=True, action=Action.HIDE
    ).values_list("slug", "acts_alone_days", "acts_alone_from", "acts_alone_until")
    return {slug: (days, start, end) for slug, days, start, end in rules}


def acting_rule(comment, rule_slugs, cache=None, *, now=None):
    """Return the first matched rule of ``comment`` that acts alone at
    ``now`` (within its window, in the organisation's time zone), or "".

    ``cache`` (a dict) keeps each version's rules across a batch."""
    if not rule_slugs:
        return ""
    cache = {} if cache is None else cache
    if comment.policy_version not in cache:
        cache[comment.policy_version] = rules_acting_alone(comment.policy_version)
    acting = cache[comment.policy_version]
    local = timezone.localtime(now or timezone.now())
    for slug in rule_slugs:
        if slug in acting:
            days, start, end = acting[slug]
            if acts_at(local, days=days, start=start, end=end):
                return slug
    return ""


def comments_auto_hide(*, comment_ids, now=None):
    """Hide the new comments among ``comment_ids`` that a rule acting alone
    matched; return the ids hidden."""
    now = now or timezone.now()
    hidden = []
    comments = Comment.objects.filter(pk__in=comment_ids, status=S.NEW).select_related(
        "channel"
    )
    cache = {}
    for comment in comments.prefetch_related("matches"):
        slugs = [m.rule for m in comment.matches.all()]
        slug = acting_rule(comment, slugs, cache, now=now)
        if not slug:
            continue
        try:
            with transaction.atomic():
                comment = transition(
                    comment,
                    actor=None,
                    action="hidden",
                    allowed_from=(S.NEW,),
                    to=S.HIDDEN,
                    reason=f"automated: rule {slug}",
                    now=now,
                )
                outbox_comment_action(
                    comment,
                    kind=registry.HIDE_KIND,
                    ability=registry.Ability.HIDE,
                    now=now,
                )
                restrictions.restricted(
                    comment=comment,
                    kind=restrictions.Kind.HIDDEN,
                    actor=None,
                    reason="",
                    at=now,
                    automated=True,
                    rule=slug,
                )
        except Conflict:  # claimed meanwhile: a person has it
            continue
        hidden.append(comment.pk)
    return hidden
