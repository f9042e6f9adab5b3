"""Statutory holidays of a business calendar, from the ``holidays`` package.

The package's defaults do not fit Québec as it is: its "observed" days add a
Monday after a New Year's Day or Christmas falling on a weekend, which Québec's
labour standards do not give, while they do move 24 June (Fête nationale) and
1 July (Canada Day) to the Monday when they fall on a Sunday. So observed days
are turned off and that one rule is applied on purpose. Easter Monday stays out:
the package lists it as optional (employers choose Good Friday or Easter Monday).
"""

import datetime

import holidays

# (month, day) of holidays that move to Monday when they fall on a Sunday.
_SUNDAY_TO_MONDAY = {"QC": ((6, 24), (7, 1))}
_LANGUAGES = {"fr": "fr", "en": "en_CA"}


def statutory_holidays(country, subdivision, years, language="fr"):
    """Return ``{date: name}`` of the statutory holidays in ``years``."""
    if not country:
        return {}
    table = holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=list(years),
        observed=False,
        language=_LANGUAGES.get(language, language),
    )
    days = dict(table.items())
    for year in years:
        for month, day in _SUNDAY_TO_MONDAY.get(subdivision or "", ()):
            date = datetime.date(year, month, day)
            if date.weekday() == 6 and date in days:
                days[date + datetime.timedelta(days=1)] = days[date]
    return days


def check_region(country, subdivision):
    """Raise ``ValueError`` with a readable message for an unknown region."""
    try:
        holidays.country_holidays(country, years=[2026])
    except NotImplementedError:
        raise ValueError(
            f"The holidays package does not know country {country!r}."
        ) from None
    if not subdivision:
        return
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=[2026])
    except NotImplementedError:
        raise ValueError(
            f"The holidays package does not know subdivision {subdivision!r} of "
            f"{country!r}."
        ) from None
