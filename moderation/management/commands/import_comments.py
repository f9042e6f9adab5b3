"""Import a CSV export of comments into a channel."""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from moderation.api.ingest import IngestSerializer
from moderation.models import Channel
from moderation.services.ingest import comments_ingest
from policies.classify import NoPublishedVersion

REQUIRED = {"external_id", "author", "text", "posted_at"}


# Comments stored per transaction.
BATCH = 500


class Command(BaseCommand):
    help = (
        "Import comments from a CSV file (columns external_id, author, text, "
        "posted_at, and optional url, language, parent) into a channel. Known "
        "comments are left as they are; invalid rows are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, or - for standard input.")
        parser.add_argument("--channel", required=True, help="Slug of the channel.")

    def handle(self, *args, path, channel, **options):
        if not Channel.objects.filter(slug=channel).exists():
            raise CommandError(f"Unknown channel {channel!r}.")
        if path == "-":
            counts = self._import(sys.stdin, channel)
        else:
            try:
                with open(path, newline="", encoding="utf-8") as handle:
                    counts = self._import(handle, channel)
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        summary = "{created} created, {existing} already known, {invalid} invalid."
        summary = summary.format(**counts)
        if counts["invalid"]:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _import(self, handle, channel):
        reader = csv.DictReader(handle)
        missing = REQUIRED - set(reader.fieldnames or ())
        if missing:
            raise CommandError(
                f"The CSV lacks the column(s): {', '.join(sorted(missing))}."
            )
        counts = {"created": 0, "existing": 0, "invalid": 0}
        batch = []
        for line, row in enumerate(reader, start=2):
            data = {key: value for key, value in row.items() if key and value}
            incoming = IngestSerializer(data={**data, "channel": channel})
            if not incoming.is_valid():
                counts["invalid"] += 1
                fields = "; ".join(
                    f"{field}: {' '.join(map(str, errors))}"
                    for field, errors in incoming.errors.items()
                )
                self.stderr.write(f"line {line}: {fields}")
                continue
            batch.append(incoming.validated_data)
            if len(batch) == BATCH:
                self._store(batch, counts)
                batch = []
        if batch:
            self._store(batch, counts)
        return counts

    def _store(self, batch, counts):
        try:
            stored = comments_ingest(items=batch)
        except NoPublishedVersion:
            raise CommandError("No policy version is published yet.") from None
        for _comment, created in stored:
            counts["created" if created else "existing"] += 1
