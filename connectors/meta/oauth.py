"""Facebook Login for the deployment's app: the dialog, the code exchanged
for a long-lived user token, the Pages it manages with their Page tokens and
linked Instagram accounts, and the Page's subscription to the app's webhooks.
"""

from urllib.parse import urlencode

from django.conf import settings

from connectors.meta import graph
from moderation.registry import AuthFailed

# What each permission is for: README, *Connecting platforms*.
PERMISSIONS = [
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_manage_metadata",
    "instagram_basic",
    "instagram_manage_comments",
]
# The Page fields the webhooks subscription asks for.
SUBSCRIBED_FIELDS = "feed"


def dialog_url(redirect_uri, state):
    """Return the Login dialog's address for the deployment's app."""
    query = urlencode(
        {
            "client_id": settings.META_APP_ID,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": ",".join(PERMISSIONS),
            "response_type": "code",
        }
    )
    base = settings.META_DIALOG_BASE_URL.rstrip("/")
    return f"{base}/{settings.GRAPH_API_VERSION}/dialog/oauth?{query}"


def long_lived_token(code, redirect_uri):
    """Exchange the dialog's ``code`` for a user token, then that for a
    long-lived one (about 60 days); return it. Raise ``ConnectorError``."""
    app = {
        "client_id": settings.META_APP_ID,
        "client_secret": settings.META_APP_SECRET,
    }
    short = graph.call(
        "GET",
        "oauth/access_token",
        params={**app, "redirect_uri": redirect_uri, "code": code},
    ).data.get("access_token")
    if not short:
        raise AuthFailed("oauth/access_token: no access_token in the answer")
    long = graph.call(
        "GET",
        "oauth/access_token",
        params={**app, "grant_type": "fb_exchange_token", "fb_exchange_token": short},
    ).data.get("access_token")
    if not long:
        raise AuthFailed("fb_exchange_token: no access_token in the answer")
    return str(long)


def managed_pages(user_token):
    """Return the Pages the user manages: ``{"id", "name", "access_token",
    "instagram": {"id", "username"} or None}`` each. Raise ``ConnectorError``."""
    data = graph.call(
        "GET",
        "me/accounts",
        token=user_token,
        params={
            "fields": "id,name,access_token,instagram_business_account{id,username}",
            "limit": 100,
        },
    ).data
    pages = []
    for row in data.get("data") or []:
        if (
            not isinstance(row, dict)
            or not row.get("id")
            or not row.get("access_token")
        ):
            continue
        linked = row.get("instagram_business_account")
        pages.append(
            {
                "id": str(row["id"]),
                "name": str(row.get("name") or row["id"])[:200],
                "access_token": str(row["access_token"]),
                "instagram": (
                    {
                        "id": str(linked.get("id")),
                        "username": str(linked.get("username") or "")[:200],
                    }
                    if isinstance(linked, dict) and linked.get("id")
                    else None
                ),
            }
        )
    return pages


def subscribe(page):
    """Subscribe ``page`` to the app's webhooks
    (``POST /{page-id}/subscribed_apps``)."""
    answer = graph.call(
        "POST",
        f"{page['id']}/subscribed_apps",
        token=page["access_token"],
        params={"subscribed_fields": SUBSCRIBED_FIELDS},
    )
    if answer.data.get("success") is not True:
        raise AuthFailed(f"subscribed_apps for {page['id']}: no success")
