"""Version numbers that count every save, even of copies loaded at once."""

import pytest

from moderation.models import SlaPolicy
from staffing.models import BusinessCalendar


def _calendar():
    return BusinessCalendar.objects.create(
        slug="versioned", name_fr="Versionné", name_en="Versioned"
    )


def _policy():
    return SlaPolicy.objects.create(
        slug="versioned", name_fr="Versionnée", name_en="Versioned"
    )


@pytest.fixture(params=[_calendar, _policy], ids=["calendar", "sla-policy"])
def row(request, db):
    return request.param()


def _stored(row):
    return type(row).objects.values_list("version", flat=True).get(pk=row.pk)


def test_a_new_row_starts_at_version_1_and_each_save_adds_one(row):
    assert row.version == _stored(row) == 1
    row.name_en = "Versioned again"
    row.save()
    assert row.version == _stored(row) == 2
    row.save()
    assert row.version == _stored(row) == 3


def test_two_copies_loaded_at_once_and_both_saved_count_twice(row):
    model = type(row)
    first, second = model.objects.get(pk=row.pk), model.objects.get(pk=row.pk)
    assert first.version == second.version == 1
    first.name_fr = "Première copie"
    first.save()
    second.name_en = "Second copy"
    second.save()
    assert _stored(row) == 3
    assert (first.version, second.version) == (2, 3)


def test_history_rows_record_the_number_the_database_gave(row):
    stale = type(row).objects.get(pk=row.pk)
    row.save()
    stale.save()
    recorded = list(
        row.history.order_by("history_id").values_list("version", flat=True)
    )
    assert recorded == [1, 2, 3]


def test_saving_other_fields_only_leaves_the_version(row):
    row.name_en = "Renamed"
    row.save(update_fields=["name_en"])
    assert row.version == _stored(row) == 1
