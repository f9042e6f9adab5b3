"""Load demonstration data: responders, accreditations, grants and a rota."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.roles import Role
from staffing.models import RotaSlot, RotaTemplate, TrainingProgram
from staffing.services.accounts import user_set_roles
from staffing.services.grants import accreditation_grant, grant_create
from staffing.services.shifts import rota_generate

PEOPLE = [
    # username, first, last, role, languages, team
    ("alice", "Alice", "Tremblay", Role.RESPONDER, ["fr", "en"], "Communications"),
    ("bob", "Bob", "Gagnon", Role.RESPONDER, ["en"], "Communications"),
    ("eve", "Ève", "Roy", Role.RESPONDER, ["fr"], "Service à la clientèle"),
    ("carole", "Carole", "Côté", Role.APPROVER, ["fr", "en"], "Affaires juridiques"),
    ("david", "David", "Bouchard", Role.MANAGER, ["fr", "en"], "Communications"),
    ("fatima", "Fatima", "Benali", Role.COUNSEL, ["fr", "en"], "Affaires juridiques"),
    ("paul", "Paul", "Lavoie", Role.PRIVACY_OFFICER, ["fr", "en"], "Vie privée"),
]


class Command(BaseCommand):
    help = (
        "Load demonstration data (responders, accreditations, delegation grants and "
        "a weekly rota that leaves one weekend gap). Does nothing if 'alice' exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password of the demonstration users.")

    @transaction.atomic
    def handle(self, *args, password=None, **options):
        User = get_user_model()
        if User.objects.filter(username="alice").exists():
            return
        now = timezone.now()
        users = {}
        for username, first, last, role, languages, team in PEOPLE:
            user = User.objects.create_user(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=password,
                languages=languages,
                team=team,
            )
            user_set_roles(user=user, roles=[role])
            users[username] = user
        manager = users["david"]
        for name in ("alice", "bob", "eve"):
            users[name].manager = manager
            users[name].save(update_fields=["manager"])
        program, _created = TrainingProgram.objects.get_or_create(
            slug="social-media-response",
            defaults={
                "name_fr": "Répondre sur les médias sociaux",
                "name_en": "Answering on social media",
                "description": "Rules, tone, law and escalation.",
                "validity_months": 12,
            },
        )
        year = datetime.timedelta(days=365)
        accreditation_grant(
            actor=manager, responder=users["alice"], program=program, level=2,
            granted_at=now - datetime.timedelta(days=90),
        )  # fmt: skip
        # Bob's expires in five days: the daily task warns him and David.
        accreditation_grant(
            actor=manager, responder=users["bob"], program=program, level=1,
            granted_at=now - year + datetime.timedelta(days=5),
            expires_at=now + datetime.timedelta(days=5),
        )  # fmt: skip
        # Ève's expired last week: her grant no longer lets her answer alone.
        accreditation_grant(
            actor=manager, responder=users["eve"], program=program, level=1,
            granted_at=now - year - datetime.timedelta(days=7),
            expires_at=now - datetime.timedelta(days=7),
        )  # fmt: skip
        grant_create(
            actor=manager, responder=users["alice"], required_program=program,
            required_level=2, max_severity="high",
            valid_from=now - datetime.timedelta(days=30),
            note="Toutes les catégories jusqu'à la gravité élevée.",
        )  # fmt: skip
        grant_create(
            actor=manager, responder=users["bob"], required_program=program,
            max_severity="medium",
            categories=["offensive", "denigration", "solicitation"],
            valid_from=now - datetime.timedelta(days=30),
        )  # fmt: skip
        self._rota(users, manager)
        self.stdout.write(
            "Demonstration data loaded: alice, bob, eve (responders), carole "
            "(approver), david (manager)."
        )

    def _rota(self, users, manager):
        rota = RotaTemplate.objects.create(
            name="Rotation de base", time_zone="America/Toronto"
        )
        hour = 60
        slots = []
        for weekday in range(5):
            # Day: Alice 09:00–17:00; evening and night: Bob 17:00–09:00.
            slots.append(
                (users["alice"], weekday, datetime.time(9), 8 * hour, "primary")
            )
            if weekday < 4:
                slots.append(
                    (users["bob"], weekday, datetime.time(17), 16 * hour, "primary")
                )
        # Weekend: Bob from Friday 17:00 to Saturday 17:00, Alice from Sunday
        # 09:00 to Monday 09:00; Saturday 17:00 to Sunday 09:00 is left open.
        slots.append((users["bob"], 4, datetime.time(17), 24 * hour, "primary"))
        slots.append((users["alice"], 6, datetime.time(9), 24 * hour, "primary"))
        slots.append((users["eve"], 5, datetime.time(10), 6 * hour, "backup"))
        RotaSlot.objects.bulk_create(
            RotaSlot(
                template=rota,
                responder=r,
                weekday=w,
                starts=t,
                duration_minutes=d,
                role=role,
            )
            for r, w, t, d, role in slots
        )
        today = timezone.localdate()
        rota_generate(
            actor=manager,
            template=rota,
            start_date=today - datetime.timedelta(days=today.weekday()),
            weeks=3,
        )
