"""The people: users and their roles, calendars, shifts, delegation, API tokens.

Each subject has its module; every name is re-exported here, so callers import
from ``staffing.models`` (migrations, too, refer to the validators by this path).
"""

from staffing.models.accreditations import (
    Accreditation,
    DelegationGrant,
    TrainingProgram,
)
from staffing.models.calendars import (
    WEEKDAYS,
    BusinessCalendar,
    Closure,
    OpeningWindow,
)
from staffing.models.shifts import CoverageGapAlert, RotaSlot, RotaTemplate, Shift
from staffing.models.tokens import ApiToken
from staffing.models.users import GovernanceUserManager, User
from staffing.models.validators import (
    SLUG,
    ChoiceListValidator,
    _slugs,
    validate_time_zone,
)

__all__ = [
    "SLUG",
    "WEEKDAYS",
    "Accreditation",
    "ApiToken",
    "BusinessCalendar",
    "ChoiceListValidator",
    "Closure",
    "CoverageGapAlert",
    "DelegationGrant",
    "GovernanceUserManager",
    "OpeningWindow",
    "RotaSlot",
    "RotaTemplate",
    "Shift",
    "TrainingProgram",
    "User",
    "_slugs",
    "validate_time_zone",
]
