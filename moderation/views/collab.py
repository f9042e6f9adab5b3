"""Working together on a comment: who else has it open, internal notes,
the notes that mention you."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.messages import REFUSALS, report_error
from moderation import presence
from moderation.models.collab import NOTE_LENGTH
from moderation.services.collab import mentions_of, note_add
from moderation.views.comment import _visible_comment
from moderation.views.common import form_errors, require_worker


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=NOTE_LENGTH,
        error_messages={"required": gettext_lazy("Write the note.")},
    )


@login_required
@require_GET
def presence_poll(request, pk):
    """Say "I am here" and return who else has the comment open (htmx)."""
    comment = _visible_comment(request, pk)
    user = request.user
    others = presence.presence_here(
        comment.pk, user_id=user.pk, name=user.get_username()
    )
    return render(
        request,
        "moderation/_presence.html",
        {
            "comment": comment,
            "present": sorted(others.values()),
            "poll_seconds": presence.POLL_SECONDS,
        },
    )


@login_required
@require_POST
def presence_leave(request, pk):
    """Forget that the signed-in person has the comment open (page left)."""
    comment = _visible_comment(request, pk)
    presence.presence_left(comment.pk, user_id=request.user.pk)
    return HttpResponse(status=204)


@login_required
@require_POST
def note(request, pk):
    """Write an internal note on the comment, telling those it mentions."""
    comment = _visible_comment(request, pk)
    form = NoteForm(request.POST)
    back = reverse("moderation:comment", args=[comment.pk]) + "#notes"
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    try:
        written = note_add(
            comment=comment, actor=request.user, body=form.cleaned_data["body"]
        )
    except REFUSALS as exc:
        report_error(request, exc)
        return redirect(back)
    told = written.mentions.count()
    messages.success(
        request,
        _("Note added; the people it mentions are told.") if told else _("Note added."),
    )
    return redirect(back)


@login_required
@require_GET
def mentions(request):
    """The notes that mention the signed-in person, newest first."""
    require_worker(request.user)
    return render(
        request, "moderation/mentions.html", {"mentions": mentions_of(request.user)}
    )
