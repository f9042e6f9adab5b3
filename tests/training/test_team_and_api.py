"""The manager's team matrix (who holds what, who expires soon, who failed
twice) and the accreditation status API, persona by persona."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staffing.models import TrainingProgram
from staffing.services.grants import accreditation_grant
from tests.conftest import make_user
from tests.training.conftest import right_answers, wrong_answers
from training.models import Attempt, Exam
from training.services import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db

# Queries of the team page whatever the number of responders: session, user,
# the user's roles, programs, responders with their failed attempts per
# program, their valid accreditations, and the two counts of the navigation.
TEAM_QUERIES = 8


def _fail(user, program, when):
    attempt = attempt_start(user=user, program=program, now=when)
    attempt_submit(attempt=attempt, user=user, answers=wrong_answers(attempt), now=when)


def _row(html, username):
    match = re.search(
        rf"<tr>\s*<th scope=\"row\">{username}</th>(.*?)</tr>", html, re.S
    )
    assert match, f"no row for {username}"
    return match.group(1)


def test_the_matrix_shows_who_holds_what_who_expires_soon_who_failed_twice(
    client, program, manager
):
    now = timezone.now()
    steady = make_user("steady", ["responder"])
    expiring = make_user("expiring", ["responder"])
    failing = make_user("failing", ["responder"])
    # Two roles that both triage: each failure still counts once.
    once = make_user("once", ["responder", "approver"])
    accreditation_grant(actor=manager, responder=steady, program=program, level=2)
    accreditation_grant(
        actor=manager, responder=expiring, program=program,
        granted_at=now - datetime.timedelta(days=300),
        expires_at=now + datetime.timedelta(days=10),
    )  # fmt: skip
    _fail(failing, program, now - datetime.timedelta(days=3))
    _fail(failing, program, now - datetime.timedelta(days=1))
    _fail(once, program, now - datetime.timedelta(days=1))
    client.force_login(manager)
    html = client.get(reverse("training:team")).content.decode()
    steady_row = _row(html, "steady")
    assert "Advanced" in steady_row or "Avancé" in steady_row
    assert "expires soon" not in steady_row and "expire bientôt" not in steady_row
    expiring_row = _row(html, "expiring")
    assert "expires soon" in expiring_row or "expire bientôt" in expiring_row
    failing_row = _row(html, "failing")
    assert 'class="failures bad" data-failed="2"' in failing_row
    assert "—" in failing_row  # two failures grant nothing
    once_row = _row(html, "once")
    assert 'class="failures" data-failed="1"' in once_row
    assert "since the last pass" in html or "depuis la dernière réussite" in html


def _failures(html, username):
    return [int(n) for n in re.findall(r'data-failed="(\d+)"', _row(html, username))]


def _pass(user, program, when):
    attempt = attempt_start(user=user, program=program, now=when)
    attempt_submit(attempt=attempt, user=user, answers=right_answers(attempt), now=when)


def _other_program():
    """A second program with an exam, and one attempt of a user at it."""
    other = TrainingProgram.objects.create(
        slug="zz-other", name_fr="Autre", name_en="Other"
    )
    Exam.objects.create(program=other)
    return other


def _failed_at(user, program, when):
    Attempt.objects.create(
        user=user, program=program, started_at=when, deadline=when,
        submitted_at=when, passed=False, score_percent=0,
    )  # fmt: skip


def test_failed_twice_means_twice_at_one_program_since_the_last_pass(
    client, program, manager
):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    other = _other_program()
    # One failure at each of two programs: nobody failed twice.
    spread = make_user("spread", ["responder"])
    _fail(spread, program, now - 5 * day)
    _failed_at(spread, other, now - 4 * day)
    # Two failures, then a pass, then one failure: the pass starts again.
    recovered = make_user("recovered", ["responder"])
    _fail(recovered, program, now - 30 * day)
    _fail(recovered, program, now - 20 * day)
    _pass(recovered, program, now - 10 * day)
    _fail(recovered, program, now - 2 * day)
    # A pass, then two failures at the same program: failed twice.
    relapsed = make_user("relapsed", ["responder"])
    _pass(relapsed, program, now - 30 * day)
    _fail(relapsed, program, now - 20 * day)
    _fail(relapsed, program, now - 10 * day)
    _failed_at(relapsed, other, now - day)
    client.force_login(manager)
    html = client.get(reverse("training:team")).content.decode()
    assert _failures(html, "spread") == [1, 1]
    assert "failures bad" not in _row(html, "spread")
    assert _failures(html, "recovered") == [1]
    assert "failures bad" not in _row(html, "recovered")
    assert _failures(html, "relapsed") == [2, 1]
    relapsed_row = _row(html, "relapsed")
    assert relapsed_row.count("failures bad") == 1
    # The flag sits in the column of the program failed twice.
    cells = re.findall(r"<td>(.*?)</td>", relapsed_row, re.S)
    assert "failures bad" in cells[0] and "failures bad" not in cells[1]


@pytest.mark.parametrize("responders", [1, 6])
def test_the_team_matrix_costs_the_same_queries_for_1_and_6_responders(
    client, program, manager, responders, django_assert_num_queries
):
    now = timezone.now()
    for index in range(responders):
        user = make_user(f"member{index}", ["responder"])
        accreditation_grant(actor=manager, responder=user, program=program)
        _fail(user, program, now - datetime.timedelta(days=2))
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("training:team"))
    assert page.status_code == 200
    assert f"member{responders - 1}" in page.content.decode()
    assert len(queries) == TEAM_QUERIES, "\n".join(q["sql"][:90] for q in queries)


URL = "/api/v1/accreditations/status/"


def _status(api_client, user, **params):
    api_client.force_authenticate(user)
    return api_client.get(URL, params)


def test_unauthenticated_callers_get_no_status(api_client, program):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(URL, {"responder": "responder"}).status_code in (401, 403)


def test_a_responder_sees_only_their_own_status(api_client, program, personas, manager):
    accreditation_grant(actor=manager, responder=personas["approver"], program=program)
    responder = personas["responder"]
    rows = _status(api_client, responder).json()
    assert [(r["program"], r["accredited"]) for r in rows] == [(program.slug, False)]
    assert _status(api_client, responder, responder="responder").status_code == 200
    # Someone else's, existing or not, is the same 404: nothing to learn.
    for other in ("approver", "manager", "nobody"):
        answer = _status(api_client, responder, responder=other)
        assert answer.status_code == 404
        assert "accredited" not in answer.content.decode()


def test_a_manager_sees_anyone_in_the_team(api_client, program, personas, manager):
    accreditation_grant(
        actor=manager, responder=personas["responder"], program=program, level=3
    )
    rows = _status(api_client, manager, responder="responder").json()
    assert rows[0]["accredited"] is True and rows[0]["level"] == 3
    assert _status(api_client, manager).json()[0]["accredited"] is False
    assert _status(api_client, manager, responder="nobody").status_code == 404


def test_an_api_reader_reads_only_its_own_status(
    api_client, program, personas, manager
):
    accreditation_grant(actor=manager, responder=personas["responder"], program=program)
    reader = personas["api_reader"]
    assert _status(api_client, reader).json()[0]["accredited"] is False
    assert _status(api_client, reader, responder="responder").status_code == 404


def test_a_user_without_a_role_is_refused(api_client, program, personas):
    outsider = personas["outsider"]
    assert _status(api_client, outsider).status_code == 403
    assert _status(api_client, outsider, responder="responder").status_code == 403
