"""Load four weeks of answered comments for the demonstration, so that the SLA
dashboard tells its story at first sight: quick answers on weekdays, long
silences from Friday evening to Monday morning."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from moderation.models import Channel, Comment, SlaPolicy
from moderation.services.answers import answer_approve, answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from staffing.models import BusinessCalendar, Shift

TEXTS = [
    ("fr", "Ma facture est erronée depuis deux mois, qui peut m'aider?"),
    ("fr", "Merci pour la réponse rapide hier, très apprécié."),
    ("fr", "Votre service est le pire, personne ne rappelle jamais."),
    ("fr", "Quand est-ce que le bureau de Québec rouvre?"),
    ("fr", "Espèce de crétin, tu ne lis même pas les messages."),
    ("en", "Is the new schedule available somewhere online?"),
    ("en", "Thanks, the issue with my account is solved."),
    ("en", "You are a bunch of crooks, hiding the real fees."),
    ("en", "Why did nobody answer my message from Friday?"),
    ("en", "Earn $500 per day from home, click my profile!"),
]
DAYS = 28
PER_DAY = 9


class Command(BaseCommand):
    help = "Load four weeks of answered demonstration comments (SLA history)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, seed, **options):
        channels = {
            c.slug: c
            for c in Channel.objects.filter(slug__in=["facebook-main", "x-main"])
        }
        people = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["alice", "eve", "carole"]
            )
        }
        if len(channels) < 2 or len(people) < 3:
            self.stderr.write("Load the demonstration users and channels first.")
            return
        if Comment.objects.filter(external_id__startswith="hist-").exists():
            return
        self._policies(channels)
        now = timezone.now()
        zone = timezone.get_current_timezone()
        first_day = timezone.localdate() - datetime.timedelta(days=DAYS)
        self._past_shifts(people, first_day, zone)
        rng = random.Random(seed)  # noqa: S311 (demonstration data)
        count = 0
        for offset in range(DAYS):
            day = first_day + datetime.timedelta(days=offset)
            for index in range(PER_DAY):
                minute = rng.randrange(7 * 60, 23 * 60)
                posted = datetime.datetime.combine(
                    day, datetime.time(minute // 60, minute % 60), tzinfo=zone
                )
                answered = _answer_time(posted, rng)
                if answered >= now - datetime.timedelta(hours=1):
                    continue
                slug = "facebook-main" if rng.random() < 0.65 else "x-main"
                language, text = rng.choice(TEXTS)
                self._walk(
                    channels[slug], people, f"hist-{offset}-{index}", text,
                    language, posted, answered, rng,
                )  # fmt: skip
                count += 1
        self.stdout.write(f"Demonstration history loaded: {count} answered comments.")

    def _policies(self, channels):
        public = SlaPolicy.objects.create(
            slug="public-24-7",
            name_fr="Public, en tout temps",
            name_en="Public, round the clock",
            clock=SlaPolicy.Clock.WALL,
            critical_minutes=60,
            high_minutes=240,
            medium_minutes=480,
            low_minutes=720,
            warning_minutes=60,
        )
        office = SlaPolicy.objects.create(
            slug="office-hours",
            name_fr="Heures de bureau",
            name_en="Office hours",
            clock=SlaPolicy.Clock.BUSINESS,
            calendar=BusinessCalendar.objects.get(slug="qc-business"),
        )
        Channel.objects.filter(pk=channels["facebook-main"].pk).update(
            sla_policy=public
        )
        Channel.objects.filter(pk=channels["x-main"].pk).update(sla_policy=office)
        for channel in channels.values():
            channel.refresh_from_db()

    def _past_shifts(self, people, first_day, zone):
        """Weekdays covered 9:00-17:00 before this week's rota: nobody from
        Friday 17:00 to Monday 9:00, the 64 hours."""
        this_monday = timezone.localdate() - datetime.timedelta(
            days=timezone.localdate().weekday()
        )
        shifts = []
        day = first_day
        while day < this_monday:
            if day.weekday() < 5:
                start = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
                shifts.append(
                    Shift(
                        responder=people["alice"],
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=8),
                    )
                )
            day += datetime.timedelta(days=1)
        Shift.objects.bulk_create(shifts)

    def _walk(
        self, channel, people, external_id, text, language, posted, answered, rng
    ):
        comment, _created = comment_ingest(
            channel=channel, external_id=external_id,
            author=f"user{rng.randrange(400)}",
            text=text, posted_at=posted, language=language,
            url=f"https://{channel.platform}.example/posts/{external_id}",
            now=posted + datetime.timedelta(minutes=1), route=False,
        )  # fmt: skip
        # One answer in four needs an approval: Ève's accreditation lapsed.
        author = people["eve"] if rng.random() < 0.25 else people["alice"]
        wait = datetime.timedelta(minutes=rng.randrange(10, 50))
        written = answered - wait if author == people["eve"] else answered
        comment_claim(
            comment=comment, actor=author, now=written - datetime.timedelta(minutes=3)
        )
        body = (
            "Merci de nous avoir écrit; nous vous répondons en privé."
            if language == "fr"
            else "Thank you for writing; we are answering you privately."
        )
        answer = answer_submit(comment=comment, actor=author, body=body, now=written)
        if answer.status == answer.Status.PENDING_APPROVAL:
            answer_approve(answer=answer, actor=people["carole"], now=answered)


def _answer_time(posted, rng):
    """When someone answered: within the hour on weekdays from 9:00 to 17:00,
    next morning in the evening, on Monday morning at the weekend."""
    local = posted
    if local.weekday() < 5 and 9 <= local.hour < 17:
        return posted + datetime.timedelta(minutes=rng.randrange(8, 75))
    day = local.date() + datetime.timedelta(days=1 if local.hour >= 17 else 0)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    morning = datetime.datetime.combine(day, datetime.time(9), tzinfo=local.tzinfo)
    return morning + datetime.timedelta(minutes=rng.randrange(15, 150))
