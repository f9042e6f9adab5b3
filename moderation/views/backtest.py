"""The backtest of a policy version on recent comments."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.permissions import require
from core.roles import Capability
from moderation import masking, selectors
from policies.models import PolicyVersion


@login_required
def backtest(request, version_pk):
    """Show what a policy version would flag differently on recent comments."""
    require(request.user, Capability.EDIT_POLICIES)
    version = get_object_or_404(PolicyVersion, pk=version_pk)
    try:
        days = max(1, min(90, int(request.GET.get("days", 7))))
    except ValueError:
        days = 7
    checked, changes = selectors.backtest(version=version, days=days)
    context = {
        "version": version,
        "days": days,
        "checked": checked,
        "changes": changes,
        "rows": [
            (comment, masking.visible_text(comment, request.user), added, removed)
            for comment, added, removed in changes
        ],
    }
    return render(request, "moderation/backtest.html", context)
