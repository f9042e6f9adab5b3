"""Recompute the audit trail's hash chain and name its first break."""

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from moderation.services.audit import chain_verify

EXPECTED = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


def expected_hash(value):
    """``SEQ:HASH`` as printed in the daily e-mail, checked before any work."""
    found = EXPECTED.match(value.strip().lower())
    if not found:
        raise CommandError(
            _("--expect takes NUMBER:HASH as the daily e-mail gives it, not %(value)r.")
            % {"value": value}
        )
    return int(found[1]), found[2]


class Command(BaseCommand):
    help = (
        "Recompute the hash of every audit event in order and check it against "
        "the recorded daily hashes; exit 1 naming the first break."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="NUMBER:HASH",
            help="A daily hash kept outside the database (its e-mail); repeatable.",
        )

    def handle(self, *args, expect, **options):
        expected = [expected_hash(value) for value in expect]
        result = chain_verify(expected=expected)
        if result.broken is not None:
            raise CommandError(
                _("Audit trail broken: %(why)s") % {"why": result.broken.message}
            )
        intact = _(
            "Audit trail intact: %(count)d events, last number %(seq)d, hash %(hash)s."
        )
        self.stdout.write(
            intact
            % {"count": result.events, "seq": result.head_seq, "hash": result.head_hash}
        )
