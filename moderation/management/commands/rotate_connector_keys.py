"""Re-encrypt every channel's credentials and webhook secret with the first
key of CONNECTOR_KEYS."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import encryption
from moderation.models import Channel


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored connector credential and webhook secret with "
        "the first key of CONNECTOR_KEYS, so that the other keys can then be "
        "removed."
    )
    FIELDS = ["credentials_encrypted", "webhook_secret_encrypted"]

    def handle(self, *args, **options):
        with transaction.atomic():
            channels = list(
                Channel.objects.select_for_update().only("pk", "slug", *self.FIELDS)
            )
            for channel in channels:
                for field in self.FIELDS:
                    token = getattr(channel, field)
                    if not token:
                        continue
                    try:
                        setattr(channel, field, encryption.rotate(token))
                    except encryption.UnreadableSecret as exc:
                        # Nothing is written: the transaction rolls back.
                        raise CommandError(f"Channel {channel.slug}: {exc}") from None
            Channel.objects.bulk_update(channels, self.FIELDS)
        self.stdout.write(f"Re-encrypted the secrets of {len(channels)} channel(s).")
