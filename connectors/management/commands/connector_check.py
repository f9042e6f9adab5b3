"""Sign a channel in on its platform and say as whom: *Test the connection*."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from connectors import services
from moderation import registry
from moderation.models import Channel


class Command(BaseCommand):
    help = (
        "Sign in on the platform with a channel's stored credentials and print "
        "the account found; exit non-zero with the reason when that fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("channel", help="Slug of the channel.")

    @no_translations
    def handle(self, *args, channel, **options):
        found = Channel.objects.filter(slug=channel).first()
        if found is None:
            raise CommandError(f"Unknown channel {channel!r}.")
        try:
            account = services.channel_check(channel=found)
        except registry.ConnectorError as exc:
            # The generic text; the detail is in the log.
            raise CommandError(f"Channel {found.slug}: {exc.public}") from None
        name = f" ({account.name})" if account.name else ""
        self.stdout.write(f"Signed in as {account.handle}{name}.")
