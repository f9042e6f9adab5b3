"""Overdue legal reviews are notified to managers once per reference and due date."""

import datetime

import pytest
import time_machine
from django.core import mail

from policies.models import LegalReference
from policies.services.legal import legal_references_notify_overdue
from policies.tasks import legal_reviews_notify_overdue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def references(empty_rulebook, personas):
    def make(slug, due):
        return LegalReference.objects.create(
            slug=slug,
            kind="law",
            title_fr=f"Loi {slug}",
            title_en=f"Act {slug}",
            jurisdiction="CA-QC",
            next_review_due=due,
        )

    return {
        "overdue": make("overdue", TODAY - datetime.timedelta(days=3)),
        "due-today": make("due-today", TODAY),
        "later": make("later", TODAY + datetime.timedelta(days=1)),
    }


def test_overdue_references_are_notified_once(
    references, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claimed = legal_references_notify_overdue(today=TODAY)
    assert sorted(ref.slug for ref in claimed) == ["due-today", "overdue"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@example.org"]
    assert "Loi overdue" in message.body and "Loi due-today" in message.body
    assert "Loi later" not in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert legal_references_notify_overdue(today=TODAY) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert legal_references_notify_overdue(
            today=TODAY + datetime.timedelta(days=5)
        ) == [references["later"]]
    assert len(mail.outbox) == 2


def test_a_new_due_date_is_notified_again(
    references, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        legal_references_notify_overdue(today=TODAY)
    reference = references["overdue"]
    reference.reviewed_by = "Me Gagnon"
    reference.reviewed_on = TODAY
    reference.review_status = LegalReference.ReviewStatus.REVIEWED
    reference.next_review_due = TODAY + datetime.timedelta(days=365)
    reference.save()
    next_year = TODAY + datetime.timedelta(days=366)
    with django_capture_on_commit_callbacks(execute=True):
        claimed = legal_references_notify_overdue(today=next_year)
    assert reference in claimed


def test_the_daily_task_uses_the_local_date(
    references, django_capture_on_commit_callbacks
):
    # 02:00 UTC on 2 December is still 1 December in Montréal.
    night = datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC)
    with (
        time_machine.travel(night),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = legal_reviews_notify_overdue.delay()
    assert sorted(result.get()) == ["due-today", "overdue"]
    assert len(mail.outbox) == 1


def test_reviewed_requires_who_and_when():
    reference = LegalReference(
        slug="x", kind="law", title_fr="x", title_en="x", jurisdiction="CA",
        next_review_due=TODAY, review_status="reviewed",
    )  # fmt: skip
    with pytest.raises(Exception, match="who reviewed"):
        reference.clean()
