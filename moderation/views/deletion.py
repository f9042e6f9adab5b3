"""The page on which a manager confirms that a comment is deleted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from moderation import registry, selectors
from moderation.forms import DeleteForm
from moderation.services.deletion import (
    DELETABLE,
    comment_delete,
    deleting_rules,
    may_delete_there,
)
from moderation.views.common import require_worker


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Say what deleting the comment does, and do it once confirmed (managers)."""
    require_worker(request.user)
    comment = get_object_or_404(
        selectors.comments_visible_to(request.user).select_related("channel"), pk=pk
    )
    require(request.user, Capability.PLAN_COVERAGE, _("Only managers delete comments."))
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            comment_delete(
                comment=comment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("Deleted. It is sent to the platform now."))
        return redirect("moderation:comment", pk=pk)
    try:
        connector = registry.get(comment.channel.connector)
    except registry.UnknownConnector:
        connector = None
    context = {
        "comment": comment,
        "form": form,
        "rules": deleting_rules(comment),
        "there": may_delete_there(comment),
        "deletable": comment.status in DELETABLE,
        "connector": connector,
    }
    return render(
        request,
        "moderation/comment_delete.html",
        context,
        status=400 if form.is_bound else 200,
    )
