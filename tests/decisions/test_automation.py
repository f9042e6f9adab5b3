"""Automated actions: a rule may act on its own (off by default); its
statement says so and its author may ask for a review by a person."""

import pytest
from django.core.exceptions import PermissionDenied

from decisions.models import Appeal, Statement
from decisions.references import link_secret
from decisions.services.appeals import appeal_decide, appeal_lodge
from moderation.models import Comment
from policies.models import Rule
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_publish,
)
from tests.decisions.conftest import ingest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "forget_the_matcher"),
]


@pytest.fixture
def forget_the_matcher():
    """Drop the matcher compiled for the version published here, which the
    test's rollback removes, so that later tests compile version 1 again."""
    from policies import classify

    yield
    classify._cache.clear()


def acting_alone(manager, slug="offensive-content"):
    """Publish a new version of the rulebook in which ``slug`` acts alone
    (the matcher is compiled again once the publication commits)."""
    from django.test import TestCase

    draft = policy_version_create_draft(actor=manager)
    draft.rules.filter(slug=slug).update(acts_alone=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)


def test_no_rule_acts_alone_by_default(channel, django_capture_on_commit_callbacks):
    assert not Rule.objects.filter(acts_alone=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        comment = ingest(channel)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NEW
    assert not Statement.objects.exists()


def test_a_rule_acting_alone_hides_and_says_so_and_a_person_reviews(
    channel, personas, django_capture_on_commit_callbacks
):
    acting_alone(personas["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        comment = ingest(channel)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    event = comment.events.get(action="hidden")
    assert event.actor is None
    statement = Statement.objects.get(comment=comment)
    assert statement.decided_automatically
    assert statement.decided_by is None
    assert statement.rule == "offensive-content"
    review = appeal_lodge(
        statement=statement,
        secret=link_secret(statement.reference),
        reasons="A person should look at it.",
        kind=Appeal.Kind.HUMAN_REVIEW,
    )
    with pytest.raises(PermissionDenied):
        appeal_decide(
            appeal=review, actor=personas["responder"], outcome="upheld", reasons="x"
        )
    appeal_decide(
        appeal=review, actor=personas["approver"], outcome="reversed", reasons="Irony"
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.NEW


def test_a_comment_a_person_claimed_first_is_left_to_them(channel, personas):
    from moderation.services.automation import comments_auto_hide
    from moderation.services.triage import comment_claim

    acting_alone(personas["manager"])
    comment = ingest(channel)  # eager tasks wait for the commit: not run yet
    comment_claim(comment=comment, actor=personas["responder"])
    assert comments_auto_hide(comment_ids=[comment.pk]) == []
    comment.refresh_from_db()
    assert comment.status == Comment.Status.ASSIGNED
