"""The credentials of a Mastodon channel: its instance and an access token."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from connectors.mastodon import client as api
from core import outbound
from moderation.registry import AuthFailed, ConnectorError

# A scope grants its own sub-scopes: "write" covers "write:statuses".
PARENTS = {"read", "write", "follow", "push", "admin:read", "admin:write"}


def missing_scopes(granted):
    """Return the scopes of ``api.SCOPES`` that ``granted`` does not cover."""
    granted = set(granted)
    missing = []
    for scope in api.SCOPES:
        parent = scope.split(":")[0]
        if scope in granted or (parent in PARENTS and parent in granted):
            continue
        # "follow" is the old name of write:blocks, write:follows, write:mutes.
        if scope in ("write:mutes", "write:blocks") and "follow" in granted:
            continue
        missing.append(scope)
    return missing


class InstanceForm(forms.Form):
    """The Mastodon instance a channel's account lives on."""

    instance_url = forms.URLField(
        label=_("Instance address"),
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"]), outbound.validate_url],
        help_text=_(
            "The address of the account's server, e.g. https://mastodon.social."
        ),
    )

    def clean_instance_url(self):
        return api.instance_of(self.cleaned_data["instance_url"])


class CredentialsForm(InstanceForm):
    """An instance and an access token pasted from the account's settings
    (*Preferences > Development*), checked against the instance.

    Without a token the channel is saved with its instance only, and is then
    signed in by OAuth from its *Sign in with Mastodon* page.
    """

    access_token = forms.CharField(
        label=_("Access token"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "With the scopes read, write:statuses, write:mutes, write:blocks and "
            "write:reports. Leave empty to sign in with Mastodon instead."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        instance, token = cleaned.get("instance_url"), cleaned.get("access_token")
        if not instance or not token:
            return cleaned
        try:
            account, scopes = account_and_scopes(instance, token)
        except AuthFailed:
            self.add_error(
                "access_token",
                _("The instance refused this token: check it and try again."),
            )
            return cleaned
        except ConnectorError:
            self.add_error(
                "instance_url",
                _("The instance could not be reached: check the address."),
            )
            return cleaned
        missing = missing_scopes(scopes) if scopes is not None else []
        if missing:
            self.add_error(
                "access_token",
                _("This token lacks the scopes %(scopes)s.")
                % {"scopes": ", ".join(missing)},
            )
            return cleaned
        cleaned["account_id"] = str(account.get("id") or "")
        cleaned["acct"] = str(account.get("acct") or "")
        return cleaned


def account_and_scopes(instance, token):
    """Return the token's account and scopes (``None`` where the instance
    does not say); raise ``ConnectorError``.

    Mastodon 4.3 and later tell the scopes of the token's application at
    ``/api/v1/apps/verify_credentials``; an instance that refuses that call
    for a valid token, or older, leaves them unknown, and a missing scope is
    then a refusal on first use.
    """
    client = api.client_for(instance, token=token)
    with api.calling(client, "verify_credentials"):
        account = client.account_verify_credentials()
    try:
        with api.calling(client, "app_verify_credentials"):
            app = client.app_verify_credentials()
    except ConnectorError:
        return account, None
    scopes = app.get("scopes")
    if isinstance(scopes, str):
        scopes = scopes.split()
    return account, scopes if isinstance(scopes, list) else None
