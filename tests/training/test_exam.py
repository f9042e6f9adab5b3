"""The exam: a random draw per attempt, checked on the server, a time limit,
a pass mark; passing accredits at once, failing grants nothing and waits."""

import datetime
import random
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from staffing.models import Accreditation, DelegationGrant
from staffing.selectors import may_answer_without_approval
from tests.training.conftest import right_answers, wrong_answers
from training.models import Attempt, Choice
from training.services import TrainingError, attempt_start, attempt_submit

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)


def test_each_attempt_draws_its_own_questions_and_shuffles_options(
    program, responder, personas
):
    exam = program.exam
    first = attempt_start(
        user=responder, program=program, now=NOW, rng=random.Random(1)
    )
    other = attempt_start(
        user=personas["approver"], program=program, now=NOW, rng=random.Random(2)
    )
    assert len(first.draw) == exam.question_count
    assert [i["question"] for i in first.draw] != [i["question"] for i in other.draw]
    shuffled = [i["choices"] != sorted(i["choices"]) for i in first.draw + other.draw]
    assert any(shuffled)
    for item in first.draw:
        assert sorted(item["choices"]) == sorted(
            Choice.objects.filter(question_id=item["question"]).values_list(
                "pk", flat=True
            )
        )
    # Starting again resumes the same sitting.
    assert attempt_start(user=responder, program=program, now=NOW).pk == first.pk


def test_passing_accredits_at_once_and_delegation_follows(program, responder, manager):
    DelegationGrant.objects.create(
        responder=responder,
        required_program=program,
        required_level=1,
        max_severity="medium",
        valid_from=NOW - datetime.timedelta(days=1),
        granted_by=manager,
    )
    decision = {
        "channel": "facebook-main",
        "categories": ["denigration"],
        "severity": "low",
    }
    assert not may_answer_without_approval(
        responder=responder, at=NOW, **decision
    ).allowed
    attempt = attempt_start(user=responder, program=program, now=NOW)
    done = attempt_submit(
        attempt=attempt,
        user=responder,
        answers=right_answers(attempt),
        now=NOW + datetime.timedelta(minutes=5),
    )
    assert done.passed and done.score_percent == 100
    accreditation = Accreditation.objects.get(responder=responder)
    assert done.accreditation == accreditation
    assert accreditation.level == Accreditation.Level.EXPERT
    assert accreditation.granted_by is None  # no manager typed anything
    assert accreditation.expires_at == datetime.datetime(
        2027, 3, 2, 14, 5, tzinfo=datetime.UTC
    )
    assert may_answer_without_approval(
        responder=responder, at=NOW + datetime.timedelta(minutes=6), **decision
    ).allowed
    # ... and it expires with the accreditation.
    assert not may_answer_without_approval(
        responder=responder, at=accreditation.expires_at, **decision
    ).allowed


def test_level_follows_the_score(program, responder):
    exam = program.exam
    exam.question_count = 10
    exam.save()
    attempt = attempt_start(user=responder, program=program, now=NOW)
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    first = next(iter(answers))
    answers[first] = wrong[first]  # 9 of 10: advanced
    done = attempt_submit(attempt=attempt, user=responder, answers=answers, now=NOW)
    assert done.score_percent == 90 and done.passed
    assert done.accreditation.level == Accreditation.Level.ADVANCED


def test_a_failed_attempt_grants_nothing_and_waits_the_cool_down(program, responder):
    attempt = attempt_start(user=responder, program=program, now=NOW)
    done = attempt_submit(
        attempt=attempt, user=responder, answers=wrong_answers(attempt), now=NOW
    )
    assert done.passed is False and done.score_percent == 0
    assert done.accreditation is None
    assert not Accreditation.objects.filter(responder=responder).exists()
    cooldown = datetime.timedelta(hours=program.exam.cooldown_hours)
    with pytest.raises(TrainingError) as refused:
        attempt_start(
            user=responder,
            program=program,
            now=NOW + cooldown - datetime.timedelta(minutes=1),
        )
    assert refused.value.code == "cooldown"
    assert Attempt.objects.filter(user=responder).count() == 1
    again = attempt_start(user=responder, program=program, now=NOW + cooldown)
    assert again.pk != attempt.pk
    assert Attempt.objects.filter(user=responder).count() == 2  # every attempt kept


def test_the_time_limit_is_enforced_on_the_server(program, responder):
    attempt = attempt_start(user=responder, program=program, now=NOW)
    late = attempt.deadline + datetime.timedelta(minutes=1)
    done = attempt_submit(
        attempt=attempt, user=responder, answers=right_answers(attempt), now=late
    )
    assert done.timed_out and done.passed is False and done.answers == {}
    assert not Accreditation.objects.exists()
    # Just before the deadline, the same answers pass.
    with time_machine.travel(late + datetime.timedelta(days=2), tick=False):
        second = attempt_start(user=responder, program=program)
        done = attempt_submit(
            attempt=second, user=responder, answers=right_answers(second),
            now=second.deadline - datetime.timedelta(seconds=1),
        )  # fmt: skip
    assert done.passed


def test_an_abandoned_attempt_fails_when_the_next_one_starts(program, responder):
    attempt = attempt_start(user=responder, program=program, now=NOW)
    with pytest.raises(TrainingError):
        attempt_start(
            user=responder,
            program=program,
            now=attempt.deadline + datetime.timedelta(minutes=5),
        )
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.passed is False


def test_options_of_other_questions_and_double_submission_do_not_count(
    program, responder
):
    attempt = attempt_start(user=responder, program=program, now=NOW)
    right = right_answers(attempt)
    # Every answer moved to another question: none is one of its options.
    keys = list(right)
    moved = {keys[i]: right[keys[i - 1]] for i in range(len(keys))}
    done = attempt_submit(attempt=attempt, user=responder, answers=moved, now=NOW)
    assert done.score_percent == 0 and done.answers == {}
    with pytest.raises(TrainingError):
        attempt_submit(attempt=attempt, user=responder, answers=right, now=NOW)


def test_someone_elses_attempt_is_not_found_and_not_submittable(
    client, program, responder, personas
):
    attempt = attempt_start(user=responder, program=program, now=timezone.now())
    with pytest.raises(PermissionDenied):
        attempt_submit(attempt=attempt, user=personas["approver"], answers={})
    client.force_login(personas["approver"])
    assert client.get(reverse("training:attempt", args=[attempt.pk])).status_code == 404
    response = client.post(reverse("training:attempt-submit", args=[attempt.pk]))
    assert response.status_code == 404
    client.force_login(personas["outsider"])
    assert client.get(reverse("training:mine")).status_code == 403
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_the_expiry_warning_sends_the_responder_to_the_refresher_exam(
    program, responder
):
    from core.models import OutgoingMail
    from staffing.services.alerts import accreditations_warn_expiring

    attempt = attempt_start(user=responder, program=program, now=NOW)
    done = attempt_submit(
        attempt=attempt, user=responder, answers=right_answers(attempt), now=NOW
    )
    expiry = done.accreditation.expires_at
    sent = accreditations_warn_expiring(now=expiry - datetime.timedelta(days=29))
    assert [days for days, _a in sent] == [30]
    sent = accreditations_warn_expiring(now=expiry - datetime.timedelta(days=6))
    assert [days for days, _a in sent] == [7]
    mails = list(OutgoingMail.objects.values_list("recipients", "body"))
    anchor = f"{reverse('training:mine')}#program-{program.slug}"
    # The responder's two warnings send them to the exam; their managers'
    # tell of the expiry only.
    mine = [body for recipients, body in mails if recipients == [responder.email]]
    theirs = [body for recipients, body in mails if responder.email not in recipients]
    assert len(mine) == 2 and len(theirs) == 2
    assert all(anchor in body for body in mine)
    assert not any(anchor in body for body in theirs)


def test_a_refresher_passed_renews_from_the_expiry_and_stops_the_warnings(
    program, responder, client
):
    from staffing.services.alerts import accreditations_warn_expiring

    first = attempt_start(user=responder, program=program, now=NOW)
    assert first.kind == Attempt.Kind.EXAM
    held = attempt_submit(
        attempt=first, user=responder, answers=right_answers(first), now=NOW
    ).accreditation
    assert held.expires_at == NOW.replace(year=2027)
    early = held.expires_at - datetime.timedelta(days=20)
    with time_machine.travel(early, tick=False):
        client.force_login(responder)
        page = client.get(reverse("training:mine"), HTTP_ACCEPT_LANGUAGE="en")
        assert "Take the refresher exam" in page.content.decode()
        client.post(reverse("training:exam-start", args=[program.slug]))
    refresher = Attempt.objects.get(user=responder, submitted_at__isnull=True)
    assert refresher.kind == Attempt.Kind.REFRESHER
    renewed = attempt_submit(
        attempt=refresher,
        user=responder,
        answers=right_answers(refresher),
        now=early,
    ).accreditation
    # Twenty days early: the new year starts when the old one ends.
    assert renewed.granted_at == early
    assert renewed.expires_at == NOW.replace(year=2028)
    assert renewed.history.first().history_change_reason == "refresher passed"
    # The replaced accreditation expires without warning; the renewed one
    # is warned in its own time.
    assert accreditations_warn_expiring(now=held.expires_at - timedelta(6)) == []
    sent = accreditations_warn_expiring(now=renewed.expires_at - timedelta(29))
    assert [(days, a.pk) for days, a in sent] == [(30, renewed.pk)]


def test_a_failed_refresher_keeps_the_accreditation_held(program, responder):
    first = attempt_start(user=responder, program=program, now=NOW)
    held = attempt_submit(
        attempt=first, user=responder, answers=right_answers(first), now=NOW
    ).accreditation
    later = held.expires_at - timedelta(10)
    refresher = attempt_start(user=responder, program=program, now=later)
    failed = attempt_submit(
        attempt=refresher,
        user=responder,
        answers=wrong_answers(refresher),
        now=later,
    )
    assert failed.kind == Attempt.Kind.REFRESHER and failed.passed is False
    assert failed.accreditation is None
    assert list(Accreditation.objects.filter(responder=responder)) == [held]


def test_the_warning_task_run_again_or_retried_sends_one_mail_per_threshold(
    program, responder, manager, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from django.core import mail

    from staffing import tasks
    from staffing.services.alerts import accreditations_warn_expiring

    responder.language = "en"
    responder.save()
    first = attempt_start(user=responder, program=program, now=NOW)
    held = attempt_submit(
        attempt=first, user=responder, answers=right_answers(first), now=NOW
    ).accreditation

    def run(days_before):
        with (
            time_machine.travel(held.expires_at - timedelta(days_before), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return tasks.accreditations_warn.apply()

    # A broker or mail outage mid-run (the task then retries): nothing is
    # marked, nothing queued.
    with (
        mock.patch(
            "staffing.services.alerts.mail_queue_each", side_effect=OSError("down")
        ),
        pytest.raises(OSError),
    ):
        accreditations_warn_expiring(now=held.expires_at - timedelta(29))
    held.refresh_from_db()
    assert held.warned_30_at is None and mail.outbox == []
    assert run(29).get() == [(30, held.pk)]
    assert run(29).get() == []
    assert run(28).get() == []
    assert run(6).get() == [(7, held.pk)]
    assert run(6).get() == []
    # One e-mail per threshold and language: the responder's in English,
    # the managers' in the site's French.
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == [
        (manager.email, "Accréditation expirant dans 30 jours\u00a0: responder"),
        (manager.email, "Accréditation expirant dans 7 jours\u00a0: responder"),
        (responder.email, "Accreditation expiring in 30 days: responder"),
        (responder.email, "Accreditation expiring in 7 days: responder"),
    ]
