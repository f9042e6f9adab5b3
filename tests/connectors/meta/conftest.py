import pytest

from tests.connectors.meta import graph_server as gs


@pytest.fixture
def graph(settings):
    """The loopback Graph API, and the deployment's Meta app pointed at it."""
    server = gs.start()
    settings.GRAPH_API_BASE_URL = server.base_url
    settings.META_DIALOG_BASE_URL = server.base_url
    settings.GRAPH_API_VERSION = gs.VERSION
    settings.META_APP_ID = gs.APP_ID
    settings.META_APP_SECRET = gs.APP_SECRET
    settings.META_VERIFY_TOKEN = "verify-me"
    yield server
    server.shutdown()
    server.server_close()


def _channel(connector, credentials, slug):
    from moderation.models import Channel
    from staffing.models import BusinessCalendar

    channel = Channel(
        slug=slug,
        platform=connector,
        handle="villedelevis",
        languages=["fr", "en"],
        calendar=BusinessCalendar.objects.get(slug="24-7"),
        connector=connector,
    )
    channel.set_credentials(credentials)
    channel.save()
    return channel


@pytest.fixture
def facebook_channel(framework, graph):
    return _channel(
        "facebook",
        {"page_id": gs.PAGE_ID, "page_name": "Ville", "page_token": gs.PAGE_TOKEN},
        "facebook-ville",
    )


@pytest.fixture
def instagram_channel(framework, graph):
    return _channel(
        "instagram",
        {
            "page_id": gs.PAGE_ID,
            "ig_user_id": gs.IG_ID,
            "ig_username": "villedelevis",
            "page_token": gs.PAGE_TOKEN,
        },
        "instagram-ville",
    )
