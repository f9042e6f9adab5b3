"""My training, practice, the team matrix, calibration rounds and the
accreditation API, as each persona sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.models import Comment
from moderation.services.ingest import comment_ingest
from staffing.services.grants import accreditation_grant
from tests.conftest import make_user
from training.models import CalibrationRound, CalibrationVote, Lesson

pytestmark = pytest.mark.django_db


def _decided(channel, texts, status="closed"):
    now = timezone.now()
    for index, text in enumerate(texts):
        comment_ingest(
            channel=channel, external_id=f"d-{index}", author=f"author{index}",
            text=text, posted_at=now - datetime.timedelta(minutes=index),
        )  # fmt: skip
    Comment.objects.update(status=status)
    return list(Comment.objects.order_by("pk"))


def test_my_training_lists_lessons_to_read_and_the_exam(client, program, responder):
    client.force_login(responder)
    page = client.get(reverse("training:mine")).content.decode()
    assert "Not accredited" in page or "Non accrédité" in page
    lesson = Lesson.objects.filter(program=program).first()
    assert reverse("training:lesson", args=[lesson.pk]) in page
    assert reverse("training:exam-start", args=[program.slug]) in page
    before = client.get(reverse("training:mine")).context["statuses"][0].unread
    client.get(reverse("training:lesson", args=[lesson.pk]))
    after = client.get(reverse("training:mine")).context["statuses"][0].unread
    assert after == before - 1


def test_lessons_are_sanitised(client, program, responder):
    lesson = Lesson.objects.filter(program=program).first()
    lesson.body_fr = lesson.body_en = (
        "<script>alert(1)</script> [x](javascript:alert(2))"
        " <img src=x onerror=alert(3)>"
    )
    lesson.save()
    client.force_login(responder)
    body = client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert "<script>alert" not in body
    assert "javascript:" not in body and "onerror" not in body


def test_practice_masks_personal_data_and_shows_the_decision(
    client, channel, responder
):
    _decided(channel, ["Rappelez-moi au 514-555-0199 svp, espèce d'idiot"], "hidden")
    client.force_login(responder)
    page = client.get(reverse("training:practice")).content.decode()
    assert "514-555-0199" not in page and "author0" not in page
    comment = Comment.objects.get()
    response = client.post(
        reverse("training:practice"), {"comment": comment.pk, "choice": "hide"}
    )
    assert response.context["right"] is True
    assert "514-555-0199" not in response.content.decode()
    bad = client.post(
        reverse("training:practice"), {"comment": comment.pk, "choice": "<x>"}
    )
    assert bad.status_code == 400
    open_one, _created = comment_ingest(
        channel=channel, external_id="open", author="a", text="open",
        posted_at=timezone.now(),
    )  # fmt: skip
    missing = client.post(
        reverse("training:practice"), {"comment": open_one.pk, "choice": "hide"}
    )
    assert missing.status_code == 404  # undecided comments are not practice


def test_team_matrix_for_managers_only_in_constant_queries(
    client, program, personas, manager
):
    client.force_login(personas["responder"])
    assert client.get(reverse("training:team")).status_code == 403
    client.force_login(manager)
    accreditation_grant(actor=manager, responder=personas["responder"], program=program)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("training:team")).status_code == 200
    for index in range(5):
        user = make_user(f"extra{index}", ["responder"])
        accreditation_grant(actor=manager, responder=user, program=program)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("training:team"))
    assert len(many) == len(few)
    assert "extra4" in page.content.decode()


def test_calibration_round_with_three_responders_reports_kappa_per_rule(
    client, channel, manager, english
):
    people = [make_user(f"rater{i}", ["responder"]) for i in range(3)]
    comments = _decided(channel, ["one", "two", "three"])
    client.force_login(manager)
    response = client.post(
        reverse("training:calibration-list"),
        {"name": "March", "count": 3, "responders": [p.pk for p in people]},
    )
    round_ = CalibrationRound.objects.get()
    assert response.url == reverse("training:calibration", args=[round_.pk])
    # The hand-computed example of test_kappa: all A, all B, one each.
    votes = [
        ["offensive-content"] * 3,
        ["denigration"] * 3,
        ["offensive-content", "denigration", "threats"],
    ]
    for comment, choices in zip(comments, votes, strict=True):
        for person, rule in zip(people, choices, strict=True):
            client.force_login(person)
            client.post(
                reverse("training:calibration", args=[round_.pk]),
                {"comment": comment.pk, "rule": rule},
            )
    assert CalibrationVote.objects.count() == 9
    client.force_login(people[0])
    again = client.post(
        reverse("training:calibration", args=[round_.pk]),
        {"comment": comments[0].pk, "rule": "threats"},
    )
    assert again.status_code == 400
    outsider = make_user("not-in-round", ["responder"])
    client.force_login(outsider)
    assert (
        client.get(reverse("training:calibration", args=[round_.pk])).status_code == 404
    )
    client.force_login(manager)
    report = client.get(reverse("training:calibration", args=[round_.pk])).context[
        "report"
    ]
    kappas = {rule["slug"]: rule["kappa"] for rule in report["rules"]}
    assert kappas == pytest.approx(
        {"offensive-content": 0.55, "denigration": 0.55, "threats": -0.125}
    )
    assert report["overall"] == pytest.approx(7 / 16)
    assert [d["comment"] for d in report["disagreements"]] == [comments[2]]
    lesson = Lesson.objects.get(rule_slug="threats")
    assert {v["lesson"] for v in report["disagreements"][0]["votes"]} >= {lesson.pk}


def test_calibration_rounds_are_started_by_managers_only(client, channel, personas):
    _decided(channel, ["one"])
    client.force_login(personas["responder"])
    response = client.post(
        reverse("training:calibration-list"),
        {"name": "x", "count": 1, "responders": [personas["responder"].pk]},
    )
    assert response.status_code == 403
    client.force_login(personas["manager"])
    response = client.post(
        reverse("training:calibration-list"),
        {"name": "x", "count": 1, "responders": [personas["responder"].pk]},
    )
    assert response.status_code == 400
    assert not CalibrationRound.objects.exists()


def test_accreditation_status_api(api_client, program, personas, manager):
    url = reverse("accreditation-status")
    assert api_client.get(url).status_code in (401, 403)
    responder = personas["responder"]
    api_client.force_authenticate(responder)
    assert api_client.get(url).json() == [
        {
            "program": program.slug,
            "accredited": False,
            "level": None,
            "expires_at": None,
            "retry_at": None,
        }
    ]
    accreditation_grant(actor=manager, responder=responder, program=program, level=2)
    row = api_client.get(url).json()[0]
    assert row["accredited"] is True and row["level"] == 2
    assert api_client.get(url, {"responder": "manager"}).status_code == 404
    api_client.force_authenticate(manager)
    assert api_client.get(url, {"responder": "responder"}).json()[0]["level"] == 2
    assert api_client.get(url, {"responder": "nobody"}).status_code == 404


def test_a_manager_hand_picks_the_comments_of_a_round(client, channel, manager):
    people = [make_user(f"picker{i}", ["responder"]) for i in range(2)]
    first, second, third = _decided(
        channel, ["Écrivez à jean.tremblay@example.org", "deux", "trois"]
    )
    comment_ingest(
        channel=channel, external_id="open-1", author="someone",
        text="still open", posted_at=timezone.now(),
    )  # fmt: skip
    still_open = Comment.objects.get(external_id="open-1")
    client.force_login(manager)
    page = client.get(reverse("training:calibration-list")).content.decode()
    # The pick list masks personal data, and offers decided comments only.
    assert "jean.tremblay@example.org" not in page
    assert f'name="comments" value="{first.pk}"' in page
    assert f'name="comments" value="{still_open.pk}"' not in page
    start = {"name": "Picked", "responders": [p.pk for p in people], "count": 1}
    for hostile in ([still_open.pk], ["1 OR 1=1"], [first.pk, "x"], [10**30]):
        response = client.post(
            reverse("training:calibration-list"), {**start, "comments": hostile}
        )
        assert response.status_code == 400
        assert "parmi ceux déjà traités" in response.content.decode()
    assert not CalibrationRound.objects.exists()
    response = client.post(
        reverse("training:calibration-list"),
        {**start, "comments": [first.pk, third.pk]},
    )
    round_ = CalibrationRound.objects.get()
    assert response.url == reverse("training:calibration", args=[round_.pk])
    assert set(round_.comments.all()) == {first, third}
    client.force_login(people[0])
    page = client.get(reverse("training:calibration", args=[round_.pk]))
    assert "jean.tremblay@example.org" not in page.content.decode()
    assert "trois" in page.content.decode() and "deux" not in page.content.decode()
