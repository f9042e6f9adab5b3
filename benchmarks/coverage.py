"""Benchmark the coverage-gap sweep (run by hand).

    .venv/bin/python benchmarks/coverage.py

Budget: 20 requirements (channels) x 14 days x 2,000 shifts in under 100 ms.
Each requirement has its own calendar (24/7 or business hours with Québec
holidays) and its own responders (shifts of the people who may answer for it).
"""

import datetime
import os
import random
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from staffing import businesstime, coverage  # noqa: E402
from staffing.publicholidays import statutory_holidays  # noqa: E402

TZ = zoneinfo.ZoneInfo("America/Toronto")


def scenario(rng):
    start = datetime.datetime(2026, 11, 30, tzinfo=TZ)
    end = start + datetime.timedelta(days=14)
    business = businesstime.CalendarSpec(
        windows=dict.fromkeys(range(5), ((9 * 60, 12 * 60), (13 * 60, 17 * 60))),
        closed_dates=frozenset(statutory_holidays("CA", "QC", [2026, 2027])),
    )
    requirements = [
        (
            businesstime.always_open() if i % 2 else business,
            set(rng.sample(range(60), 12)),
        )
        for i in range(20)
    ]
    shifts = []
    for _ in range(2000):
        begin = start + datetime.timedelta(minutes=rng.randrange(0, 14 * 24 * 60, 15))
        length = datetime.timedelta(hours=rng.choice([4, 6, 8, 12]))
        shifts.append((rng.randrange(60), begin, begin + length))
    return start, end, requirements, shifts


def sweep(start, end, requirements, shifts):
    by_person = {}
    for person, begin, finish in shifts:
        by_person.setdefault(person, []).append((begin, finish))
    result = []
    for spec, people in requirements:
        required = businesstime.open_intervals(spec, start, end)
        covered = [
            interval for person in people for interval in by_person.get(person, ())
        ]
        result.append(coverage.gaps(required, covered))
    return result


def main():
    rng = random.Random(3)
    start, end, requirements, shifts = scenario(rng)
    timings = []
    for _ in range(30):
        began = time.perf_counter()
        gaps = sweep(start, end, requirements, shifts)
        timings.append((time.perf_counter() - began) * 1000)
    total = sum(len(g) for g in gaps)
    print(f"20 requirements x 14 days x {len(shifts)} shifts: {total} gaps found")
    print(
        f"sweep: median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms (budget 100 ms)"
    )


if __name__ == "__main__":
    main()
