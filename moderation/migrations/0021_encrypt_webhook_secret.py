"""The webhook secret is encrypted at rest like the connector credentials."""

import secrets

from django.db import migrations, models

from core import encryption


def encrypt_secrets(apps, schema_editor):
    Channel = apps.get_model("moderation", "Channel")
    for channel in Channel.objects.only("pk", "webhook_secret"):
        channel.webhook_secret_encrypted = encryption.encrypt(
            channel.webhook_secret or secrets.token_urlsafe(32)
        )
        channel.save(update_fields=["webhook_secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    Channel = apps.get_model("moderation", "Channel")
    for channel in Channel.objects.only("pk", "webhook_secret_encrypted"):
        channel.webhook_secret = encryption.decrypt(channel.webhook_secret_encrypted)
        channel.save(update_fields=["webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0020_unhide_and_author_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="webhook_secret_encrypted",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AlterField(
            model_name="channel",
            name="webhook_secret",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False),
        migrations.RemoveField(model_name="channel", name="webhook_secret"),
    ]
