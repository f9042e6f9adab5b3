"""Each person's language preference: their pages (after sign-in) and their
e-mails speak it, whatever the browser asks."""

import datetime

import pytest
from django.core import mail

from moderation.models import Comment, Notification
from moderation.services.alerts import comment_alert_critical
from moderation.services.ingest import comment_ingest
from moderation.sla.notifications import notifications_send
from staffing.models import Shift
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def test_pages_follow_the_preference_over_the_browser(client, responder):
    responder.language = "en"
    responder.save()
    client.force_login(responder)
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page["Content-Language"] == "en"
    assert "Nothing waiting. Well done." in page.content.decode()
    # A link naming its language still wins.
    assert client.get("/inbox/?lang=fr")["Content-Language"] == "fr"


def test_without_a_preference_the_browser_decides(client, responder):
    client.force_login(responder)
    assert client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def test_the_language_switch_keeps_the_choice(client, responder):
    client.force_login(responder)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    assert response.status_code == 302
    responder.refresh_from_db()
    assert responder.language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/inbox/"})
    responder.refresh_from_db()
    assert responder.language == "en"  # an unknown code changes nothing


def test_a_visitor_switches_without_an_account(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


@pytest.fixture
def comment(channel):
    comment, _ = comment_ingest(
        channel=channel, external_id="lang-1", author="voisin",
        text="Je vais te tuer", posted_at=NOW,
    )  # fmt: skip
    return comment


def test_a_critical_alert_goes_out_in_each_recipients_language(
    comment, django_capture_on_commit_callbacks
):
    english = make_user("english", ["responder"], language="en")
    french = make_user("french", ["responder"], language="fr")
    for person in (english, french):
        Shift.objects.create(
            responder=person,
            starts_at=NOW - datetime.timedelta(hours=1),
            ends_at=NOW + datetime.timedelta(hours=8),
        )
    Comment.objects.filter(pk=comment.pk).update(alerted_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_alert_critical(comment=comment, now=NOW)
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects == {
        ("english@example.org",): "Critical comment on Facebook @organisation",
        ("french@example.org",): "Commentaire critique sur Facebook @organisation",
    }


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Response overdue on Facebook @organisation"),
        ("", "Réponse en retard sur Facebook @organisation"),  # the site's language
    ],
)
def test_a_notification_speaks_its_recipients_language(
    comment, language, subject, django_capture_on_commit_callbacks
):
    person = make_user("someone", ["responder"], language=language)
    Notification.objects.create(
        comment=comment, recipient=person, kind=Notification.Kind.SLA_BREACH,
        deliver_after=NOW,
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_send(now=NOW) == 1
    [message] = mail.outbox
    assert message.subject == subject


@pytest.fixture
def managers_in_two_languages(personas):
    """The manager persona reads French (the site's language); another, English."""
    return personas["manager"], make_user("anglo", ["manager"], language="en")


def _by_recipient():
    return {tuple(m.to): m for m in mail.outbox}


def test_managers_mails_go_out_in_each_managers_language(
    managers_in_two_languages, channel, django_capture_on_commit_callbacks
):
    from moderation.services.channel_state import channel_credentials_refused
    from policies.models import LegalReference
    from policies.services.legal import legal_references_notify_overdue
    from staffing.models import BusinessCalendar
    from staffing.services.alerts import coverage_gaps_alert

    french, english = managers_in_two_languages
    LegalReference.objects.create(
        slug="overdue-law", kind="law", title_fr="Loi sur la protection",
        title_en="Protection Act", jurisdiction="CA-QC",
        next_review_due=NOW.date() - datetime.timedelta(days=1),
    )  # fmt: skip
    BusinessCalendar.objects.create(
        slug="always", name_fr="Toujours", name_en="Always", always_open=True
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        legal_references_notify_overdue(today=NOW.date())
    sent = _by_recipient()
    assert "legal reference is due for review" in sent[(english.email,)].subject
    assert "Protection Act" in sent[(english.email,)].body
    assert "à réviser" in sent[(french.email,)].subject
    assert "Loi sur la protection" in sent[(french.email,)].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert coverage_gaps_alert(now=NOW)
    sent = _by_recipient()
    assert "without anyone on duty" in sent[(english.email,)].subject
    assert "sans personne" in sent[(french.email,)].subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert channel_credentials_refused(channel, now=NOW)
    sent = _by_recipient()
    assert "the platform refused its credentials" in sent[(english.email,)].subject
    assert "la plateforme a refusé" in sent[(french.email,)].subject
