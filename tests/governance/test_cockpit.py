"""The cockpit on the dashboard: open work, what breaches soon, what waits,
coverage gaps, channel health and the week's first response, in a fixed
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from moderation.models import Comment
from moderation.services.ingest import comment_ingest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def ingest(channel, external_id, *, due_in, text="Bonjour <script>x</script>"):
    comment, _created = comment_ingest(
        channel=channel, external_id=external_id, author="<b>auteur</b>",
        text=text, posted_at=timezone.now(), route=False,
    )  # fmt: skip
    Comment.objects.filter(pk=comment.pk).update(
        first_response_due_at=timezone.now() + due_in
    )
    return comment


def test_the_cockpit_lists_what_breaches_and_keeps_its_query_count(
    client, channel, personas, django_assert_num_queries
):
    late = ingest(channel, "late", due_in=datetime.timedelta(minutes=-30))
    soon = ingest(channel, "soon", due_in=datetime.timedelta(minutes=20))
    later = ingest(channel, "later", due_in=datetime.timedelta(hours=5))
    client.force_login(personas["manager"])
    url = reverse("dashboard")
    page = client.get(url)
    assert page.status_code == 200
    assert [c.pk for c in page.context["overdue"]] == [late.pk]
    assert [c.pk for c in page.context["due_soon"]] == [soon.pk]
    html = page.content.decode()
    assert reverse("moderation:comment", args=[soon.pk]) in html
    assert reverse("moderation:comment", args=[later.pk]) not in html
    assert "<b>auteur</b>" not in html  # hostile text escaped
    assert dict(page.context["open_by_channel"])["facebook-main"]
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for i in range(10):
        ingest(channel, f"more-{i}", due_in=datetime.timedelta(minutes=-i - 1))
        ingest(channel, f"soon-{i}", due_in=datetime.timedelta(minutes=i + 1))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_a_responder_of_another_channel_sees_none_of_it(client, channel, personas):
    ingest(channel, "late", due_in=datetime.timedelta(minutes=-30))
    other = make_user("other", [Role.APPROVER], channels=["instagram"])
    client.force_login(other)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert page.context["overdue"] == []
    assert page.context["open_by_channel"] == []
    client.force_login(personas["responder"])
    assert client.get(reverse("dashboard")).status_code == 403
