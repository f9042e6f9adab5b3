import datetime

from django.db import migrations


def create_calendars(apps, schema_editor):
    BusinessCalendar = apps.get_model("staffing", "BusinessCalendar")
    OpeningWindow = apps.get_model("staffing", "OpeningWindow")
    business, created = BusinessCalendar.objects.get_or_create(
        slug="qc-business",
        defaults={
            "name_fr": "Heures de bureau (Québec)",
            "name_en": "Business hours (Québec)",
            "time_zone": "America/Toronto",
            "holiday_country": "CA",
            "holiday_subdivision": "QC",
        },
    )
    if created:
        OpeningWindow.objects.bulk_create(
            OpeningWindow(
                calendar=business,
                weekday=weekday,
                starts=datetime.time(9, 0),
                ends=datetime.time(17, 0),
            )
            for weekday in range(5)
        )
    BusinessCalendar.objects.get_or_create(
        slug="24-7",
        defaults={
            "name_fr": "En tout temps (24/7)",
            "name_en": "Around the clock (24/7)",
            "time_zone": "America/Toronto",
            "always_open": True,
            "holiday_country": "",
            "holiday_subdivision": "",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("staffing", "0002_responders_calendars_shifts")]

    operations = [migrations.RunPython(create_calendars, migrations.RunPython.noop)]
