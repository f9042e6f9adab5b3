"""Coverage: who is on duty, the gaps, the page, the alerts."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from staffing import coverage, intervals, selectors
from staffing.models import (
    BusinessCalendar,
    CoverageGapAlert,
    RotaSlot,
    RotaTemplate,
    Shift,
)
from staffing.services.alerts import coverage_gaps_alert
from staffing.services.shifts import rota_generate, shift_create

TZ = zoneinfo.ZoneInfo("America/Toronto")


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def test_gaps_of_plain_intervals():
    required = [(0, 10), (20, 30)]
    assert coverage.gaps(required, []) == [(0, 10), (20, 30)]
    assert coverage.gaps(required, [(0, 30)]) == []
    assert coverage.gaps(required, [(2, 4), (3, 6), (8, 22), (25, 26)]) == [
        (0, 2),
        (6, 8),
        (22, 25),
        (26, 30),
    ]
    assert coverage.gaps([(0, 10)], [(10, 20)]) == [(0, 10)]
    assert intervals.merge([(5, 6), (1, 3), (2, 4), (7, 7)]) == [(1, 4), (5, 6)]
    assert coverage.longest([(0, 2), (3, 9), (10, 11)]) == (3, 9)


WEEKEND = (
    local(2026, 11, 27, 17),
    local(2026, 11, 30, 9),
)  # Friday 17:00 → Monday 9:00


@pytest.fixture
def team(personas):
    return personas


@pytest.mark.django_db
def test_a_weekend_without_a_rota_is_one_64_hour_gap(team):
    calendar = BusinessCalendar.objects.get(slug="24-7")
    Shift.objects.create(
        responder=team["responder"],
        starts_at=local(2026, 11, 27, 9),
        ends_at=WEEKEND[0],
    )
    Shift.objects.create(
        responder=team["responder"],
        starts_at=WEEKEND[1],
        ends_at=local(2026, 11, 30, 17),
    )
    gaps = selectors.coverage_gaps(
        calendar=calendar, start=local(2026, 11, 27, 9), end=local(2026, 11, 30, 17)
    )
    assert gaps == [WEEKEND]
    assert (gaps[0][1] - gaps[0][0]) == datetime.timedelta(hours=64)


@pytest.mark.django_db
def test_a_weekend_rota_closes_the_gap(team, manager):
    calendar = BusinessCalendar.objects.get(slug="24-7")
    rota = RotaTemplate.objects.create(name="Weekend")
    for weekday, start, hours in ((4, 9, 8), (4, 17, 24), (5, 17, 16), (6, 9, 24)):
        RotaSlot.objects.create(
            template=rota,
            responder=team["responder"] if weekday != 5 else team["approver"],
            weekday=weekday,
            starts=datetime.time(start),
            duration_minutes=hours * 60,
        )
    created, skipped = rota_generate(
        actor=manager, template=rota, start_date=datetime.date(2026, 11, 23), weeks=1
    )
    assert (created, skipped) == (4, 0)
    assert (
        selectors.coverage_gaps(
            calendar=calendar, start=local(2026, 11, 27, 9), end=local(2026, 11, 30, 9)
        )
        == []
    )
    # Generating again creates nothing new.
    assert rota_generate(
        actor=manager, template=rota, start_date=datetime.date(2026, 11, 23), weeks=1
    ) == (0, 4)


@pytest.mark.django_db
def test_only_people_who_may_answer_cover(team):
    calendar = BusinessCalendar.objects.get(slug="24-7")
    # An API reader on "shift" answers nothing.
    Shift.objects.create(
        responder=team["api_reader"], starts_at=WEEKEND[0], ends_at=WEEKEND[1]
    )
    assert selectors.coverage_gaps(
        calendar=calendar, start=WEEKEND[0], end=WEEKEND[1]
    ) == [WEEKEND]


@pytest.mark.django_db
def test_channels_limit_who_covers(team):
    calendar = BusinessCalendar.objects.get(slug="24-7")
    responder = team["responder"]
    responder.channels = ["facebook-main"]
    responder.save()
    Shift.objects.create(responder=responder, starts_at=WEEKEND[0], ends_at=WEEKEND[1])
    assert (
        selectors.coverage_gaps(
            calendar=calendar, start=WEEKEND[0], end=WEEKEND[1], channel="facebook-main"
        )
        == []
    )
    assert selectors.coverage_gaps(
        calendar=calendar, start=WEEKEND[0], end=WEEKEND[1], channel="x-main"
    ) == [WEEKEND]


@pytest.mark.django_db
def test_business_hours_need_no_weekend_cover(team):
    calendar = BusinessCalendar.objects.get(slug="qc-business")
    assert (
        selectors.coverage_gaps(calendar=calendar, start=WEEKEND[0], end=WEEKEND[1])
        == []
    )


@pytest.mark.django_db
def test_gaps_are_alerted_once(team, django_capture_on_commit_callbacks):
    now = local(2026, 11, 23, 8)
    with django_capture_on_commit_callbacks(execute=True):
        first = coverage_gaps_alert(now=now, days=7)
    assert len(first) == 1  # the whole week is one gap: nobody is on shift
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        assert coverage_gaps_alert(now=now, days=7) == []
    assert len(mail.outbox) == 1
    assert CoverageGapAlert.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_overlapping_shifts_of_one_responder_are_refused(team, manager):
    responder = team["responder"]
    shift_create(
        actor=manager,
        responder=responder,
        starts_at=local(2026, 12, 5, 9),
        ends_at=local(2026, 12, 5, 17),
    )
    with pytest.raises(Exception, match="already has a shift"):
        shift_create(
            actor=manager,
            responder=responder,
            starts_at=local(2026, 12, 5, 16),
            ends_at=local(2026, 12, 5, 20),
        )
    with pytest.raises(Exception, match="end after it starts"):
        shift_create(
            actor=manager,
            responder=responder,
            starts_at=local(2026, 12, 6, 9),
            ends_at=local(2026, 12, 6, 8),
        )
    # Back to back is fine.
    shift_create(
        actor=manager,
        responder=responder,
        starts_at=local(2026, 12, 5, 17),
        ends_at=local(2026, 12, 5, 20),
    )
    assert Shift.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_only_planners_create_shifts(team):
    with pytest.raises(Exception, match="Only managers"):
        shift_create(
            actor=team["responder"], responder=team["responder"],
            starts_at=local(2026, 12, 5, 9), ends_at=local(2026, 12, 5, 17),
        )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("approver", 403),
        ("responder", 403),
        ("api_reader", 403),
        ("outsider", 403),
    ],
)
def test_coverage_page_permissions(client, team, persona, status):
    client.force_login(team[persona])
    assert client.get(reverse("staffing:coverage")).status_code == status


@pytest.mark.django_db
def test_coverage_page_shows_rows_and_gaps(client, team, django_assert_max_num_queries):
    client.force_login(team["manager"])
    Shift.objects.create(
        responder=team["responder"],
        starts_at=local(2026, 11, 23, 0),
        ends_at=local(2026, 11, 27, 17),
    )
    url = reverse("staffing:coverage") + "?week=2026-11-25"
    # 15: the page, plus one capped count per badge of the navigation.
    with django_assert_max_num_queries(15):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "responder" in html
    # The week is past: its gap is shown, greyed, and no longer counted.
    assert 'class="gap past"' in html
    assert page.context["upcoming"] == []
    assert [(g["start"], g["end"]) for g in page.context["gaps"]] == [
        (local(2026, 11, 27, 17), local(2026, 11, 30, 0))
    ]
    # More shifts do not mean more queries.
    for day in range(28, 30):
        Shift.objects.create(
            responder=team["approver"],
            starts_at=local(2026, 11, day, 1),
            ends_at=local(2026, 11, day, 2),
        )
    with django_assert_max_num_queries(15):
        client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["9999-12-27", "9999-12-31", "0001-01-01", "soon"])
def test_coverage_page_refuses_a_week_out_of_range(client, team, week):
    client.force_login(team["manager"])
    page = client.get(reverse("staffing:coverage"), {"week": week})
    assert page.status_code == 400
    assert [str(m) for m in page.context["messages"]] == [
        "Semaine\u00a0: Saisissez une date du 1970-01-01 au 2100-12-31."
        if week != "soon"
        else "Semaine\u00a0: Saisissez une date au format AAAA-MM-JJ."
    ]
    assert page.context["monday"] == selectors.week_of(timezone.localdate())


@pytest.mark.django_db
def test_a_shift_or_rota_out_of_range_is_refused(client, team):
    client.force_login(team["manager"])
    response = client.post(
        reverse("staffing:shift-add"),
        {
            "responder": team["responder"].pk,
            "starts_at": "9999-12-31T17:00",
            "ends_at": "9999-12-31T19:00",
            "role": "primary",
            "week": "9999-12-27",
        },
    )
    assert response.status_code == 400
    assert "starts_at" in response.context["shift_form"].errors
    assert not Shift.objects.exists()
    template = RotaTemplate.objects.create(name="Weekend")
    RotaSlot.objects.create(
        template=template,
        responder=team["responder"],
        weekday=5,
        starts=datetime.time(9),
        duration_minutes=60,
    )
    rota = client.post(
        reverse("staffing:rota-generate"),
        {"template": template.pk, "week": "9999-12-27", "weeks": 4},
    )
    assert rota.status_code == 302
    assert not Shift.objects.exists()


@pytest.mark.django_db
def test_adding_a_shift_on_the_page(client, team):
    client.force_login(team["manager"])
    url = reverse("staffing:shift-add")
    data = {
        "responder": team["responder"].pk,
        "starts_at": "2026-11-28T17:00",
        "ends_at": "2026-11-29T09:00",
        "role": "primary",
        "week": "2026-11-23",
        "calendar": "24-7",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert "week=2026-11-23" in response["Location"]
    shift = Shift.objects.get()
    assert shift.starts_at == local(2026, 11, 28, 17)
    assert shift.created_by == team["manager"]
    assert shift.history.first().history_user == team["manager"]
    again = client.post(url, data)
    assert again.status_code == 400
    assert "a déjà un quart" in again.content.decode()
    backwards = client.post(url, {**data, "starts_at": "2026-11-30T10:00"})
    assert backwards.status_code == 400
    assert Shift.objects.count() == 1
    delete = client.post(
        reverse("staffing:shift-delete", args=[shift.pk]), {"week": "2026-11-23"}
    )
    assert delete.status_code == 302
    assert not Shift.objects.exists()
