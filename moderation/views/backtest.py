"""The backtest of a policy version on recent comments, and the review page
where a manager reads a draft's diff and backtest before publishing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from moderation import masking, selectors
from policies.diff import version_diff
from policies.models import PolicyVersion
from policies.services.rulebook import policy_version_publish


def _days(request):
    try:
        return max(1, min(90, int(request.GET.get("days", 7))))
    except ValueError:
        return 7


@login_required
def backtest(request, version_pk):
    """Show what a policy version would flag differently on recent comments."""
    require(request.user, Capability.EDIT_POLICIES)
    version = get_object_or_404(PolicyVersion, pk=version_pk)
    days = _days(request)
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


@login_required
@require_http_methods(["GET", "POST"])
def version_review(request, version_pk):
    """A version's rules, its diff against the published one, its backtest,
    and, for a draft, the Publish button that this page confirms."""
    require(request.user, Capability.EDIT_POLICIES)
    version = get_object_or_404(PolicyVersion, pk=version_pk)
    if request.method == "POST":
        current = PolicyVersion.objects.current()
        if request.POST.get("replaces", "") != str(getattr(current, "pk", "")):
            messages.error(
                request,
                _(
                    "Another version was published since this page was opened: "
                    "read its changes again before publishing."
                ),
            )
            return redirect("moderation:version-review", version_pk=version.pk)
        try:
            published = policy_version_publish(
                version=version, actor=request.user, now=timezone.now()
            )
        except REFUSALS as exc:
            report_error(request, exc)
            return redirect("moderation:version-review", version_pk=version.pk)
        messages.success(
            request,
            _("Version %(number)s is now published.") % {"number": published.number},
        )
        return redirect(
            reverse("admin:policies_policyversion_change", args=[published.pk])
        )
    # A draft is read against what the public meets now; an older version
    # against the one it was copied from.
    if version.status == PolicyVersion.Status.DRAFT:
        base = PolicyVersion.objects.current()
    else:
        base = version.based_on
    days = _days(request)
    checked, changes = selectors.backtest(version=version, days=days)
    more = fewer = 0
    for comment, added, removed in changes:
        before = {match.rule for match in comment.matches.all()}
        after = (before - set(removed)) | set(added)
        more += not before and bool(after)
        fewer += bool(before) and not after
    context = {
        "version": version,
        "base": base,
        "diff": version_diff(version=version, base=base),
        "rules": version.rules.order_by("position", "slug"),
        "days": days,
        "checked": checked,
        "changed": len(changes),
        "more": more,
        "fewer": fewer,
        "publishable": version.status == PolicyVersion.Status.DRAFT,
    }
    return render(request, "moderation/version_review.html", context)
