"""Load demonstration channels and comments, in French and English."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from moderation.models import Channel, Comment
from moderation.services.answers import answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from staffing.models import BusinessCalendar

COMMENTS = [
    # minutes ago, channel, author, text
    (
        5,
        "facebook-main",
        "m.lavoie",
        "Je sais où vous habitez, vous allez payer pour ça.",
    ),
    (
        20,
        "facebook-main",
        "client_furieux",
        "Votre service est le pire, des incompétents!",
    ),
    (
        35,
        "x-main",
        "angry_dad",
        "You are a bunch of crooks and liars, cooking the books.",
    ),
    (
        50,
        "facebook-main",
        "julie.b",
        "Ma facture est erronée depuis deux mois. Aidez-moi?",
    ),
    (
        65,
        "x-main",
        "promo4u",
        "Earn $500 per day from home!!! Click here https://promo.example.com",
    ),
    (
        80,
        "facebook-main",
        "voisin",
        "Votre employée habite rue X, appelez-la au 514-555-0199.",
    ),
    (
        95,
        "x-main",
        "sam_k",
        "Thanks for the quick delivery, everything arrived on time.",
    ),
    (110, "facebook-main", "anonyme", "Espèce de CRÉTIN, tu ne comprends rien."),
    (
        140,
        "x-main",
        "leaks",
        "Confidential: internal memo says the merger closes Friday.",
    ),
    (180, "facebook-main", "marc.g", "Merci pour votre réponse rapide hier soir!"),
]

# The comment each responder persona finds assigned to them (their language,
# what the start-up box suggests they try).
RESPONDERS = {
    "alice": "demo-3",  # a billing question, in French
    "bob": "demo-2",  # possible defamation, in English: goes to approval
    "eve": "demo-7",  # an insult, in French: to hide
}


class Command(BaseCommand):
    help = "Load two demonstration channels and a dozen comments to triage."

    @transaction.atomic
    def handle(self, *args, **options):
        if Channel.objects.filter(slug="facebook-main").exists():
            return
        always = BusinessCalendar.objects.get(slug="24-7")
        business = BusinessCalendar.objects.get(slug="qc-business")
        channels = {
            "facebook-main": Channel.objects.create(
                slug="facebook-main", platform="facebook", handle="organisation",
                languages=["fr", "en"], calendar=always,
            ),
            "x-main": Channel.objects.create(
                slug="x-main", platform="x", handle="organisation",
                languages=["en", "fr"], calendar=business,
            ),
        }  # fmt: skip
        now = timezone.now()
        for index, (minutes, slug, author, text) in enumerate(COMMENTS):
            comment_ingest(
                channel=channels[slug],
                external_id=f"demo-{index}",
                author=author,
                text=text,
                posted_at=now - datetime.timedelta(minutes=minutes),
                url=f"https://{channels[slug].platform}.example/posts/{index}",
            )
        self._one_for_each_responder(now)
        self._waiting_for_approval(channels["facebook-main"], now)
        self.stdout.write(f"Demonstration comments loaded: {len(COMMENTS)}.")

    def _one_for_each_responder(self, now):
        """Give each responder persona a comment of their own to answer.

        Beat routes the unassigned comments every minute to whoever is on shift,
        and only a new, unassigned comment can be claimed: without these, a
        persona off shift would find nothing left to act on a minute after
        start-up.
        """
        users = get_user_model().objects.in_bulk(
            list(RESPONDERS), field_name="username"
        )
        for username, external_id in RESPONDERS.items():
            if username in users:
                comment = Comment.objects.get(external_id=external_id)
                comment_claim(comment=comment, actor=users[username], now=now)

    def _waiting_for_approval(self, channel, now):
        """Leave carole an answer to approve: Ève's, whose delegation lapsed."""
        eve = get_user_model().objects.filter(username="eve").first()
        if eve is None:
            return
        comment = Comment.objects.get(channel=channel, external_id="demo-1")
        comment_claim(comment=comment, actor=eve, now=now)
        answer_submit(
            comment=comment,
            actor=eve,
            body="Bonjour, écrivez-nous en privé : nous regardons votre dossier.",
            now=now,
        )
