"""Rate limits: ingest and classify per token and per address, failed token
authentications per address; 429 with Retry-After; the counts shared through
the cache, which may go away without taking the API with it."""

import datetime
import secrets
import time

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core import env, throttling
from moderation.models import Comment
from tests.conftest import make_token, make_user

pytestmark = pytest.mark.django_db

RATES = {
    "ingest": "5/min",
    "ingest_address": "8/min",
    "classify": "3/min",
    "classify_address": "100/min",
    "auth_failure": "10/min",
}


@pytest.fixture(autouse=True)
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": RATES,
    }


@pytest.fixture
def start():
    """The start of a minute, so that a test's requests share one window."""
    now = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(now, tick=False):
        yield now


def item(number):
    return {
        "channel": "facebook-main",
        "external_id": f"t-{number}",
        "author": "someone",
        "text": "Bonjour",
        "posted_at": "2026-11-27T21:00:00Z",
    }


def ingest(api_client, secret, number, address="10.0.0.1"):
    return api_client.post(
        "/api/v1/comments/",
        item(number),
        format="json",
        HTTP_AUTHORIZATION=f"Token {secret}",
        REMOTE_ADDR=address,
    )


def test_300_random_tokens_get_429_after_the_limit(api_client, framework, start):
    statuses, last = [], None
    for _ in range(300):
        last = api_client.get(
            "/api/v1/rules/",
            HTTP_AUTHORIZATION=f"Token {secrets.token_urlsafe(32)}",
            REMOTE_ADDR="10.0.0.9",
        )
        statuses.append(last.status_code)
    assert statuses == [401] * 10 + [429] * 290
    assert last["Retry-After"] == "60"


def test_a_locked_address_is_refused_even_with_a_good_token(
    api_client, personas, framework, start
):
    secret = make_token(personas["api_reader"])
    for _ in range(10):
        api_client.get("/api/v1/rules/", HTTP_AUTHORIZATION="Token wrong")
    # A right guess is not told from a wrong one until the window ends.
    locked = api_client.get("/api/v1/rules/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert locked.status_code == 429
    elsewhere = api_client.get(
        "/api/v1/rules/", HTTP_AUTHORIZATION=f"Token {secret}", REMOTE_ADDR="10.0.0.2"
    )
    assert elsewhere.status_code == 200
    with time_machine.travel(start.replace(second=59), tick=False):
        late = api_client.get("/api/v1/rules/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert late.status_code == 429
    assert late["Retry-After"] == "1"
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        again = api_client.get("/api/v1/rules/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert again.status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count(
    api_client, framework, start
):
    statuses = [
        api_client.get(
            "/api/v1/rules/",
            HTTP_AUTHORIZATION="Token wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        ).status_code
        for number in range(20)
    ]
    assert statuses == [401] * 10 + [429] * 10


def test_ingest_is_limited_per_token(api_client, personas, channel, start):
    first = make_token(personas["api_reader"], name="first")
    second = make_token(personas["api_reader"], name="second")
    statuses = [ingest(api_client, first, n).status_code for n in range(6)]
    assert statuses == [201] * 5 + [429]
    refused = ingest(api_client, first, 99)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert Comment.objects.filter(external_id="t-99").count() == 0
    # Another token, from another address, has its own count.
    assert ingest(api_client, second, 6, address="10.0.0.2").status_code == 201
    # The bulk endpoint shares the scope.
    bulk = api_client.post(
        "/api/v1/comments/bulk/",
        [item(7)],
        format="json",
        HTTP_AUTHORIZATION=f"Token {first}",
        REMOTE_ADDR="10.0.0.1",
    )
    assert bulk.status_code == 429
    assert Comment.objects.count() == 6


def test_ingest_is_limited_per_address_whatever_the_token(
    api_client, personas, channel, start
):
    tokens = [make_token(personas["api_reader"], name=str(n)) for n in range(3)]
    statuses = [ingest(api_client, tokens[n % 3], n).status_code for n in range(9)]
    assert statuses == [201] * 8 + [429]
    assert ingest(api_client, tokens[2], 50, address="10.0.0.3").status_code == 201


def test_reading_is_not_counted_as_ingest(api_client, personas, channel, start):
    secret = make_token(personas["manager"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert {api_client.get("/api/v1/comments/").status_code for _ in range(10)} == {200}
    assert ingest(api_client, secret, 1).status_code == 201


def test_classify_is_limited_per_token(api_client, personas, framework, start):
    secret = make_token(personas["responder"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    statuses = [
        api_client.post(
            "/api/v1/classify/", {"text": "Bonjour"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200] * 3 + [429]


def test_a_session_is_counted_per_user(api_client, personas, framework, start):
    api_client.force_login(personas["responder"])
    other = make_user("other", ["responder"])
    statuses = [
        api_client.post(
            "/api/v1/classify/", {"text": "Bonjour"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200] * 3 + [429]
    api_client.force_login(other)
    response = api_client.post("/api/v1/classify/", {"text": "Bonjour"}, format="json")
    assert response.status_code == 200


def test_the_api_answers_when_the_cache_is_away(
    api_client, personas, channel, monkeypatch
):
    def away(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for method in ("get", "add", "incr", "set"):
        monkeypatch.setattr(cache, method, away)
    secret = make_token(personas["api_reader"])
    assert [ingest(api_client, secret, n).status_code for n in range(7)] == [201] * 7
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api_client.get("/api/v1/rules/").status_code == 401


def test_a_cache_that_never_answers_costs_one_timeout_per_pause(
    api_client, personas, channel, settings, monkeypatch
):
    """A Redis that accepts connections and never answers: the first request
    waits for one read timeout, the next ones do not ask it at all."""
    from tests.processes import SilentServer

    secret = make_token(personas["api_reader"])
    # One request first, with the cache answering: the costs of a first
    # ingest in this process (compiling the rulebook) are not the cache's.
    assert ingest(api_client, secret, 99).status_code == 201
    silent = SilentServer()
    settings.CACHES = {"default": env.env_cache("CACHE_URL", silent.url())}
    monkeypatch.setattr(throttling, "_cache_paused_until", 0.0)
    began = time.monotonic()
    assert ingest(api_client, secret, 0).status_code == 201
    assert time.monotonic() - began < 1.5  # one read timeout (0.5 s)
    asked = silent.accepted
    assert asked >= 1
    for number in range(1, 6):
        assert ingest(api_client, secret, number).status_code == 201
    # Paused: the next requests do not even connect to it. Counted, not
    # timed: a busy machine's pauses are not the cache's.
    assert silent.accepted == asked


@pytest.mark.parametrize("rate", ["100/min", "5/s", "1/hour", "20/day", "3/m"])
def test_rates_parse(rate):
    assert env.env_rate("R", None, environ={"R": rate}) == rate
    assert throttling.parse_rate(rate)[0] >= 1


@pytest.mark.parametrize("rate", ["0/min", "100", "ten/min", "100/week", "-1/s"])
def test_bad_rates_fail_at_start_up(rate):
    with pytest.raises(ImproperlyConfigured, match=r"R=.* is not a rate"):
        env.env_rate("R", None, environ={"R": rate})


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/3", "redis.RedisCache"),
        ("file:///tmp/cache", "filebased.FileBasedCache"),
        ("locmem://", "locmem.LocMemCache"),
    ],
)
def test_cache_urls(url, backend):
    config = env.env_cache("CACHE_URL", None, environ={"CACHE_URL": url})
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"


def test_a_bad_cache_url_fails_at_start_up():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL='memcached://x'"):
        env.env_cache("CACHE_URL", None, environ={"CACHE_URL": "memcached://x"})
