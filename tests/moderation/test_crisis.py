"""Crisis alert: a surge against the same hour of the last four weeks alerts
the managers on duty once per episode, and ends by itself."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMail
from core.roles import Role
from moderation.models import Comment, CrisisEpisode
from moderation.services.crisis import crises_detect, volumes
from moderation.services.ingest import comment_ingest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def burst(channel, count, *, at, prefix="b", text="Bonjour"):
    for i in range(count):
        comment_ingest(
            channel=channel,
            external_id=f"{prefix}-{at:%Y%m%d%H%M}-{i}",
            author="someone",
            text=text,
            posted_at=at,
            now=at,
            route=False,
        )
    Comment.objects.filter(external_id__startswith=f"{prefix}-{at:%Y%m%d%H%M}").update(
        received_at=at
    )


@pytest.fixture
def usual(channel):
    """Four comments in this hour of each of the last four weeks."""
    now = timezone.now()
    for week in range(1, 5):
        burst(channel, 4, at=now - datetime.timedelta(weeks=week, minutes=20),
              prefix=f"u{week}")  # fmt: skip
    return now


def test_volume_counts_the_last_hour_against_the_same_hour_of_four_weeks(
    channel, usual
):
    burst(channel, 6, at=usual - datetime.timedelta(minutes=10))
    burst(channel, 3, at=usual - datetime.timedelta(minutes=70), prefix="old")
    [volume] = volumes(now=usual)
    assert (volume.volume, volume.baseline) == (6, 4.0)


def test_a_surge_alerts_the_managers_once_and_ends_by_itself(
    channel, usual, personas, settings, django_capture_on_commit_callbacks
):
    settings.CRISIS_FACTOR, settings.CRISIS_MIN_COMMENTS = 3.0, 10
    # 11 comments: under three times the usual 4 is not a surge.
    burst(channel, 11, at=usual - datetime.timedelta(minutes=5))
    assert crises_detect(now=usual) == []
    burst(channel, 2, at=usual - datetime.timedelta(minutes=4), prefix="more")
    with django_capture_on_commit_callbacks(execute=True):
        [episode] = crises_detect(now=usual)
    assert (episode.volume, episode.baseline) == (13, 4.0)
    assert episode.alerted == ["manager@example.org"]
    [alert] = OutgoingMail.objects.filter(kind="crisis")
    assert alert.recipients == ["manager@example.org"]
    assert "13" in alert.subject or "13" in alert.body
    # Later runs in the same episode: no new alert.
    with django_capture_on_commit_callbacks(execute=True):
        assert crises_detect(now=usual + datetime.timedelta(minutes=5)) == []
    assert OutgoingMail.objects.filter(kind="crisis").count() == 1
    # The hour passes without comments: the episode closes by itself.
    later = usual + datetime.timedelta(hours=1, minutes=10)
    assert crises_detect(now=later) == []
    episode.refresh_from_db()
    assert episode.ended_at == later
    assert not CrisisEpisode.objects.filter(ended_at__isnull=True).exists()
    assert len(mail.outbox) <= 1


def test_one_open_episode_per_channel(channel):
    now = timezone.now()
    fields = {"started_at": now, "volume": 30, "baseline": 1.0,
              "flagged_share": 0.0, "peak_volume": 30}  # fmt: skip
    CrisisEpisode.objects.create(channel=channel, **fields)
    with pytest.raises(IntegrityError):
        CrisisEpisode.objects.create(channel=channel, **fields)


def test_the_banner_shows_on_cockpit_and_inbox_to_those_who_see_the_channel(
    client, channel, personas
):
    CrisisEpisode.objects.create(
        channel=channel, started_at=timezone.now(), volume=30, baseline=2.5,
        flagged_share=0.5, peak_volume=42,
    )  # fmt: skip
    client.force_login(personas["manager"])
    for url in (reverse("dashboard"), reverse("moderation:inbox")):
        html = client.get(url).content.decode()
        assert 'class="crisis-banner"' in html
        assert "42" in html
    other = make_user("elsewhere", [Role.RESPONDER], channels=["instagram"])
    client.force_login(other)
    assert (
        'class="crisis-banner"'
        not in client.get(reverse("moderation:inbox")).content.decode()
    )
