"""The rulebook's SQLite triggers around a migration that rebuilds one of its
tables (a module whose name starts with "_" is not a migration).

SQLite drops a rebuilt table's own triggers, and the other tables' triggers,
which name it, stop the rebuild's rename: such a migration drops them all
first (``triggers_drop``) and creates them again last (``triggers_create``).
The statements are those of 0002_frozen_versions.
"""

import importlib


def _frozen():
    return importlib.import_module("policies.migrations.0002_frozen_versions")


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, _table in _frozen()._sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _frozen()._sqlite_statements():
            schema_editor.execute(statement, params=None)
