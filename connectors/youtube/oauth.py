"""Sign a YouTube channel in with Google (OAuth 2.0 for web server apps).

``google-auth-oauthlib``'s ``Flow`` builds the consent address (offline
access, so that Google gives a refresh token; PKCE) and exchanges the code;
its ``requests`` session is mounted on ``connectors.http``'s adapter, so the
token call goes through ``core.outbound`` too. The deployment's OAuth client
(``YOUTUBE_CLIENT_ID``, ``YOUTUBE_CLIENT_SECRET``) is the Google Cloud
project's; each channel keeps its own refresh token, encrypted.
"""

from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from connectors.http import outbound_error_of, outbound_session
from connectors.youtube import client as api
from moderation.registry import AuthFailed, ConnectorError


def _flow(redirect_uri, *, state=None, code_verifier=None):
    flow = Flow.from_client_config(
        api.client_config(),
        scopes=api.SCOPES,
        redirect_uri=redirect_uri,
        state=state,
        code_verifier=code_verifier,
        autogenerate_code_verifier=code_verifier is None,
    )
    session = outbound_session()
    for prefix, adapter in session.adapters.items():
        flow.oauth2session.mount(prefix, adapter)
    flow.oauth2session.trust_env = False
    return flow


def authorise_url(redirect_uri, state):
    """Return Google's consent address and the PKCE verifier to keep."""
    flow = _flow(redirect_uri, state=state)
    url, _state = flow.authorization_url(
        access_type="offline",
        # Ask again each time: Google sends a refresh token only on consent.
        prompt="consent",
        include_granted_scopes="false",
    )
    return url, flow.code_verifier


def exchange(redirect_uri, *, state, code, code_verifier):
    """Exchange the callback's ``code``; return the channel's token fields.

    Raise ``AuthFailed`` when Google refuses the code or grants less than
    ``youtube.force-ssl``, ``ConnectorError`` when it cannot be reached.
    """
    flow = _flow(redirect_uri, state=state, code_verifier=code_verifier)
    try:
        flow.fetch_token(code=code)
    except OAuth2Error as exc:
        raise AuthFailed(f"oauth token: {exc.error}") from None
    except Exception as exc:  # requests' errors, wrapping outbound's
        cause = outbound_error_of(exc)
        if cause is None:
            raise
        raise ConnectorError(f"oauth token: {cause}", public=cause.public) from None
    credentials = flow.credentials
    granted = set(credentials.granted_scopes or credentials.scopes or [])
    if not set(api.SCOPES) <= granted:
        raise AuthFailed(f"oauth token: scopes {sorted(granted)}")
    return api.stored_token(credentials, {})
