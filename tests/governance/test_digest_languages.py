"""The digests and alerts sent to several people: each recipient reads the
whole e-mail, subject and body, dates and numbers included, in their own
language, and someone without a preference in the site's."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from staffing.models import Accreditation
from staffing.services.grants import accreditation_grant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# A Friday evening in Montréal.
NOW = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


@pytest.fixture
def readers(personas):
    """A manager who reads French, one who reads English, and the manager
    persona, who chose nothing: the site's language, French."""
    french = make_user("franco", ["manager"], language="fr")
    english = make_user("anglo", ["manager"], language="en")
    assert personas["manager"].language == ""
    return french, english, personas["manager"]


def _sent():
    by_address = {}
    for message in mail.outbox:
        for address in message.to:
            assert address not in by_address, f"{address} got two e-mails"
            by_address[address] = message
    return by_address


def test_the_coverage_gap_alert_speaks_each_managers_language(
    readers, django_capture_on_commit_callbacks
):
    from staffing.services.alerts import coverage_gaps_alert

    french, english, unset = readers
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert coverage_gaps_alert(now=NOW)
    sent = _sent()
    en, fr = sent[english.email], sent[french.email]
    assert en.subject == "1 period without anyone on duty"
    assert fr.subject == "1 période sans personne de garde"
    assert en.body.startswith("Nobody who may answer is on shift during:")
    assert fr.body.startswith("Personne qui peut répondre")
    # The weekday and the decimals as each language writes them.
    assert "from Fri 2026-11-27 16:00 to Fri 2026-12-11 16:00 (336.0 h)" in en.body
    assert "du ven 2026-11-27 16:00 au ven 2026-12-11 16:00 (336,0\u00a0h)" in fr.body
    assert "Fri" not in fr.body and "336.0" not in fr.body
    # No preference: the site's language.
    assert sent[unset.email] is fr


def test_the_legal_review_digest_speaks_each_managers_language(
    readers, framework, django_capture_on_commit_callbacks
):
    from policies.models import LegalReference
    from policies.services.legal import legal_references_notify_overdue

    french, english, unset = readers
    LegalReference.objects.filter(slug="ca-criminal-code").update(
        next_review_due=NOW.date() - datetime.timedelta(days=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert legal_references_notify_overdue(today=NOW.date())
    sent = _sent()
    en, fr = sent[english.email], sent[french.email]
    assert en.subject == "1 legal reference is due for review"
    assert fr.subject == "1 référence juridique est à réviser"
    assert "- Criminal Code (R.S.C. 1985, c. C-46) (CA): review due 2026-11-26" in (
        en.body
    )
    assert (
        "- Code criminel (L.R.C. 1985, ch. C-46) (CA)\u00a0: révision prévue le "
        "2026-11-26" in fr.body
    )
    assert "Criminal Code" not in fr.body and "Code criminel" not in en.body
    assert sent[unset.email] is fr


def test_the_expiry_warning_speaks_the_responders_and_the_managers_language(
    readers, framework, django_capture_on_commit_callbacks
):
    from staffing.models import TrainingProgram
    from staffing.services.alerts import accreditations_warn_expiring

    french, english, unset = readers
    responder = make_user("newcomer", ["responder"], language="en")
    responder.manager = french
    responder.save()
    program = TrainingProgram.objects.get(slug="social-media-response")
    accreditation_grant(
        actor=unset, responder=responder, program=program,
        granted_at=NOW - datetime.timedelta(days=300),
        expires_at=NOW + datetime.timedelta(days=29, hours=12),
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert accreditations_warn_expiring(now=NOW)
    sent = _sent()
    assert set(sent) == {responder.email, french.email}
    en, fr = sent[responder.email], sent[french.email]
    expires = timezone.localtime(
        Accreditation.objects.get(responder=responder).expires_at
    ).strftime("%Y-%m-%d %H:%M")
    assert en.subject == "Accreditation expiring in 30 days: newcomer"
    assert fr.subject == "Accréditation expirant dans 30 jours\u00a0: newcomer"
    # The responder, in English, about their own accreditation and the way
    # to renew it; their manager, in French, about the responder's.
    assert (
        f"Your accreditation in Answering on social media expires on {expires}."
        in en.body
    )
    assert "Take the refresher exam in My training" in en.body
    assert (
        f"L’accréditation de newcomer en Répondre sur les médias sociaux expire "
        f"le {expires}." in fr.body
    )
    assert "examen" not in fr.body


def test_the_crisis_alert_speaks_each_managers_language(
    readers, channel, settings, django_capture_on_commit_callbacks
):
    from moderation.models import Comment
    from moderation.services.crisis import crises_detect
    from moderation.services.ingest import comment_ingest

    french, english, unset = readers
    settings.CRISIS_FACTOR, settings.CRISIS_MIN_COMMENTS = 3.0, 10
    now = timezone.now()

    def burst(count, at, prefix):
        for i in range(count):
            comment_ingest(
                channel=channel, external_id=f"{prefix}-{i}", author="someone",
                text="Bonjour", posted_at=at, now=at, route=False,
            )  # fmt: skip
        Comment.objects.filter(external_id__startswith=f"{prefix}-").update(
            received_at=at
        )

    # 2, 3, 2, 3 comments in this hour of the last four weeks: 2.5 usually.
    for week, count in ((1, 2), (2, 3), (3, 2), (4, 3)):
        burst(count, now - datetime.timedelta(weeks=week, minutes=20), f"u{week}")
    burst(13, now - datetime.timedelta(minutes=5), "surge")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [episode] = crises_detect(now=now)
    assert episode.baseline == 2.5
    sent = _sent()
    en, fr = sent[english.email], sent[french.email]
    assert en.subject.startswith("Surge of comments on")
    assert fr.subject.startswith("Afflux de commentaires")
    assert "against 2.5 usually at this hour" in en.body
    assert "2,5" in fr.body and "2.5" not in fr.body
    assert sent[unset.email] is fr
