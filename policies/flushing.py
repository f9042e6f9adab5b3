"""Let a deliberate flush of the whole database past the integrity triggers.

The rulebook and the audit trail refuse to lose rows in SQL (see the
``policies`` and ``moderation`` migrations). Emptying every table, as
``manage.py flush`` and the test runner's flush between transactional tests do,
is the one deliberate exception, and it says so to the database:

- on PostgreSQL the flush sets the session setting ``governance.flushing`` to
  ``on`` while it truncates; the audit trail's TRUNCATE trigger reads it;
- on SQLite, which flushes with DELETE, each connection gets a
  ``governance_flushing()`` function that the DELETE triggers ask.
"""

import contextlib

SETTING = "governance.flushing"


def register(sender, connection, **kwargs):
    """Give each new SQLite connection the ``governance_flushing()`` function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "governance_flushing",
            0,
            lambda: int(getattr(connection, "governance_flushing", False)),
            deterministic=False,
        )


@contextlib.contextmanager
def flushing(connection):
    """Mark ``connection`` as flushing the database while the block runs."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [SETTING])
    connection.governance_flushing = True
    try:
        yield
    finally:
        connection.governance_flushing = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', false)", [SETTING])
