"""The Mastodon connector against mastodon-mock on loopback, with Mastodon.py
through core.outbound; recorded payloads where the mock lacks an endpoint."""

import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from connectors.mastodon import connector as mastodon_connector
from connectors.mastodon.forms import CredentialsForm, missing_scopes
from connectors.mastodon.text import html_to_text, status_text
from core import outbound
from moderation import registry
from moderation.models import Channel, Comment, Event, OutboxMessage
from moderation.registry import AuthFailed, ConnectorError, DeliveryFailed, RateLimited
from moderation.services.authors import NotOffered, author_act, author_undo
from moderation.services.ingest import comments_ingest
from moderation.services.outbox import outbox_send
from tests.connectors.conftest import add_fault, payload

pytestmark = pytest.mark.django_db


def connector():
    return registry.get("mastodon")


def ingest(channel, item):
    """Ingest ``item``; return its comment with the item's context stored."""
    comment = comments_ingest(items=[item.for_ingest(channel)], route=False)[0][0]
    if item.extra and not comment.platform_data:
        # An ingest that does not store the context yet: as it will.
        Comment.objects.filter(pk=comment.pk).update(
            platform_data=item.extra,
            author_name=item.author_name,
            author_url=item.author_url,
        )
        comment.refresh_from_db()
    return comment


def mention_of_post(mastodon, *, text="@alice hello", visibility="public", **extra):
    """alice posts; bob answers her post (a mention); return both statuses."""
    post = mastodon.client("alice").status_post(
        "Our announcement", visibility="public", language="en"
    )
    reply = mastodon.client("bob").status_post(
        text, in_reply_to_id=post.id, visibility=visibility, **extra
    )
    return post, reply


def first_poll(channel):
    batch = connector().poll(channel, "")
    assert batch.items == []
    return batch.cursor


# -- the interface ---------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_registered_with_its_abilities_and_no_hide():
    mastodon = connector()
    assert mastodon.can(registry.Ability.RECEIVE_POLL)
    assert mastodon.can(registry.Ability.REPLY)
    assert mastodon.can(registry.Ability.ACT_ON_AUTHOR)
    assert mastodon.can(registry.Ability.FETCH_THREAD)
    assert not mastodon.can(registry.Ability.HIDE)
    assert set(mastodon.author_actions) == set(registry.AuthorAction)
    assert "cannot hide" in str(mastodon.hide_note)
    assert reverse(mastodon.sign_in_url_name, args=[1])


def test_check_returns_the_account(mastodon_channel):
    account = connector().check(mastodon_channel)
    assert account.handle == "alice"
    assert account.name == "Alice"
    assert account.url.endswith("/@alice")


@pytest.mark.usefixtures("english")
def test_check_without_a_token_says_sign_in_first(mastodon_channel, mastodon):
    mastodon_channel.set_credentials({"instance_url": mastodon.base_url})
    with pytest.raises(AuthFailed) as refused:
        connector().check(mastodon_channel)
    assert "not signed in" in str(refused.value.public)


# -- credentials -------------------------------------------------------------


def test_the_form_checks_a_pasted_token_and_keeps_its_account(mastodon):
    form = CredentialsForm(
        {"instance_url": mastodon.base_url + "/some/page", "access_token": "bob_token"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["instance_url"] == mastodon.base_url
    assert form.cleaned_data["acct"] == "bob"
    assert form.cleaned_data["account_id"]


@pytest.mark.usefixtures("english")
def test_the_form_refuses_a_token_the_instance_refuses(mastodon):
    form = CredentialsForm(
        {"instance_url": mastodon.base_url, "access_token": "not-a-token"}
    )
    assert not form.is_valid()
    assert "refused this token" in form.errors["access_token"][0]
    assert "not-a-token" not in str(form.errors)


@pytest.mark.usefixtures("english")
def test_the_form_refuses_a_token_without_the_scopes(mastodon):
    # A token the instance issued for an app that asked only to read.
    client = mastodon.client("alice")
    app = client.session.post(
        mastodon.base_url + "/api/v1/apps",
        data={"client_name": "reader", "scopes": "read", "redirect_uris": "urn:x"},
    ).json()
    token = client.session.post(
        mastodon.base_url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": "mockcode_carol",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    ).json()["access_token"]
    form = CredentialsForm({"instance_url": mastodon.base_url, "access_token": token})
    assert not form.is_valid()
    assert "write:statuses" in form.errors["access_token"][0]


def test_scopes_cover_their_sub_scopes():
    assert missing_scopes(["read", "write"]) == []
    assert missing_scopes(["read", "write:statuses", "follow", "write:reports"]) == []
    assert missing_scopes(["read"]) == [
        "write:statuses",
        "write:mutes",
        "write:blocks",
        "write:reports",
    ]


@pytest.mark.usefixtures("english")
@override_settings(OUTBOUND_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_private_instance_address_is_refused(mastodon_channel, mastodon):
    form = CredentialsForm({"instance_url": mastodon.base_url, "access_token": "x"})
    assert not form.is_valid()
    assert "private, local or reserved" in form.errors["instance_url"][0]
    with pytest.raises(ConnectorError) as refused:
        connector().check(mastodon_channel)
    assert refused.value.public == outbound.UNREACHABLE
    assert "loopback" in str(refused.value)


# -- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "instance", ["javascript:alert(1)", "file:///etc/passwd", "https://u:p@x.example"]
)
def test_an_instance_url_that_is_not_one_is_a_connector_error(
    mastodon_channel, instance
):
    mastodon_channel.set_credentials({"instance_url": instance, "access_token": "t"})
    with pytest.raises(ConnectorError) as refused:
        connector().check(mastodon_channel)
    assert refused.value.public == outbound.UNREACHABLE


def test_a_revoked_token_is_auth_failed(mastodon_channel, mastodon):
    credentials = mastodon_channel.get_credentials()
    mastodon_channel.set_credentials({**credentials, "access_token": "revoked"})
    with pytest.raises(AuthFailed) as refused:
        connector().poll(mastodon_channel, "1")
    assert "revoked" not in str(refused.value.public)


def test_429_is_rate_limited_with_the_reset(mastodon_channel, mastodon):
    reset = int(time.time()) + 120
    add_fault(
        mastodon,
        match={"path": "/api/v1/notifications"},
        effect={
            "type": "ratelimit",
            "status": 429,
            "headers": {"X-RateLimit-Reset": str(reset)},
        },
        count=1,
    )
    started = time.monotonic()
    with pytest.raises(RateLimited) as limited:
        connector().poll(mastodon_channel, "1")
    # Mastodon.py was told to throw, not to sleep until the reset.
    assert time.monotonic() - started < 5
    assert 110 <= limited.value.retry_after <= 122


def test_a_redirect_is_not_followed(mastodon_channel, mastodon):
    add_fault(
        mastodon,
        match={"path": "/api/v1/accounts/verify_credentials"},
        effect={
            "type": "status",
            "status": 302,
            "headers": {"Location": "http://169.254.169.254/latest/meta-data"},
        },
        count=1,
    )
    with pytest.raises(ConnectorError) as refused:
        connector().check(mastodon_channel)
    assert "not followed" in str(refused.value)


def test_a_hanging_instance_gives_up_at_the_deadline(
    mastodon_channel, mastodon, monkeypatch
):
    monkeypatch.setattr(outbound, "TOTAL_TIMEOUT", 1.0)
    monkeypatch.setattr(outbound, "READ_TIMEOUT", 1.0)
    add_fault(
        mastodon,
        match={"path": "/api/v1/notifications"},
        effect={"type": "timeout", "delay_ms": 5000},
        count=1,
    )
    started = time.monotonic()
    with pytest.raises(ConnectorError) as refused:
        connector().poll(mastodon_channel, "1")
    assert time.monotonic() - started < 3
    assert refused.value.public == outbound.UNREACHABLE


def test_a_server_error_is_a_generic_connector_error(mastodon_channel, mastodon):
    add_fault(
        mastodon,
        match={"path": "/api/v1/accounts/verify_credentials"},
        effect={"type": "status", "status": 500, "body": {"error": "secret"}},
        count=1,
    )
    with pytest.raises(ConnectorError) as refused:
        connector().check(mastodon_channel)
    assert "secret" not in str(refused.value.public)


def test_the_rate_limit_headers_come_with_the_batch(mastodon_channel, mastodon):
    add_fault(
        mastodon,
        match={"path": "/api/v1/notifications"},
        effect={
            "type": "status",
            "status": 200,
            "body": [],
            "headers": {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "12",
                "X-RateLimit-Reset": "2026-12-01T23:00:00.000Z",
            },
        },
        count=1,
    )
    batch = connector().poll(mastodon_channel, "5")
    assert batch.rate_limit.limit == 300
    assert batch.rate_limit.remaining == 12
    assert batch.rate_limit.reset_at == datetime(2026, 12, 1, 23, tzinfo=UTC)
    assert batch.cursor == "5"


# -- poll --------------------------------------------------------------------


def test_the_first_poll_starts_from_now(mastodon_channel, mastodon):
    mention_of_post(mastodon, text="@alice old news")
    cursor = first_poll(mastodon_channel)
    assert cursor != "0"
    assert connector().poll(mastodon_channel, cursor).items == []


def test_poll_reads_a_mention_with_its_context(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    post, reply = mention_of_post(
        mastodon,
        text="@alice <script>alert(1)</script> you are bad\n\ncall 0612345678",
        visibility="unlisted",
        spoiler_text="rant",
        language="en",
    )
    batch = connector().poll(mastodon_channel, cursor)
    [item] = batch.items
    assert item.external_id == str(reply.id)
    assert item.author == "bob"
    assert item.author_name == "Bob"
    assert item.author_url.endswith("/@bob")
    assert item.text == (
        "CW: rant\n\n@alice <script>alert(1)</script> you are bad\n\ncall 0612345678"
    )
    assert item.language == "en"
    assert item.url.endswith(f"/{reply.id}")
    # It answers the organisation's post: that is its post, not its parent.
    assert item.parent == ""
    assert item.post.external_id == str(post.id)
    assert item.post.text == "Our announcement"
    assert item.extra["visibility"] == "unlisted"
    assert item.extra["in_reply_to_id"] == str(post.id)
    assert item.extra["account_id"] == str(reply.account.id)
    assert batch.cursor != cursor
    assert not batch.more
    # The next poll starts after it: nothing twice.
    assert connector().poll(mastodon_channel, batch.cursor).items == []


def test_a_reply_to_another_comment_keeps_its_parent_and_the_post(
    mastodon_channel, mastodon
):
    cursor = first_poll(mastodon_channel)
    post, first = mention_of_post(mastodon)
    second = mastodon.client("carol").status_post(
        "@alice @bob I disagree", in_reply_to_id=first.id
    )
    items = connector().poll(mastodon_channel, cursor).items
    assert [i.external_id for i in items] == [str(first.id), str(second.id)]
    assert items[1].parent == str(first.id)
    assert items[1].post.external_id == str(post.id)


def test_replies_to_one_status_read_its_thread_once(
    mastodon_channel, mastodon, monkeypatch
):
    cursor = first_poll(mastodon_channel)
    post, _first = mention_of_post(mastodon)
    mastodon.client("carol").status_post("@alice me too", in_reply_to_id=post.id)
    client = mastodon_connector.api.channel_client(mastodon_channel)
    calls, original = [], client.status_context
    monkeypatch.setattr(
        client, "status_context", lambda id: calls.append(id) or original(id)
    )
    monkeypatch.setattr(mastodon_connector.api, "channel_client", lambda c: client)
    items = connector().poll(mastodon_channel, cursor).items
    assert [i.post.external_id for i in items] == [str(post.id)] * 2
    assert len(calls) == 1


def test_a_plain_mention_has_no_post(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    mastodon.client("bob").status_post("@alice hello out of the blue")
    [item] = connector().poll(mastodon_channel, cursor).items
    assert item.post is None
    assert item.parent == ""


def test_paging_loses_and_repeats_nothing(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    bob = mastodon.client("bob")
    posted = [
        str(bob.status_post(f"@alice number {n}").id)
        for n in range(mastodon_connector.PAGE + 5)
    ]
    seen, batches = [], 0
    while True:
        batch = connector().poll(mastodon_channel, cursor)
        batches += 1
        seen += [item.external_id for item in batch.items]
        cursor = batch.cursor
        if not batch.more:
            break
    assert batches == 2
    assert seen == posted
    assert connector().poll(mastodon_channel, cursor).items == []


def test_poll_pages_are_ingested_once(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    mention_of_post(mastodon)
    batch = connector().poll(mastodon_channel, cursor)
    for _ in range(2):  # at least once from the platform, once in the inbox
        comments_ingest(
            items=[i.for_ingest(mastodon_channel) for i in batch.items], route=False
        )
    assert Comment.objects.filter(channel=mastodon_channel).count() == 1


# -- HTML ----------------------------------------------------------------------


def test_recorded_html_becomes_text_with_mentions_links_and_cw():
    status = payload("status_remote_mention.json")
    text = status_text(status)
    assert text.text == (
        "CW: politics\n\n"
        "@organisation vous êtes nuls\nappelez le 06 12 34 56 78\n\n"
        "voir https://example.com/a/very/long/path #honte"
    )
    start, end, href = text.links[1]
    assert text.text[start:end] == "https://example.com/a/very/long/path"
    assert href == "https://example.com/a/very/long/path"
    assert "alert" not in text.text


def test_a_remote_mention_reads_as_its_full_address():
    html = (
        '<p><span class="h-card"><a href="https://remote.example/@dave" '
        'class="u-url mention">@<span>dave</span></a></span> hi</p>'
    )
    text = html_to_text(
        html, mentions={"https://remote.example/@dave": "dave@remote.example"}
    )
    assert text.text == "@dave@remote.example hi"
    assert text.links == [[0, 20, "https://remote.example/@dave"]]


def test_hostile_html_is_text_only():
    html = (
        "<p>a<style>p{}</style><img src=x onerror=alert(1)>b</p>"
        "<script>steal()</script><div>c&amp;d &lt;b&gt;</div>"
    )
    assert html_to_text(html).text == "ab\n\nc&d <b>"


def test_a_recorded_status_dated_9999_takes_the_time_received(mastodon_channel):
    status = payload("status_remote_mention.json")
    before = timezone.now()
    item = connector()._item(
        None, status, own="1", now=before, context={"ancestors": []}
    )
    assert item.posted_at == before
    assert item.author == "troll@remote.example"
    # A profile address that is not http(s) is not kept as a link.
    assert item.author_url == ""
    assert item.parent == ""  # it answers the organisation (account 1)
    assert item.language == "fr"


def test_hostile_text_is_escaped_on_the_comment_page(
    client, manager, mastodon_channel, mastodon
):
    cursor = first_poll(mastodon_channel)
    mention_of_post(mastodon, text='@alice <script>alert("x")</script><b>bold</b>')
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html
    assert "cannot hide another account" in html


# -- thread --------------------------------------------------------------------


def test_thread_reads_the_context(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    post, reply = mention_of_post(mastodon)
    later = mastodon.client("carol").status_post("@bob me too", in_reply_to_id=reply.id)
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    thread = connector().thread(mastodon_channel, comment)
    assert [i.external_id for i in thread] == [str(post.id), str(later.id)]


# -- reply ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("public", "public"),
        ("unlisted", "unlisted"),
        ("private", "private"),
        ("direct", "direct"),
    ],
)
def test_a_reply_is_never_more_visible_than_the_comment(
    mastodon_channel, mastodon, visibility, expected
):
    cursor = first_poll(mastodon_channel)
    _post, mention = mention_of_post(mastodon, visibility=visibility)
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    delivered = connector().reply(mastodon_channel, comment, "Thank you!")
    status = mastodon.client("alice").status(delivered.external_id)
    assert status.visibility == expected
    assert str(status.in_reply_to_id) == str(mention.id)
    assert "@bob" in status.content
    assert delivered.url.endswith(delivered.external_id)


def test_a_comment_without_platform_data_reads_its_visibility(
    mastodon_channel, mastodon
):
    _post, mention = mention_of_post(mastodon, visibility="private")
    comment = ingest(
        mastodon_channel,
        registry.Item(
            external_id=str(mention.id),
            author="bob",
            text="hello",
            posted_at=timezone.now(),
        ),
    )
    delivered = connector().reply(mastodon_channel, comment, "@bob thanks")
    status = mastodon.client("alice").status(delivered.external_id)
    assert status.visibility == "private"
    assert status.content.count("@bob") == 1


def test_a_reply_keeps_the_comment_language(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    mention_of_post(mastodon, text="@alice bonjour, vous êtes là ?", language="fr")
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    delivered = connector().reply(mastodon_channel, comment, "Oui, bonjour !")
    status = mastodon.client("alice").status(delivered.external_id)
    assert status.language == comment.language == "fr"


@pytest.mark.usefixtures("english")
def test_an_answer_too_long_is_refused_before_posting(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    mention_of_post(mastodon)
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    alice = mastodon.client("alice")
    before = alice.account_verify_credentials().statuses_count
    with pytest.raises(DeliveryFailed) as refused:
        connector().reply(mastodon_channel, comment, "x" * 496)
    assert "longer than the Mastodon instance allows" in str(refused.value.public)
    assert alice.account_verify_credentials().statuses_count == before


def test_the_length_is_counted_as_mastodon_counts_it():
    # A link counts as 23 characters, a mention by its user name.
    link = "https://example.com/" + "a" * 200
    assert mastodon_connector.mastodon_length(f"see {link}") == 4 + 23
    assert mastodon_connector.mastodon_length("@dave@remote.example hi") == 8


def test_a_retried_reply_is_posted_once(mastodon_channel, mastodon):
    cursor = first_poll(mastodon_channel)
    _post, mention = mention_of_post(mastodon)
    [item] = connector().poll(mastodon_channel, cursor).items
    comment = ingest(mastodon_channel, item)
    message = OutboxMessage.objects.create(
        channel=mastodon_channel,
        comment=comment,
        kind=registry.REPLY_KIND,
        payload={"body": "Thanks"},
    )
    first = connector().deliver(message, now=timezone.now())
    again = connector().deliver(message, now=timezone.now())
    assert first.external_id == again.external_id
    context = mastodon.client("bob").status_context(mention.id)
    assert len(context.descendants) == 1


# -- mute, block, report -------------------------------------------------------


def held_comment(channel, mastodon, holder):
    cursor = first_poll(channel)
    mention_of_post(mastodon)
    [item] = connector().poll(channel, cursor).items
    comment = ingest(channel, item)
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.ASSIGNED, assignee=holder
    )
    return comment


def send(message):
    return outbox_send(message_id=message.pk)


@pytest.mark.parametrize(
    ("action", "event", "flag"),
    [("mute", "author_muted", "muting"), ("block", "author_blocked", "blocking")],
)
def test_mute_and_block_reach_the_platform_with_their_event(
    mastodon_channel, mastodon, responder, action, event, flag
):
    comment = held_comment(mastodon_channel, mastodon, responder)
    message = author_act(
        comment=comment, actor=responder, action=action, reason="insults"
    )
    recorded = Event.objects.get(comment=comment, action=event)
    assert recorded.actor == responder
    assert recorded.reason == "insults"
    assert message.kind == registry.AUTHOR_KIND
    assert message.payload["action"] == action
    assert send(message) == OutboxMessage.Status.SENT
    [relationship] = mastodon.client("alice").account_relationships(
        comment.platform_data["account_id"]
    )
    assert relationship[flag]
    if action == "mute":
        # Their mentions still reach the inbox.
        assert not relationship["muting_notifications"]
        assert Comment.objects.filter(channel=mastodon_channel).count() == 1
        cursor = connector().poll(mastodon_channel, "").cursor
        mastodon.client("bob").status_post("@alice still here")
        [item] = connector().poll(mastodon_channel, cursor).items
        assert item.author == "bob"


@pytest.mark.parametrize(
    ("action", "event", "flag"),
    [("mute", "author_unmuted", "muting"), ("block", "author_unblocked", "blocking")],
)
def test_a_mute_or_block_is_lifted_on_the_platform(
    mastodon_channel, mastodon, responder, manager, action, event, flag
):
    comment = held_comment(mastodon_channel, mastodon, responder)
    send(author_act(comment=comment, actor=responder, action=action, reason="x"))
    with transaction.atomic():
        message = author_undo(
            comment=comment,
            actor=manager,
            action=action,
            reason="Reversed on appeal",
            now=timezone.now(),
        )
    assert message.kind == registry.AUTHOR_UNDO_KIND
    assert Event.objects.filter(comment=comment, action=event).exists()
    assert send(message) == OutboxMessage.Status.SENT
    [relationship] = mastodon.client("alice").account_relationships(
        comment.platform_data["account_id"]
    )
    assert not relationship[flag]


def test_a_report_goes_with_the_status_and_the_reason(
    mastodon_channel, recorded, responder
):
    status = payload("status_remote_mention.json")
    recorded.routes[("POST", "/api/v1/reports")] = (200, payload("report.json"), {})
    mastodon_channel.set_credentials(
        {"instance_url": recorded.base_url, "access_token": "t", "account_id": "1"}
    )
    mastodon_channel.save()
    item = connector()._item(
        None, status, own="1", now=timezone.now(), context={"ancestors": []}
    )
    comment = ingest(mastodon_channel, item)
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.ASSIGNED, assignee=responder
    )
    message = author_act(
        comment=comment, actor=responder, action="report", reason="Insults, a phone"
    )
    assert Event.objects.filter(comment=comment, action="author_reported").exists()
    assert send(message) == OutboxMessage.Status.SENT
    [(method, path, fields, headers)] = recorded.requests
    assert (method, path.rstrip("/")) == ("POST", "/api/v1/reports")
    assert fields["account_id"] == ["108366849347798387"]
    assert fields["status_ids[]"] == ["109000000000000042"]
    assert fields["comment"] == ["Insults, a phone"]
    # The author is remote: the report is forwarded to their instance.
    assert fields["forward"] == ["1"] or fields["forward"] == ["True"]
    assert headers["Authorization"] == "Bearer t"


def test_a_failed_action_stays_in_the_outbox(mastodon_channel, recorded, responder):
    recorded.routes[("POST", "/api/v1/reports")] = (
        422,
        {"error": "This method requires an authenticated user"},
        {},
    )
    mastodon_channel.set_credentials(
        {"instance_url": recorded.base_url, "access_token": "t", "account_id": "1"}
    )
    mastodon_channel.save()
    item = connector()._item(
        None,
        payload("status_remote_mention.json"),
        own="1",
        now=timezone.now(),
        context={"ancestors": []},
    )
    comment = ingest(mastodon_channel, item)
    message = author_act(
        comment=comment,
        actor=manager_of(),
        action="report",
        reason="spam",
    )
    assert send(message) == OutboxMessage.Status.PENDING
    message.refresh_from_db()
    assert message.last_error == str(mastodon_connector.api.REFUSED)


def manager_of():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="manager")


def test_who_may_act_on_an_author(mastodon_channel, mastodon, personas):
    comment = held_comment(mastodon_channel, mastodon, personas["responder"])
    for name in ("approver", "counsel", "outsider", "api_reader"):
        with pytest.raises(PermissionDenied):
            author_act(comment=comment, actor=personas[name], action="mute", reason="x")
    with pytest.raises(ValidationError):
        author_act(
            comment=comment, actor=personas["responder"], action="mute", reason=" "
        )
    with pytest.raises(ValidationError):
        author_act(comment=comment, actor=personas["manager"], action="ban", reason="x")
    author_act(comment=comment, actor=personas["manager"], action="block", reason="x")
    assert not Event.objects.filter(comment=comment, actor=personas["approver"])
    assert OutboxMessage.objects.filter(comment=comment).count() == 1


def test_a_channel_that_cannot_act_on_authors_says_so(channel, manager):
    item = registry.Item(
        external_id="w1", author="someone", text="hello", posted_at=timezone.now()
    )
    comment = ingest(channel, item)
    with pytest.raises(NotOffered):
        author_act(comment=comment, actor=manager, action="mute", reason="x")
    assert not OutboxMessage.objects.filter(comment=comment).exists()
    assert not Event.objects.filter(comment=comment, action="author_muted").exists()


def test_the_comment_page_acts_on_the_author(
    client, mastodon_channel, mastodon, responder, personas
):
    comment = held_comment(mastodon_channel, mastodon, responder)
    url = reverse("moderation:comment-author", args=[comment.pk])
    client.force_login(responder)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk]))
    assert url in page.content.decode()
    assert client.post(url, {"action": "mute", "reason": ""}).status_code == 302
    assert not OutboxMessage.objects.filter(comment=comment).exists()
    client.post(url, {"action": "mute", "reason": "<b>insults</b>"})
    assert Event.objects.filter(comment=comment, action="author_muted").count() == 1
    client.logout()
    client.force_login(personas["outsider"])
    assert client.post(url, {"action": "block", "reason": "x"}).status_code == 403
    assert OutboxMessage.objects.filter(comment=comment).count() == 1


def test_the_api_acts_on_the_author(api_client, mastodon_channel, mastodon, manager):
    from tests.conftest import make_token

    comment = held_comment(mastodon_channel, mastodon, manager)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(manager)}")
    url = f"/api/v1/comments/{comment.pk}/author/"
    assert api_client.post(url, {"action": "ban", "reason": "x"}).status_code == 400
    answer = api_client.post(url, {"action": "report", "reason": "spam"})
    assert answer.status_code == 200, answer.content
    assert Event.objects.filter(comment=comment, action="author_reported").exists()


def test_channel_credentials_stay_encrypted(mastodon_channel):
    stored = Channel.objects.values_list("credentials_encrypted", flat=True).get(
        pk=mastodon_channel.pk
    )
    assert "alice_token" not in stored
