"""One rule for "who may answer this channel at this instant": coverage, gap
alerts, routing and the SLA's "on duty" never disagree."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.roles import Role
from moderation.models import Channel, Comment, Notification
from moderation.services.ingest import comment_ingest
from moderation.services.routing import comments_route
from moderation.sla.sweep import _People
from staffing import eligibility, selectors
from staffing.models import BusinessCalendar, Shift
from tests.conftest import make_user

TZ = zoneinfo.ZoneInfo("America/Toronto")
BASE = datetime.datetime(2027, 3, 1, tzinfo=TZ)  # a Monday, in the future

people_st = st.lists(
    st.tuples(
        st.sets(st.sampled_from(["fb", "ig"])),  # channels served; empty: all
        st.sets(st.sampled_from(["fr", "en"])),  # languages; empty: all
        st.integers(0, 47),  # shift start, hours after BASE
        st.integers(1, 16),  # shift length in hours
        st.booleans(),  # triages (responder) or not (API reader)
    ),
    max_size=4,
)


def test_a_bilingual_night_with_an_english_only_responder_is_a_french_gap():
    english = eligibility.Person(id=1, triages=True, languages=frozenset({"en"}))
    night = [(english, 0, 8)]
    needs = eligibility.needs_of([("fb", ["fr", "en"])])
    assert eligibility.gaps([(0, 8)], night, needs) == [
        eligibility.Gap(0, 8, eligibility.Need("fb", "fr"))
    ]
    assert eligibility.may_answer(night, eligibility.Need("fb", "en"), 3) == [1]
    assert eligibility.may_answer(night, eligibility.Need("fb", "fr"), 3) == []


@given(people=people_st, at=st.integers(0, 63), language=st.sampled_from(["fr", "en"]))
def test_the_pure_rule_and_its_gaps_agree(people, at, language):
    shifts = [
        (
            eligibility.Person(i, triages, frozenset(ch), frozenset(langs)),
            start,
            start + length,
        )
        for i, (ch, langs, start, length, triages) in enumerate(people)
    ]
    need = eligibility.Need("fb", language)
    gaps = eligibility.gaps([(0, 64)], shifts, [need])
    in_gap = any(g.start <= at < g.end for g in gaps)
    assert in_gap == (eligibility.may_answer(shifts, need, at) == [])


@pytest.mark.django_db
class TestRoutingCoverageAndSlaAgree(TestCase):
    """Whatever the people, scopes and shifts: a comment is routed at an
    instant exactly when the coverage page shows no gap for its channel and
    language then; the person chosen is one the rule allows, and the SLA
    sweep tells the same people on shift."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        people=people_st,
        at=st.integers(0, 63),
        language=st.sampled_from(["fr", "en"]),
        slug=st.sampled_from(["fb", "ig"]),
    )
    def test_they_never_disagree(self, people, at, language, slug):
        calendar = BusinessCalendar.objects.get(slug="24-7")
        for each in ("fb", "ig"):
            Channel.objects.get_or_create(
                slug=each,
                defaults={
                    "platform": "facebook",
                    "handle": each,
                    "languages": ["fr", "en"],
                    "calendar": calendar,
                },
            )
        users = []
        for i, (channels, languages, start, length, triages) in enumerate(people):
            user = make_user(
                f"p{i}",
                [Role.RESPONDER] if triages else [Role.API_READER],
                channels=sorted(channels),
                languages=sorted(languages),
            )
            Shift.objects.create(
                responder=user,
                starts_at=BASE + datetime.timedelta(hours=start),
                ends_at=BASE + datetime.timedelta(hours=start + length),
            )
            users.append(user)
        instant = BASE + datetime.timedelta(hours=at, minutes=30)
        gaps = selectors.coverage_gaps_by_need(
            calendar=calendar,
            start=instant,
            end=instant + datetime.timedelta(minutes=1),
            channel=slug,
        )
        uncovered = any(g.need.language == language for g in gaps)
        # The gap alerts read the same gaps, merged over the calendar's needs.
        merged = selectors.coverage_gaps(
            calendar=calendar,
            start=instant,
            end=instant + datetime.timedelta(minutes=1),
        )
        assert (not merged) <= (not uncovered)

        comment, _created = comment_ingest(
            channel=Channel.objects.get(slug=slug),
            external_id=f"c-{at}-{language}",
            author="x",
            text="Bonjour",
            posted_at=timezone.now(),
        )
        Comment.objects.filter(pk=comment.pk).update(
            language=language, status=Comment.Status.NEW, assignee=None
        )
        [chosen] = comments_route(comment_ids=[comment.pk], now=instant)
        assert (chosen is None) == uncovered

        shifts = selectors.shift_facts(instant, instant + datetime.timedelta(minutes=1))
        allowed = eligibility.may_answer(
            shifts, eligibility.Need(slug, language), instant
        )
        if chosen is not None:
            assert chosen.pk in allowed

        Comment.objects.filter(pk=comment.pk).update(
            status=Comment.Status.NEW, assignee=None
        )
        comment.refresh_from_db()
        told = _People(instant).for_comment(comment, Notification.Kind.SLA_WARNING)
        on_shift_told = sorted(p.pk for p in told if p.pk in {u.pk for u in users})
        assert on_shift_told == allowed
