"""Classify texts read from standard input; write one JSON line per text."""

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from core.languages import CODES
from policies.api import MAX_CLASSIFY_TEXT
from policies.classify import NoPublishedVersion, current_matcher
from policies.models import Platform


class Command(BaseCommand):
    help = (
        "Check texts against the published rulebook. Reads one text per line, or a "
        "CSV with a 'text' column (and optional id, language, platform, author "
        "columns) with --csv; writes JSON lines to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", action="store_true", help="Read CSV, not lines.")
        parser.add_argument("--language", choices=CODES, help="Language of all texts.")
        parser.add_argument(
            "--platform", choices=Platform.values, help="Platform of all texts."
        )

    def handle(self, *args, **options):
        try:
            number, matcher = current_matcher()
        except NoPublishedVersion:
            raise CommandError("No policy version is published yet.") from None
        rows = self._csv_rows() if options["csv"] else self._line_rows()
        out = self.stdout
        for position, row in rows:
            text = row.get("text") or ""
            record = {"line": position}
            if row.get("id"):
                record["id"] = row["id"]
            if len(text) > MAX_CLASSIFY_TEXT:
                record["error"] = f"text longer than {MAX_CLASSIFY_TEXT} characters"
                out.write(json.dumps(record, ensure_ascii=False))
                continue
            language = row.get("language") or options["language"]
            result = matcher.classify(
                text,
                language=language if language in CODES else None,
                platform=row.get("platform") or options["platform"],
                author=row.get("author") or None,
            )
            record.update(
                policy_version=number,
                language=result.language,
                matches=[
                    {
                        "rule": m.rule,
                        "category": m.category,
                        "severity": m.severity,
                        "pattern": m.pattern,
                        "start": m.start,
                        "end": m.end,
                        "excerpt": m.excerpt,
                    }
                    for m in result.matches
                ],
            )
            out.write(json.dumps(record, ensure_ascii=False))

    def _line_rows(self):
        for position, line in enumerate(sys.stdin, start=1):
            yield position, {"text": line.rstrip("\r\n")}

    def _csv_rows(self):
        reader = csv.DictReader(sys.stdin)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise CommandError("The CSV needs a header row with a 'text' column.")
        yield from enumerate(reader, start=2)
