from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import dates
from core.roles import Capability
from staffing.models import RotaTemplate, Shift


class BoundedUsernameMixin:
    """Refuse a user name longer than the user model allows, as a form error.

    ``AuthenticationForm`` sets the field's ``max_length`` after building it,
    which adds no validator: an overlong name reached ``authenticate()``, and
    the record of the failed sign-in could not store it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(BoundedUsernameMixin, AuthenticationForm):
    """The sign-in page's form."""


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ShiftForm(forms.Form):
    """A shift to add on the coverage page; the service checks overlaps."""

    responder = forms.ModelChoiceField(label=_("Responder"), queryset=None)
    starts_at = dates.DateTimeField(
        label=_("Starts"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = dates.DateTimeField(
        label=_("Ends"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Shift.Role.choices, initial=Shift.Role.PRIMARY
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responder"].queryset = (
            get_user_model()
            .objects.with_capability(Capability.TRIAGE)
            .order_by("first_name", "last_name", "username")
        )
        # People by their names, as the coverage table shows them.
        self.fields["responder"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A shift must end after it starts."))
        return cleaned


class RotaForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Rota"), queryset=RotaTemplate.objects.order_by("name")
    )
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=26, initial=4)


class ApiTokenForm(forms.Form):
    """A new API token: what it is for and how long it lives."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the connector that uses it."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[],
        initial=90,
    )

    def __init__(self, *args, **kwargs):
        from staffing.services.tokens import TOKEN_LIFETIME_DAYS

        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in TOKEN_LIFETIME_DAYS
        ]
