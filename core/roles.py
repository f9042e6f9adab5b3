"""Roles (Django groups) and the named capabilities each one grants.

Views, the API and templates ask for a capability, never for a role, so that a
role can gain or lose a capability in one place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESPONDER = "responder", _("Responder")
    APPROVER = "approver", _("Approver")
    MANAGER = "manager", _("Manager")
    API_READER = "api_reader", _("API reader")
    COUNSEL = "counsel", _("Counsel")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


class Capability(models.TextChoices):
    TRIAGE = "triage", _("Triage and answer comments")
    APPROVE = "approve", _("Approve answers")
    PLAN_COVERAGE = "plan_coverage", _("Plan shifts and coverage")
    VIEW_DASHBOARD = "view_dashboard", _("Read the dashboard and reports")
    EDIT_POLICIES = "edit_policies", _("Edit the rulebook")
    READ_API = "read_api", _("Read policy data through the API")
    MANAGE_STAFF = "manage_staff", _("Grant delegations and accreditations")
    INGEST = "ingest", _("Send incoming comments through the API")
    HANDLE_LEGAL = "handle_legal", _("Receive and handle legal escalations")
    DECIDE_APPEALS = "decide_appeals", _("Decide appeals and notices")
    MANAGE_PRIVACY = (
        "manage_privacy",
        _("Set retention, place legal holds, answer access requests"),
    )


CAPABILITIES = {
    Role.RESPONDER: {Capability.TRIAGE, Capability.READ_API},
    Role.APPROVER: {
        Capability.TRIAGE,
        Capability.APPROVE,
        Capability.VIEW_DASHBOARD,
        Capability.READ_API,
        Capability.DECIDE_APPEALS,
    },
    # Managers may act on any escalation through their own rights; legal
    # escalations go to counsel, so managers are not picked for them.
    # Personal data beyond the queue is the privacy officer's.
    Role.MANAGER: set(Capability)
    - {Capability.HANDLE_LEGAL, Capability.MANAGE_PRIVACY},
    Role.API_READER: {Capability.READ_API, Capability.INGEST},
    # Counsel works on the comments escalated to them, not on the queue.
    Role.COUNSEL: {Capability.HANDLE_LEGAL, Capability.READ_API},
    # Retention, legal holds and access requests (Law 25), nothing of the queue.
    Role.PRIVACY_OFFICER: {Capability.MANAGE_PRIVACY},
}


def roles_granting(capability):
    """Return the names of the roles that grant ``capability``."""
    return [role.value for role, caps in CAPABILITIES.items() if capability in caps]


def capabilities_for(role_names):
    """Return the capabilities granted by a collection of role (group) names."""
    granted = set()
    for name in role_names:
        if name in Role.values:
            granted |= CAPABILITIES[Role(name)]
    return frozenset(granted)
