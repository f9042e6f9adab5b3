"""State changes of accounts: role groups, a user's roles, the default calendars."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from core.languages import Language
from core.roles import Role
from staffing.models import BusinessCalendar, OpeningWindow

# Apps whose models managers edit in the admin.
MANAGED_APPS = (
    "core",
    "governance",
    "policies",
    "staffing",
    "moderation",
    "training",
    "axes",
)


def roles_sync(*, using="default"):
    """Create one group per role and give managers the admin permissions.

    Idempotent: run after every migrate. Other roles get no model permissions;
    they work through the site and the API, which check capabilities.
    """
    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    managers = Group.objects.using(using).get(name=Role.MANAGER)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=MANAGED_APPS
    )
    managers.permissions.add(*permissions)


def calendars_ensure_defaults(*, using="default"):
    """Create the ``qc-business`` and ``24-7`` calendars if they are missing.

    Idempotent, and never changes a calendar a manager edited.
    """
    business, created = BusinessCalendar.objects.using(using).get_or_create(
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
        OpeningWindow.objects.using(using).bulk_create(
            OpeningWindow(
                calendar=business,
                weekday=weekday,
                starts=datetime.time(9, 0),
                ends=datetime.time(17, 0),
            )
            for weekday in range(5)
        )
    BusinessCalendar.objects.using(using).get_or_create(
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


def user_set_roles(*, user, roles):
    """Replace the user's roles with ``roles`` (``Role`` values)."""
    groups = Group.objects.filter(name__in=[Role(role).value for role in roles])
    user.groups.set(groups)
    user.__dict__.pop("role_names", None)
    user.__dict__.pop("capabilities", None)


def user_set_language(*, user, language):
    """Record ``language`` as the language of ``user``'s pages and e-mails."""
    if language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    get_user_model().objects.filter(pk=user.pk).update(language=language)
    user.language = language
