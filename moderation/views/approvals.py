"""The approvals page: answers waiting for approval, approved or rejected."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.messages import REFUSALS, report_error
from core.permissions import require
from core.roles import Capability
from moderation import selectors
from moderation.forms import AnswerForm
from moderation.services.answers import answer_approve, answer_reject
from moderation.views.common import form_errors, posted_reason


@login_required
def approvals(request):
    """Answers waiting for approval, oldest first."""
    require(request.user, Capability.APPROVE)
    return render(
        request,
        "moderation/approvals.html",
        {
            "answers": selectors.pending_answers(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def decide(request, pk, decision):
    require(request.user, Capability.APPROVE)
    answer_obj = get_object_or_404(selectors.answers_visible_to(request.user), pk=pk)
    try:
        if decision == "approve":
            form = AnswerForm(request.POST) if "body" in request.POST else None
            if form is not None and not form.is_valid():
                form_errors(request, form)
                return redirect("moderation:approvals")
            answer_approve(
                answer=answer_obj,
                actor=request.user,
                body=form.cleaned_data["body"] if form else None,
            )
            messages.success(request, _("Answer approved and published."))
        else:
            reason = posted_reason(request)
            if reason is None:
                return redirect("moderation:approvals")
            answer_reject(answer=answer_obj, actor=request.user, reason=reason)
            messages.success(request, _("Answer sent back to its author."))
    except REFUSALS as exc:
        report_error(request, exc)
    return redirect("moderation:approvals")
