"""Automated actions: a rule may act on its own (off by default); its
statement says so and its author may ask for a review by a person."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from decisions.models import Appeal, Statement
from decisions.references import link_secret
from decisions.services.appeals import appeal_decide, appeal_lodge
from moderation.models import Comment
from policies import acting
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


# -- only at certain hours: critical threats at night ---------------------------

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
NIGHT = {"days": "12345", "start": datetime.time(22), "end": datetime.time(6)}


def local(*args):
    return datetime.datetime(*args, tzinfo=TORONTO)


@pytest.mark.parametrize(
    ("at", "acts"),
    [
        (local(2026, 12, 1, 21, 59), False),  # Tuesday, a minute before
        (local(2026, 12, 1, 22, 0), True),  # at the start
        (local(2026, 12, 2, 5, 59), True),  # Wednesday morning, from Tuesday
        (local(2026, 12, 2, 6, 0), False),  # at the end
        (local(2026, 12, 5, 23, 0), False),  # Saturday night: not a listed day
        (local(2026, 12, 5, 5, 0), True),  # Saturday morning, from Friday
        (local(2026, 12, 7, 5, 0), False),  # Monday morning, from Sunday
    ],
)
def test_an_overnight_window_on_weekdays(at, acts):
    assert acting.acts_at(at, **NIGHT) is acts


def test_a_window_across_the_change_of_hour():
    # 8 March 2026: clocks go forward at 2:00 in Toronto; Sunday is listed.
    window = {"days": "7", "start": datetime.time(1), "end": datetime.time(4)}
    before = datetime.datetime(2026, 3, 8, 6, 59, tzinfo=datetime.UTC)  # 1:59 EST
    after = datetime.datetime(2026, 3, 8, 7, 0, tzinfo=datetime.UTC)  # 3:00 EDT
    closed = datetime.datetime(2026, 3, 8, 8, 0, tzinfo=datetime.UTC)  # 4:00 EDT
    assert acting.acts_at(before.astimezone(TORONTO), **window)
    assert acting.acts_at(after.astimezone(TORONTO), **window)
    assert not acting.acts_at(closed.astimezone(TORONTO), **window)


def test_days_alone_and_no_window_at_all():
    assert acting.acts_at(local(2026, 12, 5, 12), days="67", start=None, end=None)
    assert not acting.acts_at(local(2026, 12, 4, 12), days="67", start=None, end=None)
    assert acting.acts_at(local(2026, 12, 4, 12), days="", start=None, end=None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"acts_alone_days": "18"}, "acts_alone_days"),
        ({"acts_alone_days": "11"}, "acts_alone_days"),
        ({"acts_alone_from": datetime.time(22)}, "acts_alone_until"),
        ({"acts_alone_until": datetime.time(6)}, "acts_alone_from"),
        (
            {"acts_alone_from": datetime.time(6), "acts_alone_until": datetime.time(6)},
            "acts_alone_until",
        ),
        ({"acts_alone": False, "acts_alone_days": "1"}, "acts_alone_days"),
    ],
)
def test_a_bad_window_is_refused_with_its_field(framework, fields, field):
    rule = Rule.objects.get(slug="offensive-content")
    for name, value in {"acts_alone": True, **fields}.items():
        setattr(rule, name, value)
    with pytest.raises(ValidationError) as refused:
        rule.clean()
    assert field in refused.value.message_dict


def test_the_admin_form_shows_a_bad_window_on_its_fields(framework):
    from policies.forms import RuleAdminForm

    rule = Rule.objects.get(slug="offensive-content")
    data = {"acts_alone": "on"}
    form = RuleAdminForm(
        data={**data, "acts_alone": "on", "acts_alone_from": "22:00"}, instance=rule
    )
    assert not form.is_valid()
    assert form.errors["acts_alone_until"] == [
        "Give both the hour it starts and the hour it ends."
    ]
    form = RuleAdminForm(
        data={
            **data,
            "acts_alone": "on",
            "acts_alone_days": ["5", "1"],
            "acts_alone_from": "22:00",
            "acts_alone_until": "06:00",
        },
        instance=rule,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["acts_alone_days"] == "15"
    shown = str(RuleAdminForm(instance=form.save(commit=False))["acts_alone_days"])
    assert re.search(r'value="5"[^>]* checked', shown)
    assert not re.search(r'value="2"[^>]* checked', shown)


def test_a_draft_with_a_bad_window_is_not_published(personas):
    from policies.services.rulebook import PolicyError

    draft = policy_version_create_draft(actor=personas["manager"])
    draft.rules.filter(slug="offensive-content").update(
        acts_alone=True, acts_alone_from=datetime.time(22)
    )
    with pytest.raises(PolicyError) as refused:
        policy_version_publish(version=draft, actor=personas["manager"])
    assert "offensive-content" in str(refused.value)


def acting_at_night(manager):
    from django.test import TestCase

    draft = policy_version_create_draft(actor=manager)
    draft.rules.filter(slug="offensive-content").update(
        acts_alone=True,
        acts_alone_days="12345",
        acts_alone_from=datetime.time(22),
        acts_alone_until=datetime.time(6),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)


def test_a_rule_acting_at_night_only_hides_at_night_and_says_so(
    channel, personas, client, django_capture_on_commit_callbacks
):
    acting_at_night(personas["manager"])
    with (
        time_machine.travel(local(2026, 12, 1, 12, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        noon = ingest(channel, external_id="noon")
    noon.refresh_from_db()
    assert noon.status == Comment.Status.NEW
    with (
        time_machine.travel(local(2026, 12, 1, 23, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        night = ingest(channel, external_id="night")
    night.refresh_from_db()
    assert night.status == Comment.Status.HIDDEN
    statement = Statement.objects.get(comment=night)
    assert statement.acting_window == {
        "days": "12345",
        "from": "22:00",
        "until": "06:00",
        "zone": "America/Toronto",
    }
    page = client.get(reverse("decisions:statement", args=[statement.reference]))
    text = re.sub(r"[ \n]+", " ", page.content.decode())
    # The comment is in French: so is its page, and the hours are local.
    assert (
        "Cette règle n’agit d’elle-même que ces jours-ci\u00a0: lundi, mardi, "
        "mercredi, jeudi, vendredi, de 22:00 à 06:00 (heure de America/Toronto)."
    ) in text
