from django.db import migrations

# On PostgreSQL the audit trail refuses UPDATE and DELETE in SQL too, whoever
# connects. (TRUNCATE, used by test flushes and restores, is not a row change.)
FORWARD = """
CREATE OR REPLACE FUNCTION moderation_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'moderation_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_event_append_only
    BEFORE UPDATE OR DELETE ON moderation_event
    FOR EACH ROW EXECUTE FUNCTION moderation_event_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS moderation_event_append_only ON moderation_event;
DROP FUNCTION IF EXISTS moderation_event_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
