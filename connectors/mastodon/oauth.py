"""Sign a channel in to its Mastodon instance by OAuth (authorisation code).

1. ``app_for`` registers the product as an application on the instance (once
   per instance and callback address; its client id and secret are kept,
   encrypted, in the channel's credentials under ``oauth``);
2. ``authorise_url`` is where the manager's browser goes: the instance's own
   ``/oauth/authorize`` page, built from the address the manager typed (never
   from what the instance advertises), with a ``state`` bound to the
   manager's session;
3. ``exchange`` turns the code of the callback into a token and checks it;
   ``signed_in`` returns the channel's new credentials.
"""

from urllib.parse import urlencode

from mastodon import Mastodon, errors

from connectors.http import outbound_error_of, outbound_session
from connectors.mastodon import client as api
from moderation.registry import AuthFailed, ConnectorError

APP_NAME = "Social media governance"


def app_for(channel, instance, redirect_uri):
    """Return the channel's credentials with the application of ``instance``
    registered for ``redirect_uri`` under ``oauth`` (registered now unless it
    already is). The channel's token, if any, stays until the sign-in ends."""
    credentials = channel.get_credentials()
    app = credentials.get("oauth") or {}
    if (
        app.get("instance_url") == instance
        and app.get("redirect_uri") == redirect_uri
        and app.get("client_id")
    ):
        return credentials
    with api.calling(None, "create_app"):
        try:
            client_id, client_secret = Mastodon.create_app(
                APP_NAME,
                scopes=api.SCOPES,
                redirect_uris=redirect_uri,
                api_base_url=instance,
                session=outbound_session(),
                user_agent=api.USER_AGENT,
            )
        except (KeyError, TypeError, ValueError) as exc:
            # Mastodon.py reads the answer without checking its status: an
            # error, or anything but an application, lands here.
            raise ConnectorError(
                f"create_app: no application in the answer ({exc!r})",
                public=api.REFUSED,
            ) from None
    if not client_id or not client_secret:
        raise ConnectorError(
            "create_app: no client id or secret in the answer", public=api.REFUSED
        )
    return {
        **credentials,
        "oauth": {
            "instance_url": instance,
            "redirect_uri": redirect_uri,
            "client_id": str(client_id),
            "client_secret": str(client_secret),
        },
    }


def authorise_url(credentials, state):
    """Return the instance's authorisation page for the registered app."""
    app = credentials["oauth"]
    query = urlencode(
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": app["redirect_uri"],
            "scope": " ".join(api.SCOPES),
            "state": state,
        }
    )
    return f"{app['instance_url']}/oauth/authorize?{query}"


def exchange(credentials, code):
    """Exchange the callback's ``code`` for a token; return it with its
    account. Raise ``AuthFailed`` when the instance refuses the code or grants
    fewer scopes than asked, ``ConnectorError`` when it cannot be reached."""
    app = credentials["oauth"]
    client = api.client_for(
        app["instance_url"],
        client_id=app["client_id"],
        client_secret=app["client_secret"],
    )
    with api.calling(client, "oauth token"):
        try:
            token = client.log_in(
                code=code,
                redirect_uri=app["redirect_uri"],
                scopes=api.SCOPES,
                # An http:// instance was allowed in (tests, an instance on
                # premises): its token endpoint is too.
                allow_http=app["instance_url"].startswith("http://"),
            )
        except errors.MastodonIllegalArgumentError as exc:
            # Mastodon.py says "invalid code" this way, whatever the cause;
            # a network error under it is still told as such by calling().
            if outbound_error_of(exc) is not None:
                raise
            raise AuthFailed(f"oauth token: {exc}") from None
    signed = api.client_for(app["instance_url"], token=token)
    with api.calling(signed, "verify_credentials"):
        account = signed.account_verify_credentials()
    return token, account


def signed_in(credentials, token, account):
    """Return the channel's credentials once signed in with ``token``."""
    app = credentials["oauth"]
    return {
        "instance_url": app["instance_url"],
        "access_token": token,
        "account_id": str(account.get("id") or ""),
        "acct": str(account.get("acct") or ""),
        "oauth": app,
    }
