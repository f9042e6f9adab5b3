"""``manage.py flush``, marked as the deliberate flush the triggers let through."""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from policies.flushing import flushing


class Command(flush.Command):
    def handle(self, **options):
        with flushing(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            return super().handle(**options)
