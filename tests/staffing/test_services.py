"""Grants, accreditations and their history; expiry warnings sent once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from staffing import selectors
from staffing.delegation import ACCREDITATION_EXPIRED, ALLOWED
from staffing.models import Accreditation, DelegationGrant, TrainingProgram
from staffing.services.alerts import accreditations_warn_expiring
from staffing.services.grants import (
    accreditation_grant,
    accreditation_revoke,
    grant_create,
    grant_revoke,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def program():
    return TrainingProgram.objects.create(
        slug="response", name_fr="Réponse", name_en="Response", validity_months=12
    )


def test_accreditation_defaults_to_the_program_validity(personas, program):
    accreditation = accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program,
        granted_at=datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC),
    )  # fmt: skip
    assert accreditation.expires_at == datetime.datetime(
        2027, 1, 31, tzinfo=datetime.UTC
    )
    assert accreditation.granted_by == personas["manager"]
    assert accreditation.history.first().history_user == personas["manager"]


def test_a_grant_needs_the_required_accreditation(personas, program):
    manager, responder = personas["manager"], personas["responder"]
    with pytest.raises(ValidationError, match="holds no valid accreditation"):
        grant_create(
            actor=manager, responder=responder, required_program=program, valid_from=NOW
        )
    accreditation_grant(
        actor=manager, responder=responder, program=program,
        granted_at=NOW - datetime.timedelta(days=10),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="at level 2"):
        grant_create(
            actor=manager, responder=responder, required_program=program,
            required_level=2, valid_from=NOW,
        )  # fmt: skip
    grant = grant_create(
        actor=manager, responder=responder, required_program=program, valid_from=NOW,
        max_severity="high", channels=["facebook-main"], categories=["offensive"],
    )  # fmt: skip
    assert grant.granted_by == manager
    assert DelegationGrant.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"categories": ["nonsense"]}, "categories"),
        ({"channels": ["bad slug!"]}, "channels"),
        ({"valid_until": NOW - datetime.timedelta(days=1)}, "valid_until"),
        ({"max_severity": "apocalyptic"}, "max_severity"),
    ],
)
def test_bad_grants_are_refused_with_the_field(personas, program, changes, field):
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program,
        granted_at=NOW - datetime.timedelta(days=10),
    )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        grant_create(
            actor=personas["manager"], responder=personas["responder"],
            required_program=program, valid_from=NOW, **changes,
        )  # fmt: skip
    assert field in info.value.message_dict
    assert not DelegationGrant.objects.exists()


def test_only_managers_grant(personas, program):
    with pytest.raises(PermissionDenied):
        grant_create(
            actor=personas["approver"], responder=personas["responder"],
            required_program=program,
        )  # fmt: skip


def test_revocations_are_recorded_with_who_and_when(personas, program):
    manager, responder = personas["manager"], personas["responder"]
    accreditation = accreditation_grant(
        actor=manager, responder=responder, program=program,
        granted_at=NOW - datetime.timedelta(days=10),
    )  # fmt: skip
    grant = grant_create(
        actor=manager, responder=responder, required_program=program, valid_from=NOW
    )
    assert grant_revoke(actor=manager, grant=grant, now=NOW)
    assert not grant_revoke(actor=manager, grant=grant, now=NOW)
    grant.refresh_from_db()
    assert (grant.revoked_at, grant.revoked_by) == (NOW, manager)
    record = grant.history.first()
    assert record.history_user == manager and record.revoked_at == NOW
    assert accreditation_revoke(actor=manager, accreditation=accreditation, now=NOW)
    assert accreditation.history.first().history_user == manager


def test_an_expired_accreditation_removes_the_right_at_that_instant(personas, program):
    manager, responder = personas["manager"], personas["responder"]
    expiry = NOW + datetime.timedelta(days=3)
    accreditation_grant(
        actor=manager, responder=responder, program=program,
        granted_at=NOW - datetime.timedelta(days=10), expires_at=expiry,
    )  # fmt: skip
    grant_create(
        actor=manager, responder=responder, required_program=program, valid_from=NOW
    )
    comment = {
        "channel": "facebook-main",
        "categories": ["offensive"],
        "severity": "low",
    }
    minute = datetime.timedelta(minutes=1)
    before = selectors.may_answer_without_approval(
        responder=responder, at=expiry - minute, **comment
    )
    at = selectors.may_answer_without_approval(
        responder=responder, at=expiry, **comment
    )
    assert before.reason == ALLOWED
    assert at.reason == ACCREDITATION_EXPIRED


def test_expiry_warnings_go_out_30_and_7_days_before_once_each(
    personas, program, django_capture_on_commit_callbacks
):
    manager, responder = personas["manager"], personas["responder"]
    responder.manager = manager
    responder.save()
    accreditation = accreditation_grant(
        actor=manager, responder=responder, program=program,
        granted_at=NOW - datetime.timedelta(days=300),
        expires_at=NOW + datetime.timedelta(days=40),
    )  # fmt: skip

    def run(days_later):
        with django_capture_on_commit_callbacks(execute=True):
            return accreditations_warn_expiring(
                now=NOW + datetime.timedelta(days=days_later)
            )

    assert run(0) == []
    assert [days for days, _a in run(10)] == [30]
    assert run(11) == []
    assert [days for days, _a in run(33)] == [7]
    assert run(34) == []
    # Each warning: one e-mail to the responder (their own accreditation, the
    # way to the refresher exam), one to their manager (without it).
    assert [message.to for message in mail.outbox] == [
        ["responder@example.org"],
        ["manager@example.org"],
    ] * 2
    to_responder, to_manager = mail.outbox[0], mail.outbox[1]
    # Mail goes out in the site's default language.
    assert "expirant dans 30 jours" in to_responder.subject
    assert "expirant dans 30 jours" in to_manager.subject
    assert to_responder.body.startswith("Votre accréditation en ")
    assert "Passez l’examen de mise à jour" in to_responder.body
    assert to_manager.body.startswith("L’accréditation de ")
    assert "examen" not in to_manager.body
    accreditation.refresh_from_db()
    assert accreditation.warned_30_at and accreditation.warned_7_at


def test_grant_admin_refuses_a_grant_without_the_accreditation(
    client, personas, program
):
    client.force_login(personas["manager"])
    now = timezone.now()
    response = client.post(
        reverse("admin:staffing_delegationgrant_add"),
        {
            "responder": personas["responder"].pk,
            "channels": "[]",
            "categories": "[]",
            "max_severity": "medium",
            "required_program": program.pk,
            "required_level": 1,
            "valid_from_0": now.strftime("%Y-%m-%d"),
            "valid_from_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "ne détient aucune accréditation valide" in response.content.decode()
    assert not DelegationGrant.objects.exists()


def test_accreditation_admin_refuses_expiry_before_grant(client, personas, program):
    client.force_login(personas["manager"])
    response = client.post(
        reverse("admin:staffing_accreditation_add"),
        {
            "responder": personas["responder"].pk,
            "program": program.pk,
            "level": 1,
            "granted_at_0": "2026-06-01",
            "granted_at_1": "12:00:00",
            "expires_at_0": "2026-05-01",
            "expires_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert "L’expiration doit suivre l’octroi" in response.content.decode()
    assert not Accreditation.objects.exists()


def test_calendar_admin_refuses_an_unknown_time_zone(client, personas):
    client.force_login(personas["manager"])
    response = client.post(
        reverse("admin:staffing_businesscalendar_add"),
        {
            "slug": "mars",
            "name_fr": "Mars",
            "name_en": "Mars",
            "time_zone": "Mars/Olympus",
            "holiday_country": "CA",
            "holiday_subdivision": "QC",
            "windows-TOTAL_FORMS": "1",
            "windows-INITIAL_FORMS": "0",
            "windows-0-weekday": "0",
            "windows-0-starts": "17:00",
            "windows-0-ends": "09:00",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Fuseau horaire inconnu" in text
    assert "La plage doit fermer après avoir ouvert" in text
