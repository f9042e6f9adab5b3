import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import dates
from core.roles import Capability
from moderation import access, registry, selectors
from moderation.models import Channel, Comment

# One inbox page at most; the form refuses more.
MAX_BULK = 100
# The longest answer and reason, in the pages and the API alike: a reason stays
# in the append-only audit trail for good.
MAX_ANSWER = 8000
MAX_REASON = 2000


class AnswerForm(forms.Form):
    """An answer written on the comment's page."""

    body = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_ANSWER,
        strip=False,
        error_messages={"required": _("Write the answer.")},
    )
    # The template the answer started from, if any (recorded with it).
    template = forms.IntegerField(required=False, min_value=1)
    # The macro applied, if any: what sending does besides answering.
    macro = forms.IntegerField(required=False, min_value=1)


class ReasonForm(forms.Form):
    """The reason given to escalate, hide or close a comment, or to reject an
    answer; the service says when one is required."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=MAX_REASON)


class DeleteForm(forms.Form):
    """A manager's confirmation that a comment is deleted on its platform."""

    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON)


class AuthorActionForm(forms.Form):
    """Mute, block or report a comment's author on the platform, with a reason."""

    action = forms.ChoiceField(
        label=_("Action on the author"),
        choices=registry.AuthorAction.choices,
        error_messages={"invalid_choice": _("Choose mute, block or report.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        error_messages={"required": _("Say why you act on the author.")},
    )


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
    reason = forms.CharField(required=False, max_length=MAX_REASON)
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A comment outside the person's channels is not a valid choice.
        self.fields["comments"].queryset = selectors.comments_visible_to(
            user
        ).select_related("channel")
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
        missing = {
            "escalate": _("Say why the comments are escalated."),
            "close": _("Say why the comments need no action."),
            "hide": _("Say why the comments are hidden."),
        }
        if action in missing and not data.get("reason", "").strip():
            self.add_error("reason", missing[action])
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who takes the comments."))
        return data


# A report covers at most this many days.
MAX_REPORT_DAYS = 366


class ReportForm(forms.Form):
    """The period and channel of an SLA report (the dashboard, its CSV, the API).

    Dates are inclusive days in the site's time zone; without them, the last
    30 days up to today.
    """

    start = dates.DateField(label=_("From"), required=False)
    end = dates.DateField(label=_("To"), required=False)
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All channels"),
    )

    def __init__(self, data=None, *, user, **kwargs):
        # The API and the page take ?from=&to=; "from" is a Python keyword.
        if data is not None:
            data = {
                "start": data.get("from", ""),
                "end": data.get("to", ""),
                "channel": data.get("channel", ""),
            }
        super().__init__(data, **kwargs)
        # A person scoped to some channels reports on those only: another
        # channel is not a choice, and "all channels" means all of theirs.
        self.user = user
        self.fields["channel"].queryset = selectors.channels_visible_to(user).order_by(
            "slug"
        )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (end - start).days >= MAX_REPORT_DAYS:
            raise forms.ValidationError(
                _("A report covers at most %(days)d days."),
                params={"days": MAX_REPORT_DAYS},
            )
        data["start"], data["end"] = start, end
        data["channels"] = (
            None
            if access.channel_scope(self.user) is None
            else list(self.fields["channel"].queryset)
        )
        return data

    # The query parameter each field comes from.
    PARAMETERS = {"start": "from", "end": "to", "__all__": "non_field_errors"}

    def errors_by_parameter(self):
        """Return the errors keyed by query parameter, as the API answers them."""
        return {
            self.PARAMETERS.get(field, field): [error["message"] for error in errors]
            for field, errors in self.errors.get_json_data().items()
        }

    def period(self):
        """Return the aware ``[start, end)`` of the cleaned period."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.cleaned_data["start"], datetime.time())
        end = datetime.datetime.combine(
            self.cleaned_data["end"] + datetime.timedelta(days=1), datetime.time()
        )
        return start.replace(tzinfo=zone), end.replace(tzinfo=zone)
