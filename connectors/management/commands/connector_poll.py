"""Poll a channel's platform now, whether it is due or not."""

from django.core.management.base import BaseCommand, CommandError, no_translations

from connectors import polling
from moderation import registry
from moderation.models import Channel


class Command(BaseCommand):
    help = (
        "Poll a channel's platform once, now, and print how many comments were "
        "read and stored; exit non-zero with the reason when the poll fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("channel", help="Slug of the channel.")

    @no_translations
    def handle(self, *args, channel, **options):
        found = Channel.objects.filter(slug=channel).first()
        if found is None:
            raise CommandError(f"Unknown channel {channel!r}.")
        if not found.active:
            raise CommandError(f"Channel {found.slug} is switched off.")
        # A platform's error is recorded and returned, not raised.
        try:
            outcome = polling.poll_once(found, force=True)
        except registry.UnknownConnector:
            raise CommandError(
                f"Channel {found.slug}: its connector {found.connector!r} is not "
                "installed."
            ) from None
        if outcome.error:
            # The generic text the Channels page shows; the detail is in the log.
            raise CommandError(f"Channel {found.slug}: {outcome.error}")
        if outcome.skipped:
            raise CommandError(
                f"Channel {found.slug} is being polled by a worker right now; "
                "try again in a moment."
            )
        more = " The platform has more: poll again." if outcome.more else ""
        self.stdout.write(
            f"Read {outcome.read} item(s), "
            f"stored {outcome.stored} new comment(s).{more}"
        )
