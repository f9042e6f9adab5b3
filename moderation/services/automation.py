"""Automated actions: a rule that acts alone hides a matching comment at once.

Off by default (``policies.Rule.acts_alone``). The hide is an ordinary
transition with no actor, announced as automated, so that its statement of
reasons says no person decided and its author may ask for a human review.
"""

from django.db import transaction
from django.utils import timezone

from moderation import registry, restrictions
from moderation.models import Comment
from moderation.services.outbox import outbox_comment_action
from moderation.services.transitions import Conflict, S, transition
from policies.models import Action, Rule


def rules_acting_alone(policy_version):
    """Return the slugs of the rules of a version that hide on their own."""
    return frozenset(
        Rule.objects.filter(
            version__number=policy_version, acts_alone=True, action=Action.HIDE
        ).values_list("slug", flat=True)
    )


def acting_rule(comment, rule_slugs, cache=None):
    """Return the first matched rule of ``comment`` that acts alone, or "".

    ``cache`` (a dict) keeps each version's rules across a batch."""
    if not rule_slugs:
        return ""
    cache = {} if cache is None else cache
    if comment.policy_version not in cache:
        cache[comment.policy_version] = rules_acting_alone(comment.policy_version)
    acting = cache[comment.policy_version]
    return next((slug for slug in rule_slugs if slug in acting), "")


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
        slug = acting_rule(comment, [m.rule for m in comment.matches.all()], cache)
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
