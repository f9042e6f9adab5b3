"""Re-encrypt every channel's credentials with the first key of CONNECTOR_KEYS."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import encryption
from moderation.models import Channel


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored connector credential with the first key of "
        "CONNECTOR_KEYS, so that the other keys can then be removed."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            channels = list(
                Channel.objects.select_for_update()
                .exclude(credentials_encrypted="")
                .only("pk", "slug", "credentials_encrypted")
            )
            for channel in channels:
                try:
                    channel.credentials_encrypted = encryption.rotate(
                        channel.credentials_encrypted
                    )
                except encryption.UnreadableSecret as exc:
                    # Nothing is written: the transaction rolls back.
                    raise CommandError(f"Channel {channel.slug}: {exc}") from None
            Channel.objects.bulk_update(channels, ["credentials_encrypted"])
        self.stdout.write(
            f"Re-encrypted the credentials of {len(channels)} channel(s)."
        )
