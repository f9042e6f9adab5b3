"""The audit trail's hash covers each event's reason by its SHA-256
(moderation.audit), so that retention can erase a reason and the chain holds.

Existing events are re-hashed in chain order, but only after the chain as it
stands has been verified with the formula it was written with: re-hashing a
broken chain would hide its break, so the migration stops there and names it.
Each recorded daily hash is rewritten to the new hash of the same event. A hash
e-mailed before the upgrade still checks with ``verify_audit --expect``, which
recomputes the old formula alongside (as long as no reason before it has been
erased).

On PostgreSQL the append-only trigger now lets one change through: erasing a
reason (``reason`` emptied, ``reason_erased_at`` set, nothing else touched).
"""

from django.db import migrations, models

from moderation import audit

BATCH = 2000

TRIGGER = """
CREATE OR REPLACE FUNCTION moderation_event_append_only() RETURNS trigger AS $$
BEGIN
    -- Retention may erase a reason once; everything else, its digest
    -- included, stays as written.
    IF TG_OP = 'UPDATE' AND OLD.reason_erased_at IS NULL
       AND NEW.reason_erased_at IS NOT NULL AND NEW.reason = ''
       AND (to_jsonb(NEW) - 'reason' - 'reason_erased_at')
           = (to_jsonb(OLD) - 'reason' - 'reason_erased_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'moderation_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER_BEFORE = """
CREATE OR REPLACE FUNCTION moderation_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'moderation_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
DISABLE = "ALTER TABLE moderation_event DISABLE TRIGGER moderation_event_append_only"
ENABLE = "ALTER TABLE moderation_event ENABLE TRIGGER moderation_event_append_only"

FIELDS = (
    "pk", "seq", "comment_id", "actor_id", "action", "before", "after", "reason",
    "at", "prev_hash", "hash",
)  # fmt: skip


class BrokenChain(RuntimeError):
    pass


def _fields(row):
    pk, seq, comment_id, actor_id, action, before, after, reason, at = row[:9]
    return pk, {
        "seq": seq, "comment_id": comment_id, "actor_id": actor_id,
        "action": action, "before": before, "after": after, "at": at,
    }, reason  # fmt: skip


def rehash(rows, *, from_v1):
    """Yield ``(pk, seq, reason_sha256, prev_hash, old_hash, new_hash)`` for
    ``rows`` (FIELDS, in chain order), after checking each against the formula
    it was written with; raise ``BrokenChain`` at the first break."""
    old_previous = new_previous = audit.GENESIS
    expected_seq = 0
    for row in rows:
        pk, fields, reason = _fields(row)
        prev_hash, stored = row[9], row[10]
        expected_seq += 1
        digest = audit.reason_digest(reason)
        if from_v1:
            old = audit.link(old_previous, audit.canonical_v1(reason=reason, **fields))
            new = audit.link(
                new_previous, audit.canonical(reason_sha256=digest, **fields)
            )
        else:
            old = audit.link(
                old_previous, audit.canonical(reason_sha256=digest, **fields)
            )
            new = audit.link(new_previous, audit.canonical_v1(reason=reason, **fields))
        if fields["seq"] != expected_seq or prev_hash != old_previous or stored != old:
            raise BrokenChain(
                f"The audit trail is broken at event number {expected_seq} "
                f"(id {pk}): run `manage.py verify_audit`. It is not re-hashed, "
                "which would hide the break."
            )
        yield pk, fields["seq"], digest, new_previous, old, new
        old_previous, new_previous = old, new


def _convert(apps, schema_editor, *, from_v1):
    Event = apps.get_model("moderation", "Event")
    AuditHead = apps.get_model("moderation", "AuditHead")
    AuditAnchor = apps.get_model("moderation", "AuditAnchor")
    if not from_v1 and Event.objects.filter(reason_erased_at__isnull=False).exists():
        raise BrokenChain(
            "Some reasons were erased by retention: the audit trail cannot go back "
            "to hashing reasons themselves."
        )
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(DISABLE)
    anchors = {anchor.seq: anchor for anchor in AuditAnchor.objects.all()}
    head = AuditHead.objects.filter(pk=1).first()
    rows = Event.objects.order_by("seq").values_list(*FIELDS).iterator(BATCH)
    batch, seq, last = [], 0, audit.GENESIS
    for pk, seq, digest, prev_hash, old, new in rehash(rows, from_v1=from_v1):
        batch.append(Event(pk=pk, reason_sha256=digest, prev_hash=prev_hash, hash=new))
        if seq in anchors:
            anchor = anchors[seq]
            if anchor.hash != old:
                raise BrokenChain(
                    f"The daily hash of {anchor.day} does not match event number "
                    f"{seq}: run `manage.py verify_audit`."
                )
            anchor.hash = new
        last = new
        if len(batch) >= BATCH:
            Event.objects.bulk_update(batch, ["reason_sha256", "prev_hash", "hash"])
            batch = []
    if batch:
        Event.objects.bulk_update(batch, ["reason_sha256", "prev_hash", "hash"])
    if head is not None and head.seq != seq:
        raise BrokenChain(
            f"The audit trail ends at number {seq} but its head says {head.seq}: "
            "run `manage.py verify_audit`."
        )
    AuditAnchor.objects.bulk_update(anchors.values(), ["hash"])
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": last})
    if postgres:
        schema_editor.execute(ENABLE)
        schema_editor.execute(TRIGGER if from_v1 else TRIGGER_BEFORE, params=None)


def forward(apps, schema_editor):
    _convert(apps, schema_editor, from_v1=True)


def backward(apps, schema_editor):
    _convert(apps, schema_editor, from_v1=False)


class Migration(migrations.Migration):
    # Re-hashing rows and replacing the trigger go together, or not at all.
    atomic = True

    dependencies = [("moderation", "0039_integration_choices")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="reason_sha256",
            field=models.CharField(
                default="", max_length=64, verbose_name="reason's SHA-256"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="reason_erased_at",
            field=models.DateTimeField(null=True, verbose_name="reason erased at"),
        ),
        migrations.RunPython(forward, backward),
    ]
