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
            "--demo",
            action="store_true",
            help="On the first run, also load demonstration users and shifts, with "
            "the administrator's password.",
        )

    def handle(self, *args, username, demo, **options):
        for command in settings.BOOTSTRAP_COMMANDS:
            call_command(command, verbosity=options["verbosity"])
        User = get_user_model()
        with transaction.atomic():
            if User.objects.exists():
                return
            password = secrets.token_urlsafe(12)
            admin = User.objects.create_superuser(
                username=username, email="", password=password
            )
            user_set_roles(user=admin, roles=[Role.MANAGER])
            if demo:
                call_command("demo", password=password, stdout=self.stdout)
                call_command("demo_comments", stdout=self.stdout)
                call_command("demo_history", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                "  First run: an administrator was created.\n"
                f"    username: {username}\n"
                f"    password: {password}\n"
                "  This password is shown only once; change it after signing in.\n"
                + (
                    "  The demonstration users (alice, bob, eve, carole, david) share "
                    "it.\n"
                    if demo
                    else ""
                )
            )
        )
