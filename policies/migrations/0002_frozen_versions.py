from django.db import migrations

# Published and retired versions, their rules, patterns, answer templates and
# legal-reference links are immutable in SQL too, whoever connects and whatever
# code path writes: the models refuse first with a readable message, these
# triggers catch what goes around them (raw SQL, bulk paths, a future view).
#
# A version's status moves only draft -> published -> retired; retiring may set
# retired_at and nothing else. Deleting a user may still clear created_by and
# published_by (ON DELETE SET NULL), which says nothing of the rulebook.
#
# Row triggers do not fire on TRUNCATE (PostgreSQL's test and `manage.py flush`).
# SQLite's flush deletes rows instead: there the DELETE triggers let a flush
# through when governance_flushing(), a function each Django connection
# registers (policies.apps), says so; the flush command alone sets it. A
# connection that lacks the function, a bare sqlite3 shell, fails the check
# and deletes nothing.
#
# SQLite drops a table's triggers when a migration rebuilds the table: a later
# migration that alters one of these tables on SQLite must run SQLITE_FORWARD
# again.

POSTGRESQL_FORWARD = r"""
CREATE OR REPLACE FUNCTION policies_version_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'policies_policyversion: a version starts as a draft';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'policies_policyversion: version % is %, DELETE refused',
                OLD.number, OLD.status;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        IF NEW.status NOT IN ('draft', 'published') THEN
            RAISE EXCEPTION 'policies_policyversion: a draft can only be published';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.number IS DISTINCT FROM OLD.number
        OR NEW.note IS DISTINCT FROM OLD.note
        OR NEW.based_on_id IS DISTINCT FROM OLD.based_on_id
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.effective_from IS DISTINCT FROM OLD.effective_from
        OR (NEW.created_by_id IS DISTINCT FROM OLD.created_by_id
            AND NEW.created_by_id IS NOT NULL)
        OR (NEW.published_by_id IS DISTINCT FROM OLD.published_by_id
            AND NEW.published_by_id IS NOT NULL)
        OR NOT (
            (NEW.status = OLD.status
                AND NEW.retired_at IS NOT DISTINCT FROM OLD.retired_at)
            OR (OLD.status = 'published' AND NEW.status = 'retired'))
    THEN
        RAISE EXCEPTION 'policies_policyversion: version % is %, UPDATE refused',
            OLD.number, OLD.status;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_version_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_version_frozen();

-- TG_ARGV[0] names the column that leads to the version: version_id (a rule)
-- or rule_id (a pattern, a template, a legal-reference link).
CREATE OR REPLACE FUNCTION policies_content_frozen() RETURNS trigger AS $$
DECLARE
    row_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        row_status := policies_content_status(
            TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[0])::bigint);
        IF row_status IN ('published', 'retired') THEN
            RAISE EXCEPTION '%: the version is %, % refused',
                TG_TABLE_NAME, row_status, TG_OP;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        row_status := policies_content_status(
            TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[0])::bigint);
        IF row_status IN ('published', 'retired') THEN
            RAISE EXCEPTION '%: the version is %, % refused',
                TG_TABLE_NAME, row_status, TG_OP;
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION policies_content_status(via text, ref bigint)
RETURNS text AS $$
    SELECT CASE WHEN via = 'version_id' THEN
        (SELECT status FROM policies_policyversion WHERE id = ref)
    ELSE
        (SELECT v.status FROM policies_rule r
            JOIN policies_policyversion v ON v.id = r.version_id
            WHERE r.id = ref)
    END
$$ LANGUAGE sql STABLE;

CREATE TRIGGER policies_rule_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_rule
    FOR EACH ROW EXECUTE FUNCTION policies_content_frozen('version_id');
CREATE TRIGGER policies_pattern_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_pattern
    FOR EACH ROW EXECUTE FUNCTION policies_content_frozen('rule_id');
CREATE TRIGGER policies_answertemplate_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_answertemplate
    FOR EACH ROW EXECUTE FUNCTION policies_content_frozen('rule_id');
CREATE TRIGGER policies_rule_legal_references_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_rule_legal_references
    FOR EACH ROW EXECUTE FUNCTION policies_content_frozen('rule_id');
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS policies_version_frozen ON policies_policyversion;
DROP TRIGGER IF EXISTS policies_rule_frozen ON policies_rule;
DROP TRIGGER IF EXISTS policies_pattern_frozen ON policies_pattern;
DROP TRIGGER IF EXISTS policies_answertemplate_frozen ON policies_answertemplate;
DROP TRIGGER IF EXISTS policies_rule_legal_references_frozen
    ON policies_rule_legal_references;
DROP FUNCTION IF EXISTS policies_version_frozen();
DROP FUNCTION IF EXISTS policies_content_frozen();
DROP FUNCTION IF EXISTS policies_content_status(text, bigint);
"""

_RULE_STATUS = (
    "(SELECT v.status FROM policies_rule r JOIN policies_policyversion v "
    "ON v.id = r.version_id WHERE r.id = {}.rule_id)"
)
_VERSION_STATUS = "(SELECT status FROM policies_policyversion WHERE id = {}.version_id)"
_CONTENT = {
    "policies_rule": _VERSION_STATUS,
    "policies_pattern": _RULE_STATUS,
    "policies_answertemplate": _RULE_STATUS,
    "policies_rule_legal_references": _RULE_STATUS,
}
_FROZEN = "IN ('published', 'retired')"


def _sqlite_statements():
    yield """
CREATE TRIGGER policies_version_frozen_insert BEFORE INSERT ON policies_policyversion
WHEN NEW.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'policies_policyversion: a version starts as a draft'); END
"""
    yield """
CREATE TRIGGER policies_version_frozen_update BEFORE UPDATE ON policies_policyversion
WHEN (OLD.status = 'draft' AND NEW.status NOT IN ('draft', 'published'))
    OR (OLD.status <> 'draft' AND (
        NEW.number IS NOT OLD.number
        OR NEW.note IS NOT OLD.note
        OR NEW.based_on_id IS NOT OLD.based_on_id
        OR NEW.created_at IS NOT OLD.created_at
        OR NEW.effective_from IS NOT OLD.effective_from
        OR (NEW.created_by_id IS NOT OLD.created_by_id
            AND NEW.created_by_id IS NOT NULL)
        OR (NEW.published_by_id IS NOT OLD.published_by_id
            AND NEW.published_by_id IS NOT NULL)
        OR NOT ((NEW.status = OLD.status AND NEW.retired_at IS OLD.retired_at)
            OR (OLD.status = 'published' AND NEW.status = 'retired'))))
BEGIN SELECT RAISE(ABORT, 'policies_policyversion: version is frozen, UPDATE refused');
END
"""
    yield """
CREATE TRIGGER policies_version_frozen_delete BEFORE DELETE ON policies_policyversion
WHEN OLD.status <> 'draft' AND NOT governance_flushing()
BEGIN SELECT RAISE(ABORT, 'policies_policyversion: version is frozen, DELETE refused');
END
"""
    for table, status in _CONTENT.items():
        message = f"{table}: the version is frozen, %s refused"
        yield f"""
CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table}
WHEN {status.format("NEW")} {_FROZEN}
BEGIN SELECT RAISE(ABORT, '{message % "INSERT"}'); END
"""
        yield f"""
CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table}
WHEN {status.format("OLD")} {_FROZEN} OR {status.format("NEW")} {_FROZEN}
BEGIN SELECT RAISE(ABORT, '{message % "UPDATE"}'); END
"""
        yield f"""
CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table}
WHEN {status.format("OLD")} {_FROZEN} AND NOT governance_flushing()
BEGIN SELECT RAISE(ABORT, '{message % "DELETE"}'); END
"""


def _sqlite_triggers():
    yield "policies_version_frozen_insert", "policies_policyversion"
    yield "policies_version_frozen_update", "policies_policyversion"
    yield "policies_version_frozen_delete", "policies_policyversion"
    for table in _CONTENT:
        for operation in ("insert", "update", "delete"):
            yield f"{table}_frozen_{operation}", table


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in _sqlite_statements():
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, params=None)
    elif vendor == "sqlite":
        for name, _table in _sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
