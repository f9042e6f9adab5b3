"""The site's navigation: each entry names the capability that shows it.

An entry whose page is not installed (its URL name does not resolve) is left out,
so apps add their pages to the menu by adding their URLs.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.roles import Capability
from moderation.selectors import pending_approvals_count
from moderation.services.collab import unread_mentions_count


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    capability: str
    # Return what waits on the page for the user ("2", "99+", "" for none).
    count: object = None


NAV_ITEMS = (
    NavItem("moderation:inbox", _("Inbox"), Capability.TRIAGE),
    NavItem(
        "moderation:approvals",
        _("Approvals"),
        Capability.APPROVE,
        count=lambda user: pending_approvals_count(user=user),
    ),
    NavItem(
        "moderation:mentions",
        _("Mentions"),
        Capability.TRIAGE,
        count=lambda user: unread_mentions_count(user=user),
    ),
    NavItem("training:mine", _("My training"), Capability.TRIAGE),
    NavItem("training:team", _("Training"), Capability.MANAGE_STAFF),
    NavItem("staffing:coverage", _("Coverage"), Capability.PLAN_COVERAGE),
    NavItem("connectors:channels", _("Channels"), Capability.PLAN_COVERAGE),
    NavItem("moderation:sla", _("Response times"), Capability.VIEW_DASHBOARD),
    NavItem("dashboard", _("Dashboard"), Capability.VIEW_DASHBOARD),
    NavItem("decisions:queue", _("Appeals and reports"), Capability.DECIDE_APPEALS),
    NavItem("decisions:privacy", _("Privacy"), Capability.MANAGE_PRIVACY),
    NavItem("admin:index", _("Administration"), Capability.EDIT_POLICIES),
)


def nav_for(user):
    """Return ``(label, url)`` pairs of the pages ``user`` may open."""
    if not user.is_authenticated:
        return []
    items = []
    for item in NAV_ITEMS:
        if not user.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = item.count(user) if item.count else ""
        # One capped count per badge: cheap whatever the number waiting.
        label = format_lazy("{} ({})", item.label, count) if count else item.label
        items.append((label, url))
    return items
