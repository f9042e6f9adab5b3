import django.core.validators
from django.db import migrations, models
from django.db.models import Q

import core.outbound

# The generic messages of core.outbound, as they were when this ran.
UNREACHABLE = "The receiver could not be reached."
REFUSED = "The receiver did not accept the message."


def forget_error_details(apps, schema_editor):
    """Replace the receivers' own words kept by earlier attempts (an internal
    server's reply, shown on the comment page) with the generic messages."""
    OutboxMessage = apps.get_model("moderation", "OutboxMessage")
    kept = OutboxMessage.objects.exclude(last_error="").exclude(
        last_error__in=[UNREACHABLE, REFUSED]
    )
    kept.filter(last_error__startswith="HTTP ").update(last_error=REFUSED)
    kept.filter(~Q(last_error__startswith="HTTP ")).update(last_error=UNREACHABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0011_event_no_truncate"),
    ]

    operations = [
        migrations.AlterField(
            model_name="channel",
            name="publish_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "Where the signed webhook connector POSTs published answers, "
                    "signed with the webhook secret. A public address, without "
                    "credentials."
                ),
                max_length=500,
                validators=[
                    django.core.validators.URLValidator(schemes=["http", "https"]),
                    core.outbound.validate_url,
                ],
                verbose_name="publishing URL",
            ),
        ),
        migrations.RunPython(forget_error_details, migrations.RunPython.noop),
    ]
