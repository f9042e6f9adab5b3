"""The *Connect a channel* form, and the connector's credentials form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.languages import Language
from moderation import registry
from moderation.models import Channel


class ChannelForm(forms.ModelForm):
    """A channel as a manager connects it: the fields its connector needs.

    The connector is chosen before (the page's first step) and is no field:
    the view gives it, known to the registry.
    """

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages its comments are expected in."),
    )
    # An address typed without a scheme is read as https, as in the admin.
    publish_url = Channel._meta.get_field("publish_url").formfield(
        assume_scheme="https"
    )

    class Meta:
        model = Channel
        fields = [
            "slug",
            "platform",
            "handle",
            "languages",
            "calendar",
            "sla_policy",
            "poll_interval",
            "publish_url",
            "active",
        ]

    def __init__(self, *args, connector, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.connector = connector.name
        if not connector.needs_publish_url:
            del self.fields["publish_url"]
        if not connector.can(registry.Ability.RECEIVE_POLL):
            del self.fields["poll_interval"]
        if self.instance.pk:
            # Its webhook's address and the API name the channel by its slug.
            self.fields["slug"].disabled = True
        self.fields["calendar"].queryset = self.fields["calendar"].queryset.order_by(
            "slug"
        )


def credentials_form(connector, data=None):
    """Return the connector's credentials form (``None`` if it has none),
    write-only: a text field renders as a password field, never with a value,
    so that a typed secret never comes back to the browser."""
    form_class = connector.credentials_form
    if form_class is None:
        return None
    form = form_class(data, prefix="credentials")
    for field in form.fields.values():
        if type(field.widget) is forms.TextInput:
            field.widget = forms.PasswordInput(
                render_value=False, attrs=field.widget.attrs
            )
            field.widget.is_required = field.required
        field.widget.attrs["autocomplete"] = "off"
    return form


def typed(form):
    """Return whether anything was typed in a bound credentials form."""
    return any(bound.data not in (None, "", [], False) for bound in form)
