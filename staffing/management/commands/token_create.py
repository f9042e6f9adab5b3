"""Create an API token for a user and print its secret, this once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from staffing.services.tokens import TOKEN_MAX_DAYS, api_token_create


class Command(BaseCommand):
    help = "Create a named, expiring API token and print its secret once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="user name of the holder")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=90,
            help=f"lifetime in days, 1 to {TOKEN_MAX_DAYS} (default 90)",
        )

    def handle(self, *args, user, name, days, **options):
        User = get_user_model()
        try:
            holder = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist:
            raise CommandError(f"No user is named {user!r}.") from None
        try:
            token, secret = api_token_create(user=holder, name=name, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) for {holder.get_username()},"
            f" expires {token.expires_at:%Y-%m-%d %H:%M} UTC. Its secret, shown once:"
        )
        self.stdout.write(secret)
