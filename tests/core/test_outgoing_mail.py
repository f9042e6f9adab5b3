"""Every e-mail leaves through one outgoing mail: written in the transaction
that decides it, sent after commit, retried a bounded number of times, and
failed mails visible and retried by managers."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core import mail as outgoing
from core import retry
from core.models import OutgoingMail
from moderation.models import Comment, Notification
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from moderation.sla.notifications import notifications_send
from moderation.sla.sweep import sla_sweep
from policies.models import LegalReference
from policies.services.legal import legal_references_notify_overdue
from staffing.models import BusinessCalendar, Shift, TrainingProgram
from staffing.services.alerts import accreditations_warn_expiring, coverage_gaps_alert
from staffing.services.grants import accreditation_grant

REFUSING = "tests.mailbackends.RefusingBackend"
OUTSIDE_TRANSACTIONS = "tests.mailbackends.OutsideTransactionsBackend"


def queue(**extra):
    return outgoing.mail_queue(
        kind="coverage_gaps",
        recipients=["b@example.org", "a@example.org", ""],
        subject="Hello\nthere",
        body="Body",
        **extra,
    )


@pytest.mark.django_db
def test_a_failing_mail_is_retried_with_backoff_then_marked_failed(settings):
    settings.EMAIL_BACKEND = REFUSING
    message = queue()
    assert message.recipients == ["a@example.org", "b@example.org"]
    assert message.subject == "Hello there"  # no header injection
    for attempt in range(1, retry.MAX_ATTEMPTS + 1):
        message.refresh_from_db()
        with time_machine.travel(message.next_attempt_at, tick=False):
            status = outgoing.mail_send(mail_id=message.pk)
            # Not due again until its backoff ends.
            assert outgoing.mail_send(mail_id=message.pk) is None
        message.refresh_from_db()
        assert message.attempts == attempt
        assert message.last_error == "ConnectionRefusedError: mail server down"
        expected = "failed" if attempt == retry.MAX_ATTEMPTS else "pending"
        assert status == expected
    # Ten attempts, then it stays failed: the sweep leaves it alone.
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(days=1)):
        assert outgoing.mails_send_due() == 0
        assert outgoing.mail_send(mail_id=message.pk) is None
    assert [retry.backoff(n) for n in (1, 2, 3, 7, 10)] == [
        datetime.timedelta(minutes=minutes) for minutes in (1, 2, 4, 60, 60)
    ]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_manager_puts_a_failed_mail_back_in_line(
    settings, personas, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING
    message = queue()
    OutgoingMail.objects.filter(pk=message.pk).update(
        status="failed", attempts=retry.MAX_ATTEMPTS
    )
    with pytest.raises(PermissionDenied):
        outgoing.mail_retry(mail=message, actor=personas["responder"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert outgoing.mail_retry(mail=message, actor=personas["manager"])
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert outgoing.mail_retry(mail=message, actor=personas["manager"]) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_mails_show_in_the_admin_with_a_retry_action(
    client, personas, django_capture_on_commit_callbacks
):
    message = queue()
    OutgoingMail.objects.filter(pk=message.pk).update(
        status="failed", attempts=10, last_error="SMTPRecipientsRefused: nope"
    )
    client.force_login(personas["manager"])
    page = client.get("/admin/core/outgoingmail/?status__exact=failed")
    assert page.status_code == 200
    assert "SMTPRecipientsRefused: nope" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/core/outgoingmail/",
            {"action": "retry", "_selected_action": [message.pk]},
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "sent"


@pytest.mark.django_db
def test_a_rolled_back_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the business transaction fails")
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_an_sla_notification_is_written_to_the_mail_once_with_masked_text(
    channel, personas, django_capture_on_commit_callbacks
):
    comment, _ = comment_ingest(
        channel=channel,
        external_id="c-1",
        author="x",
        text="Votre service est le pire, écrivez-moi à jean.tremblay@example.com",
        posted_at=timezone.now() - datetime.timedelta(days=2),
    )
    comment_claim(comment=comment, actor=personas["responder"])
    sla_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_send() == 3  # warning, breach, manager's breach
    assert notifications_send() == 0
    notification = Notification.objects.get(
        kind="sla_breach", recipient=personas["responder"]
    )
    assert notification.mail.status == "sent"
    assert OutgoingMail.objects.count() == 3
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "jean.tremblay@example.com" not in message.body
        assert "Votre service est le pire" in message.body


# -- no mail server inside a transaction ----------------------------------------


@pytest.fixture
def outside_transactions(settings):
    settings.EMAIL_BACKEND = OUTSIDE_TRANSACTIONS


@pytest.mark.django_db(transaction=True)
def test_a_critical_alert_is_sent_after_commit(channel, personas, outside_transactions):
    Shift.objects.create(
        responder=personas["responder"],
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    comment_ingest(
        channel=channel,
        external_id="c-1",
        author="x",
        text="Je vais te tuer",
        posted_at=timezone.now(),
    )
    assert [m.to for m in mail.outbox] == [["responder@example.org"]]
    assert OutgoingMail.objects.get().status == "sent"
    assert Comment.objects.get().alerted_at is not None


@pytest.mark.django_db(transaction=True)
def test_sla_notifications_are_sent_after_commit(
    channel, personas, outside_transactions
):
    comment, _ = comment_ingest(
        channel=channel,
        external_id="c-1",
        author="x",
        text="Votre service est le pire",
        posted_at=timezone.now() - datetime.timedelta(days=2),
    )
    comment_claim(comment=comment, actor=personas["responder"])
    # The sweep queues the notifications' task after commit (eager here).
    sla_sweep()
    assert len(mail.outbox) == Notification.objects.count() == 3
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_staffing_and_policies_mails_are_sent_after_commit(
    framework, personas, outside_transactions
):
    now = timezone.now()
    # The organisation's date, as the service reads it: at 00:30 UTC it is
    # still yesterday in Montréal.
    LegalReference.objects.update(next_review_due=timezone.localdate(now))
    legal_references_notify_overdue()
    program = TrainingProgram.objects.create(slug="p", name_fr="P", name_en="P")
    accreditation_grant(
        actor=personas["manager"],
        responder=personas["responder"],
        program=program,
        granted_at=now - datetime.timedelta(days=300),
        expires_at=now + datetime.timedelta(days=20),
    )
    accreditations_warn_expiring()
    assert BusinessCalendar.objects.filter(always_open=True).exists()
    coverage_gaps_alert(days=7)
    kinds = sorted(OutgoingMail.objects.values_list("kind", flat=True))
    # The expiry: one e-mail to the responder, one to the staff managers.
    assert kinds == [
        "accreditation_expiring",
        "accreditation_expiring",
        "coverage_gaps",
        "legal_reviews_overdue",
    ]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_the_dashboard_counts_failed_and_waiting_mails(client, personas):
    failed, _waiting = queue(), queue()
    OutgoingMail.objects.filter(pk=failed.pk).update(status="failed")
    client.force_login(personas["manager"])
    page = client.get("/dashboard/").content.decode()
    assert "1 en échec, 1 en attente" in page
    assert "/admin/core/outgoingmail/?status__exact=failed" in page
    client.force_login(personas["approver"])  # reads the dashboard, not the admin
    page = client.get("/dashboard/").content.decode()
    assert "1 en échec, 1 en attente" in page
    assert "/admin/core/outgoingmail/" not in page


def test_every_notification_kind_is_an_outgoing_mail_kind_in_words():
    from core.models import OutgoingMail
    from moderation.models import Notification

    assert set(Notification.Kind.values) <= set(OutgoingMail.Kind.values)
    assert all(label != value for value, label in OutgoingMail.Kind.choices)


def test_an_unknown_kind_of_mail_is_refused(db):
    from core.mail import mail_queue
    from core.models import OutgoingMail

    with pytest.raises(ValueError):
        mail_queue(
            kind="newsletter", recipients=["a@example.org"], subject="x", body="y"
        )
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_subject_keeps_the_non_breaking_space_french_puts_before_a_colon():
    message = outgoing.mail_queue(
        kind="coverage_gaps",
        recipients=["a@example.org"],
        subject="Écarts\u00a0: 2\r\n  ce week-end",
        body="Corps",
    )
    assert message.subject == "Écarts\u00a0: 2 ce week-end"


@pytest.mark.django_db
def test_each_recipient_reads_the_mail_in_their_own_language(personas):
    from django.utils.translation import get_language

    english, french, default = (
        personas["responder"], personas["manager"], personas["approver"]
    )  # fmt: skip
    english.language, french.language = "en", "fr"
    personas["outsider"].email = ""

    def compose(language):
        assert get_language() == language
        return f"Subject {language}", f"Body {language}"

    mails = outgoing.mail_queue_each(
        kind="coverage_gaps",
        people=[english, french, default, personas["outsider"]],
        compose=compose,
    )
    # The site's language (fr) for whoever chose none; one mail per language.
    assert [(m.subject, m.recipients) for m in mails] == [
        ("Subject en", [english.email]),
        ("Subject fr", sorted([french.email, default.email])),
    ]
