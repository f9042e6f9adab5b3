"""The public Report content form: throttled, a honeypot, a receipt and the
decision mailed, linked to our comment."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutgoingMail
from decisions.models import Notice
from tests.decisions.conftest import ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "https://www.facebook.com/organisation/posts/1?comment_id=c-1"


def form(**changes):
    data = {
        "url": URL,
        "reasons": "Defamation of our staff <b>bold</b>",
        "name": "Marie Curie",
        "email": "marie@example.org",
        "good_faith": "on",
        "website": "",
    }
    data.update(changes)
    return data


def test_a_report_is_queued_linked_to_our_comment_and_receipted(
    channel, client, django_capture_on_commit_callbacks
):
    comment = ingest(channel)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("decisions:report"), form())
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.comment == comment
    assert notice.status == Notice.Status.PENDING
    assert notice.due_at > notice.received_at
    receipt = OutgoingMail.objects.get(kind=OutgoingMail.Kind.NOTICE_RECEIPT)
    assert receipt.recipients == ["marie@example.org"]
    assert notice.reference in receipt.body
    assert [m.to for m in mail.outbox] == [["marie@example.org"]]
    page = client.get(response["Location"])
    assert notice.reference in page.content.decode()


def test_a_report_of_an_address_not_ours_is_kept_unlinked(client, db):
    client.post(reverse("decisions:report"), form(url="https://example.com/x"))
    assert Notice.objects.get().comment is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("good_faith", ""),
        ("url", "javascript:alert(1)"),
        ("url", "ftp://example.org/x"),
        ("email", "not-an-address"),
        ("reasons", ""),
        ("name", "x" * 201),
    ],
)
def test_bad_input_is_a_400_with_the_fields_message_and_nothing_stored(
    client, db, field, value
):
    response = client.post(reverse("decisions:report"), form(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Notice.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_the_honeypot_stores_nothing_and_says_nothing(client, db):
    response = client.post(reverse("decisions:report"), form(website="http://spam"))
    assert response.status_code == 302
    assert not Notice.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_an_address_is_throttled_after_five_reports_an_hour(client, db, settings):
    # The tests' settings raise every rate; this one is the product's default.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"report_content_address": "5/hour"},
    }
    for _ in range(5):
        assert client.post(reverse("decisions:report"), form()).status_code == 302
    response = client.post(reverse("decisions:report"), form())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Notice.objects.count() == 5


def test_the_decision_is_mailed_and_decided_once(channel, personas, client):
    ingest(channel)
    client.post(reverse("decisions:report"), form())
    notice = Notice.objects.get()
    client.force_login(personas["responder"])
    url = reverse("decisions:notice", args=[notice.pk])
    assert client.get(url).status_code == 403
    client.force_login(personas["approver"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "maybe", "reasons": "x"}).status_code == 400
    response = client.post(url, {"outcome": "acted", "reasons": "Hidden: defamation."})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ACTED
    assert notice.decided_by == personas["approver"]
    decision = OutgoingMail.objects.get(kind=OutgoingMail.Kind.NOTICE_DECISION)
    assert "Hidden: defamation." in decision.body
    client.post(url, {"outcome": "rejected", "reasons": "again"})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ACTED
    assert OutgoingMail.objects.filter(kind="notice_decision").count() == 1
