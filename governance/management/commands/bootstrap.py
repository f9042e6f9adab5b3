"""Prepare a database for first use: default data and a first administrator."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.roles import Role
from staffing.services.accounts import user_set_roles


class Command(BaseCommand):
    help = (
        "Load the default data into an empty database and create the first "
        "administrator, printing its password once. Safe to run at every start."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default="admin", help="Name of the first administrator."
        )
        parser.add_argument(
            "--url",
            default="",
            help="The address the site answers on, for the start-up box.",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="On the first run, also load demonstration users and shifts, with "
            "the administrator's password.",
        )

    def handle(self, *args, username, demo, url, **options):
        for command in settings.BOOTSTRAP_COMMANDS:
            call_command(command, verbosity=options["verbosity"])
        User = get_user_model()
        password = None
        with transaction.atomic():
            if not User.objects.exists():
                password = secrets.token_urlsafe(12)
                admin = User.objects.create_superuser(
                    username=username, email="", password=password
                )
                user_set_roles(user=admin, roles=[Role.MANAGER])
                if demo:
                    call_command("demo", password=password, stdout=self.stdout)
                    call_command("demo_comments", stdout=self.stdout)
                    call_command("demo_history", stdout=self.stdout)
        personas = [
            (name, what)
            for name, what in PERSONAS
            if User.objects.filter(username=name).exists()
        ]
        self.stdout.write(self.style.SUCCESS(box(url, username, password, personas)))


# What each demonstration persona can try first (staffing's ``demo`` command).
PERSONAS = (
    ("alice", "responder: claim a comment in the inbox and answer it"),
    ("bob", "responder (English): answer; defamation goes to approval"),
    ("eve", "responder (French): hide an insult, escalate a threat"),
    ("carole", "approver: approve or send back the answers in Approvals"),
    ("david", "manager: coverage, response times, channels, admin"),
)


def box(url, username, password, personas):
    """Return the start-up box: where to go, who to sign in as, what to try.

    The password appears only on the first run, the one time it is known.
    """
    lines = []
    if url:
        lines.append(f"Open {url}  (Ctrl-C stops web, worker and beat)")
    if password:
        lines += [
            "First run: an administrator was created.",
            f"  username: {username}",
            f"  password: {password}",
            "  Shown only once; change it after signing in.",
        ]
    else:
        lines.append(
            f"Administrator: {username} (its secret was shown at the first run)"
        )
    if personas:
        lines.append("Try the demonstration users (same secret as the administrator):")
        lines += [f"  {name:<7} {what}" for name, what in personas]
    width = max(len(line) for line in lines)
    rule = "-" * (width + 2)
    body = "\n".join(f"| {line:<{width}} |" for line in lines)
    return f"\n+{rule}+\n{body}\n+{rule}+\n"
