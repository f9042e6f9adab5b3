from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from moderation.models import Comment
from staffing.roles import Capability

# One inbox page at most; the form refuses more.
MAX_BULK = 100


class BulkForm(forms.Form):
    """Close, hide, escalate or assign the comments selected in the inbox."""

    action = forms.ChoiceField(
        choices=[
            ("close", _("Close")),
            ("hide", _("Hide")),
            ("escalate", _("Escalate")),
            ("assign", _("Assign")),
        ]
    )
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.select_related("channel"),
        error_messages={"required": _("Select at least one comment.")},
    )
    reason = forms.CharField(required=False, max_length=2000)
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Managers assign to any responder; others take comments for themselves.
        if user.can(Capability.PLAN_COVERAGE):
            people = get_user_model().objects.with_capability(Capability.TRIAGE)
        else:
            people = get_user_model().objects.filter(pk=user.pk)
        self.fields["assignee"].queryset = people.order_by("username")

    def clean_comments(self):
        comments = self.cleaned_data["comments"]
        if len(comments) > MAX_BULK:
            raise forms.ValidationError(
                _("Select at most %(count)d comments at once."),
                params={"count": MAX_BULK},
            )
        return comments

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "escalate" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the comments are escalated."))
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who takes the comments."))
        return data
