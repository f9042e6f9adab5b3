"""Deliveries of published answers: put a failed one back in line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import require
from core.roles import Capability
from moderation import selectors
from moderation.models import OutboxMessage
from moderation.services.outbox import outbox_retry


@login_required
@require_POST
def retry_delivery(request, pk):
    require(request.user, Capability.APPROVE)
    message = get_object_or_404(
        OutboxMessage,
        pk=pk,
        answer__in=selectors.answers_visible_to(request.user),
    )
    if outbox_retry(message=message, actor=request.user):
        messages.success(request, _("The delivery is back in line."))
    else:
        messages.error(request, _("This delivery has not failed."))
    return redirect("moderation:comment", pk=message.answer.comment_id)
