from django.db import migrations

# The audit trail refuses TRUNCATE as well as UPDATE and DELETE (0002): a
# statement-level trigger, since TRUNCATE fires no row trigger. TRUNCATE of a
# table that moderation_event references, with CASCADE, reaches it and is
# refused too.
#
# Flushing the whole database is the one deliberate exception: `manage.py
# flush`, and so the test runner's flush between transactional tests, which
# empties every table with one TRUNCATE on PostgreSQL, sets the session setting
# governance.flushing to 'on' first (policies.flushing, through the project's
# flush command) and clears it after. Allowing that setting, rather than having
# tests drop and recreate the trigger, keeps the trigger in place in every test
# and names the escape hatch in one place. The setting is no secret: it guards
# against code paths and mistakes, not against a database user who may already
# run DDL; the application's database role should not hold TRUNCATE or DDL
# rights in production.
#
# SQLite has no TRUNCATE: its flush deletes rows, and its audit trail has no
# row triggers, so nothing is needed there.
FORWARD = """
CREATE OR REPLACE FUNCTION moderation_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('governance.flushing', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'moderation_event is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_event_no_truncate
    BEFORE TRUNCATE ON moderation_event
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_event_no_truncate();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS moderation_event_no_truncate ON moderation_event;
DROP FUNCTION IF EXISTS moderation_event_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0010_alert_waiting")]

    operations = [migrations.RunPython(forward, backward)]
