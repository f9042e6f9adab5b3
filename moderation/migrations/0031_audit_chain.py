"""The audit trail's hash chain (moderation.audit): every event gets its
number, its previous event's hash and its own, existing events included, in
the order they were written."""

import django.utils.timezone
from django.db import migrations, models

from moderation import audit

FIELDS = ("pk", "comment_id", "actor_id", "action", "before", "after", "reason", "at")


def chain_existing(apps, schema_editor):
    Event = apps.get_model("moderation", "Event")
    AuditHead = apps.get_model("moderation", "AuditHead")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    if postgres:
        # The append-only trigger refuses UPDATE; this once, the migration
        # (run by the table's owner) writes the new columns of existing rows.
        schema_editor.execute(
            "ALTER TABLE moderation_event DISABLE TRIGGER moderation_event_append_only"
        )
    seq, previous = 0, audit.GENESIS
    rows = Event.objects.order_by("at", "pk").values_list(*FIELDS)
    batch = []
    for pk, comment_id, actor_id, action, before, after, reason, at in rows.iterator(
        chunk_size=2000
    ):
        seq += 1
        content = audit.canonical_v1(
            seq=seq,
            comment_id=comment_id,
            actor_id=actor_id,
            action=action,
            before=before,
            after=after,
            reason=reason,
            at=at,
        )
        digest = audit.link(previous, content)
        batch.append(Event(pk=pk, seq=seq, prev_hash=previous, hash=digest))
        previous = digest
        if len(batch) >= 2000:
            Event.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        Event.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    if postgres:
        schema_editor.execute(
            "ALTER TABLE moderation_event ENABLE TRIGGER moderation_event_append_only"
        )
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": previous})


class Migration(migrations.Migration):
    dependencies = [("moderation", "0028_cockpit")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default=audit.GENESIS, max_length=64)),
            ],
            options={
                "verbose_name": "head of the audit trail",
                "verbose_name_plural": "heads of the audit trail",
            },
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="day")),
                (
                    "seq",
                    models.PositiveBigIntegerField(verbose_name="number in the chain"),
                ),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="recorded at"
                    ),
                ),
            ],
            options={
                "verbose_name": "daily hash of the audit trail",
                "verbose_name_plural": "daily hashes of the audit trail",
                "ordering": ["-day"],
            },
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(
                null=True, verbose_name="number in the chain"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="previous event's hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(
                unique=True, verbose_name="number in the chain"
            ),
        ),
    ]
