"""REST contract of calendars and coverage."""

import pytest

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def reader(api_client, personas):
    api_client.force_authenticate(personas["api_reader"])
    return api_client


def test_calendars_list(reader):
    body = reader.get("/api/v1/calendars/?lang=en").json()
    slugs = {c["slug"]: c for c in body["results"]}
    assert set(slugs) >= {"qc-business", "24-7"}
    business = slugs["qc-business"]
    assert business["name"] == "Business hours (Québec)"
    assert business["time_zone"] == "America/Toronto"
    assert len(business["windows"]) == 5
    assert business["windows"][0] == {"weekday": 0, "starts": "09:00", "ends": "17:00"}
    assert slugs["24-7"]["always_open"] is True


def test_due_time_over_a_weekend(reader):
    response = reader.get(
        "/api/v1/calendars/qc-business/due/",
        {"from": "2026-11-27T16:00:00-05:00", "minutes": 120},
    )
    assert response.status_code == 200
    assert response.json() == {
        "due": "2026-11-30T10:00:00-05:00",
        "business_minutes": 120,
    }


def test_due_time_on_the_24_7_calendar(reader):
    body = reader.get(
        "/api/v1/calendars/24-7/due/", {"from": "2026-11-27T16:00:00Z", "minutes": 90}
    ).json()
    assert body["due"] == "2026-11-27T12:30:00-05:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"minutes": 10}, "from"),
        ({"from": "2026-11-27T16:00:00Z"}, "minutes"),
        ({"from": "yesterday", "minutes": 10}, "from"),
        ({"from": "2026-13-45T99:00", "minutes": 10}, "from"),
        ({"from": "2026-11-27T16:00:00Z", "minutes": "-5"}, "minutes"),
        ({"from": "2026-11-27T16:00:00Z", "minutes": "ten"}, "minutes"),
        ({"from": "2026-11-27T16:00:00Z", "minutes": "99999999"}, "minutes"),
        ({"from": "2026-11-27T16:00:00Z", "minutes": 5, "extra": 1}, "extra"),
        # Out of the range dates are computed on: 400, not an overflow.
        ({"from": "9999-12-31T00:00:00Z", "minutes": 10}, "from"),
        ({"from": "9999-12-31T23:59:00", "minutes": 1000}, "from"),
        ({"from": "0001-01-01T00:00:00Z", "minutes": 10}, "from"),
    ],
)
def test_due_time_bad_input(reader, query, field):
    response = reader.get("/api/v1/calendars/qc-business/due/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_calendar_is_404(reader):
    response = reader.get(
        "/api/v1/calendars/mars/due/", {"from": "2026-11-27T16:00:00Z", "minutes": 5}
    )
    assert response.status_code == 404


def test_calendars_need_authentication(api_client):
    assert api_client.get("/api/v1/calendars/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("approver", 200),
        ("responder", 403),
        ("api_reader", 403),
        ("outsider", 403),
    ],
)
def test_coverage_gaps_permissions(api_client, personas, persona, status):
    api_client.force_authenticate(personas[persona])
    assert api_client.get("/api/v1/coverage/gaps/").status_code == status


def test_coverage_gaps(api_client, personas):
    api_client.force_authenticate(personas["manager"])
    body = api_client.get(
        "/api/v1/coverage/gaps/",
        {"from": "2026-11-27T17:00:00-05:00", "to": "2026-11-30T09:00:00-05:00"},
    ).json()
    assert body == [
        {
            "start": "2026-11-27T17:00:00-05:00",
            "end": "2026-11-30T09:00:00-05:00",
            "hours": 64.0,
        }
    ]
    business = api_client.get(
        "/api/v1/coverage/gaps/",
        {
            "from": "2026-11-27T17:00:00-05:00",
            "to": "2026-11-30T09:00:00-05:00",
            "calendar": "qc-business",
        },
    ).json()
    assert business == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-30T00:00:00Z", "to": "2026-11-29T00:00:00Z"}, "to"),
        ({"from": "2026-01-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, "to"),
        ({"calendar": "mars"}, "calendar"),
        ({"from": "soon"}, "from"),
        ({"team": "x"}, "team"),
        ({"from": "9999-12-31T00:00:00Z"}, "from"),
        ({"from": "0001-01-01T00:00:00Z", "to": "0001-01-02T00:00:00Z"}, "from"),
        ({"to": "9999-12-31T00:00:00+05:00"}, "to"),
    ],
)
def test_coverage_gaps_bad_input(api_client, personas, query, field):
    api_client.force_authenticate(personas["manager"])
    response = api_client.get("/api/v1/coverage/gaps/", query)
    assert response.status_code == 400
    assert field in response.json()
