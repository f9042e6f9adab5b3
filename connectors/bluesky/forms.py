"""The credentials a Bluesky channel needs: its PDS, its handle, an app password."""

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core import outbound

DEFAULT_SERVICE = "https://bsky.social"


def https_unless_private_allowed(value):
    """Refuse plain http, except where private addresses are allowed (a test
    network on loopback): an app password never crosses a network in clear."""
    allow_http = getattr(settings, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False)
    if value.lower().startswith("http://") and not allow_http:
        raise forms.ValidationError(_("Enter an https:// address."), code="scheme")


class CredentialsForm(forms.Form):
    """Cleaned data are the channel's credentials (stored encrypted)."""

    service = forms.URLField(
        label=_("Server (PDS)"),
        initial=DEFAULT_SERVICE,
        max_length=500,
        validators=[
            URLValidator(schemes=["http", "https"]),
            https_unless_private_allowed,
            outbound.validate_url,
        ],
        assume_scheme="https",
        help_text=_(
            "The account's server: https://bsky.social for most accounts, or "
            "the address of its own server."
        ),
    )
    handle = forms.CharField(
        label=_("Handle"),
        max_length=253,
        help_text=_("The account's handle, such as example.bsky.social."),
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Created in Bluesky under Settings, Privacy and security, App "
            "passwords. Never the account's own password."
        ),
    )

    def clean_service(self):
        service = self.cleaned_data["service"].rstrip("/")
        # Plain http only where private addresses are allowed (a test network
        # on loopback): the app password must not cross the Internet in clear.
        allow_http = getattr(settings, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES", False)
        if service.startswith("http://") and not allow_http:
            raise forms.ValidationError(_("Enter an https:// address."), code="scheme")
        return service

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        if not handle or any(char.isspace() for char in handle):
            raise forms.ValidationError(
                _("Enter a handle such as example.bsky.social."), code="handle"
            )
        return handle
