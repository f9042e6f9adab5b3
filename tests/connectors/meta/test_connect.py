"""Connect with Facebook: the dialog, the code exchanged for a long-lived
token, the Pages picked, their channels saved and subscribed to webhooks."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from moderation.models import Channel
from tests.connectors.meta import graph_server as gs

pytestmark = pytest.mark.django_db


def test_a_manager_connects_a_page_and_its_instagram_account(
    client, graph, framework, personas
):
    from staffing.models import BusinessCalendar

    client.force_login(personas["manager"])
    started = client.post(reverse("meta:connect"))
    assert started.status_code == 302
    dialog = requests.get(started["Location"], timeout=10)
    assert "instagram_manage_comments" in dialog.text
    back = urlsplit(dialog.text.split('id="allow" href="')[1].split('"')[0])
    assert back.path == reverse("meta:callback")
    answer = client.get(f"{back.path}?{back.query}")
    assert answer.status_code == 302 and answer["Location"] == reverse("meta:pages")
    page = client.get(reverse("meta:pages")).content.decode()
    assert "Ville de Lévis" in page
    calendar = BusinessCalendar.objects.get(slug="24-7")
    done = client.post(
        reverse("meta:pages"), {"pages": [gs.PAGE_ID], "calendar": calendar.pk}
    )
    assert done.status_code == 302
    facebook = Channel.objects.get(connector="facebook")
    instagram = Channel.objects.get(connector="instagram")
    assert facebook.get_credentials()["page_token"] == gs.PAGE_TOKEN
    assert instagram.get_credentials()["ig_user_id"] == gs.IG_ID
    [subscribe] = graph.calls("POST", f"/{gs.VERSION}/{gs.PAGE_ID}/subscribed_apps")
    assert subscribe[2]["subscribed_fields"] == "feed"
    assert subscribe[2]["access_token"] == gs.PAGE_TOKEN
    exchange = graph.calls("GET", f"/{gs.VERSION}/oauth/access_token")
    assert [c[2].get("grant_type") for c in exchange] == [None, "fb_exchange_token"]
    # Connecting again updates the same channels.
    started = client.post(reverse("meta:connect"))
    dialog = requests.get(started["Location"], timeout=10)
    back = urlsplit(dialog.text.split('id="allow" href="')[1].split('"')[0])
    client.get(f"{back.path}?{back.query}")
    client.post(reverse("meta:pages"), {"pages": [gs.PAGE_ID], "calendar": calendar.pk})
    assert Channel.objects.filter(connector__in=["facebook", "instagram"]).count() == 2


def test_a_forged_state_changes_nothing(client, graph, personas):
    client.force_login(personas["manager"])
    client.post(reverse("meta:connect"))
    answer = client.get(reverse("meta:callback"), {"code": "x", "state": "forged"})
    assert answer.status_code == 302
    assert not graph.calls("GET", f"/{gs.VERSION}/oauth/access_token")
    assert client.get(reverse("meta:pages")).status_code == 302


def test_only_managers_connect(client, graph, personas):
    client.force_login(personas["responder"])
    assert client.post(reverse("meta:connect")).status_code == 403
    assert client.get(reverse("meta:pages")).status_code == 403


def test_query_string_of_the_dialog(client, graph, personas):
    client.force_login(personas["manager"])
    started = client.post(reverse("meta:connect"))
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["client_id"] == [gs.APP_ID]
    assert "pages_manage_engagement" in query["scope"][0]
