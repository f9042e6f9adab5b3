"""The Bluesky connector against a real AT Protocol network on loopback.

Accounts, posts and replies are made on the network through the SDK, as
people would make them; the connector reads and writes through
``core.outbound``; what it wrote is read back as the other user.
"""

import datetime
import http.server
import threading

import pytest
import time_machine
from django.utils import timezone

from connectors.bluesky import connector as bluesky
from connectors.bluesky.forms import CredentialsForm
from connectors.bluesky.transport import client_for
from moderation import registry
from moderation.models import Channel
from moderation.registry import AuthFailed, ConnectorError, Unsupported
from moderation.services.ingest import comments_ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> & "quotes"'


@pytest.fixture
def channel(bluesky_channel):
    return bluesky_channel


@pytest.fixture
def org(bluesky_org):
    return bluesky_org


@pytest.fixture
def user(bluesky_user):
    return bluesky_user


@pytest.fixture
def connector():
    return registry.get("bluesky")


def ingest(channel, items):
    return [
        comment
        for comment, _created in comments_ingest(
            items=[item.for_ingest(channel) for item in items], route=False
        )
    ]


def poll_all(connector, channel, cursor=""):
    """Poll until the platform has nothing more at once; return the items
    read, in order, and the last cursor."""
    items = []
    while True:
        batch = connector.poll(channel, cursor)
        items.extend(batch.items)
        cursor = batch.cursor
        if not batch.more:
            return items, cursor


# -- signing in --------------------------------------------------------------


def test_check_signs_in_with_the_app_password_and_keeps_the_session(
    channel, connector, org
):
    set_at = channel.credentials_set_at
    account = connector.check(channel)
    assert account == registry.Account(
        handle=org.handle,
        name="The Organisation",
        url=f"https://bsky.app/profile/{org.handle}",
    )
    stored = Channel.objects.get(pk=channel.pk)
    assert stored.get_credentials()["session"].startswith(f"{org.handle}:::{org.did}")
    # "Set on" stays the day a person gave the credentials.
    assert stored.credentials_set_at == set_at


def test_a_poll_reuses_the_session_and_refreshes_an_expired_one(
    channel, connector, atproto
):
    connector.check(channel)
    session = Channel.objects.get(pk=channel.pk).get_credentials()["session"]
    connector.poll(channel, "")
    channel.refresh_from_db()
    assert channel.get_credentials()["session"] == session  # no new sign-in
    # A wrong password now: only a refresh of the session can work.
    credentials = channel.get_credentials()
    credentials["app_password"] = "wrong-wrong-wrong-wrong"
    channel.set_credentials(credentials)
    channel.save()
    # Three hours on, the access token has expired (it lives two hours).
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        connector.poll(channel, "")
    channel.refresh_from_db()
    refreshed = channel.get_credentials()["session"]
    assert refreshed != session
    assert refreshed.split(":::")[3] != session.split(":::")[3]  # new refresh JWT


def test_a_wrong_app_password_is_auth_failed(channel, connector):
    credentials = channel.get_credentials()
    credentials["app_password"] = "aaaa-bbbb-cccc-dddd"
    channel.set_credentials(credentials)
    channel.save()
    with pytest.raises(AuthFailed) as error:
        connector.check(channel)
    assert error.value.public == "The platform refused the channel's credentials."
    assert "aaaa-bbbb" not in str(error.value)


def test_a_revoked_app_password_is_auth_failed(channel, connector, org):
    connector.check(channel)
    org.revoke_app_password()
    with pytest.raises(AuthFailed):
        connector.check(channel)
    # The saved session was revoked with it: once its access token expires,
    # the refresh is refused, the password too.
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(hours=3)),
        pytest.raises(AuthFailed),
    ):
        connector.poll(channel, "")


def test_the_credentials_form_validates_the_server_address(settings):
    form = CredentialsForm(
        {
            # No DNS in tests: a loopback name, which the test settings allow.
            "service": "https://localhost:2583/",
            "handle": "@Org.bsky.social ",
            "app_password": "x",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["service"] == "https://localhost:2583"
    assert form.cleaned_data["handle"] == "org.bsky.social"
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    for service in ("http://127.0.0.1:2583", "https://169.254.169.254", "ftp://x.org"):
        form = CredentialsForm(
            {"service": service, "handle": "a.b", "app_password": "x"}
        )
        assert not form.is_valid()
        assert "service" in form.errors
    form = CredentialsForm(
        {"service": "http://localhost", "handle": "a.b", "app_password": "x"}
    )
    assert "Enter an https:// address." in form.errors["service"]


# -- polling -----------------------------------------------------------------


def test_poll_reads_replies_with_their_context(channel, connector, org, user, atproto):
    post = org.post("Our new opening hours")
    reply = user.reply(post, "Merci ! https://example.org #horaires", langs=["fr-CA"])
    atproto.process_all()
    items, cursor = poll_all(connector, channel)
    [item] = items
    rkey = reply.uri.rsplit("/", 1)[1]
    assert item.external_id == reply.uri
    assert item.author == user.handle
    assert item.author_name == "Ann <b>Onyme</b>"
    assert item.author_url == f"https://bsky.app/profile/{user.handle}"
    assert item.url == f"https://bsky.app/profile/{user.handle}/post/{rkey}"
    assert item.text == "Merci ! https://example.org #horaires"
    assert item.language == "fr"
    assert item.parent == ""  # answers the post itself
    assert item.post.external_id == post.uri
    assert item.post.text == "Our new opening hours"
    assert item.post.url.endswith(f"/post/{post.uri.rsplit('/', 1)[1]}")
    assert item.extra["root"] == {"uri": post.uri, "cid": post.cid}
    assert item.extra["parent"] == {"uri": post.uri, "cid": post.cid}
    assert item.extra["cid"] == reply.cid
    assert abs(item.posted_at - timezone.now()) < datetime.timedelta(minutes=1)
    # Nothing new: nothing read again.
    again = connector.poll(channel, cursor)
    assert again.items == [] and not again.more


def test_poll_reads_mentions_and_quotes_and_a_reply_to_a_reply(
    channel, connector, org, user, atproto
):
    post = org.post("Question time")
    first = user.reply(post, "first", langs=["en"])
    other = atproto.account("bob")
    nested = other.reply(first, "nested", root=post)
    quote = other.post(
        "quoting you",
        embed={
            "$type": "app.bsky.embed.record",
            "record": {"uri": post.uri, "cid": post.cid},
        },
    )
    atproto.process_all()
    items, _cursor = poll_all(connector, channel)
    by_uri = {item.external_id: item for item in items}
    assert set(by_uri) == {first.uri, nested.uri, quote.uri}
    # Oldest first.
    assert [item.external_id for item in items] == [first.uri, nested.uri, quote.uri]
    assert by_uri[first.uri].language == "en"
    assert by_uri[nested.uri].parent == first.uri
    assert by_uri[nested.uri].extra["root"]["uri"] == post.uri
    assert by_uri[quote.uri].post.external_id == post.uri
    assert by_uri[quote.uri].extra["root"]["uri"] == quote.uri
    # Likes and follows are no comments.
    now = "2026-12-01T12:00:00Z"
    user.record(
        "app.bsky.feed.like",
        {
            "$type": "app.bsky.feed.like",
            "subject": {"uri": post.uri, "cid": post.cid},
            "createdAt": now,
        },
    )
    user.record(
        "app.bsky.graph.follow",
        {"$type": "app.bsky.graph.follow", "subject": org.did, "createdAt": now},
    )
    atproto.process_all()
    assert poll_all(connector, channel, _cursor)[0] == []


def test_paged_polls_lose_and_repeat_nothing(
    channel, connector, org, user, atproto, monkeypatch
):
    monkeypatch.setattr(bluesky, "PAGE_SIZE", 3)
    monkeypatch.setattr(bluesky, "MAX_PAGES", 2)
    post = org.post("Many answers")
    early = [user.reply(post, f"early {n}").uri for n in range(4)]
    atproto.process_all()
    seen, cursor = poll_all(connector, channel)
    assert [item.external_id for item in seen] == early
    late = []
    for n in range(14):
        late.append(user.reply(post, f"late {n}").uri)
    atproto.process_all()
    first = connector.poll(channel, cursor)
    assert first.more  # 14 new, 6 read per poll
    # While the backlog is read, more arrive: none is lost.
    later = [user.reply(post, f"later {n}").uri for n in range(2)]
    atproto.process_all()
    rest, _cursor = poll_all(connector, channel, first.cursor)
    read = [item.external_id for item in first.items + rest]
    assert sorted(read) == sorted(late + later)
    assert len(read) == len(set(read))


def test_hostile_text_and_a_year_9999_date_are_stored_as_written(
    channel, connector, org, user, atproto
):
    post = org.post("Tell us")
    ref = {"uri": post.uri, "cid": post.cid}
    hostile = user.record(
        "app.bsky.feed.post",
        {
            "$type": "app.bsky.feed.post",
            "text": HOSTILE,
            "createdAt": "9999-12-31T23:59:59.999Z",
            "reply": {"root": ref, "parent": ref},
        },
    )
    earlier = user.record(
        "app.bsky.feed.post",
        {
            "$type": "app.bsky.feed.post",
            "text": "written two hours ago",
            "createdAt": _appview(timezone.now() - datetime.timedelta(hours=2)),
            "reply": {"root": ref, "parent": ref},
        },
    )
    items, _cursor = poll_all(connector, channel)
    by_uri = {item.external_id: item for item in items}
    now = timezone.now()
    assert abs(by_uri[hostile.uri].posted_at - now) < datetime.timedelta(minutes=1)
    two_hours = now - by_uri[earlier.uri].posted_at
    assert (
        datetime.timedelta(hours=2)
        <= two_hours
        < datetime.timedelta(hours=2, minutes=1)
    )
    [comment, _other] = ingest(channel, [by_uri[hostile.uri], by_uri[earlier.uri]])
    comment.refresh_from_db()
    assert comment.text == HOSTILE
    assert comment.author_name == "Ann <b>Onyme</b>"
    assert comment.post.text == "Tell us"
    assert comment.platform_data["root"] == ref


def test_a_nul_character_never_reaches_the_database():
    # The local AppView does not index such a post; another one might, and
    # PostgreSQL would then refuse the whole batch, poll after poll.
    assert bluesky._text("before\x00after") == "before\ufffdafter"
    assert bluesky._text(None) == ""


def _appview(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_dates_bluesky_cannot_have_meant_are_the_indexing_time_or_now():
    now = timezone.now()
    indexed = _appview(now - datetime.timedelta(minutes=3))
    at_index = bluesky.parse_datetime(indexed)
    assert bluesky.posted_at("9999-12-31T23:59:59.999Z", indexed) == at_index
    assert bluesky.posted_at("not a date", indexed) == at_index
    assert bluesky.posted_at("2020-01-01T00:00:00Z", indexed) == at_index
    # The AppView gives the earlier of createdAt and its own time: year 1.
    year_one = bluesky.posted_at("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")
    assert abs(year_one - now) < datetime.timedelta(seconds=5)


def test_the_first_poll_reads_one_day_back_not_the_whole_history(
    channel, connector, org, user, atproto
):
    post = org.post("Since yesterday")
    ref = {"uri": post.uri, "cid": post.cid}
    user.record(
        "app.bsky.feed.post",
        {
            "$type": "app.bsky.feed.post",
            "text": "two days old",
            "createdAt": _appview(timezone.now() - datetime.timedelta(days=2)),
            "reply": {"root": ref, "parent": ref},
        },
    )
    recent = user.reply(post, "today")
    items, _cursor = poll_all(connector, channel)
    assert [item.external_id for item in items] == [recent.uri]


# -- context, replies, hiding -------------------------------------------------


def test_thread_returns_the_posts_around_a_comment(
    channel, connector, org, user, atproto
):
    post = org.post("Thread")
    first = user.reply(post, "first")
    second = org.reply(first, "second", root=post)
    third = user.reply(second, "third", root=post)
    atproto.process_all()
    comments = {
        c.external_id: c for c in ingest(channel, poll_all(connector, channel)[0])
    }
    thread = connector.thread(channel, comments[third.uri])
    assert [item.text for item in thread] == ["first", "second", "third"]
    assert [item.parent for item in thread] == ["", first.uri, second.uri]
    # From the middle: the comment's ancestors and its replies.
    thread = connector.thread(channel, comments[first.uri])
    assert [item.external_id for item in thread] == [first.uri, second.uri, third.uri]


def test_reply_lands_under_the_comment_in_its_thread(
    channel, connector, org, user, atproto
):
    post = org.post("Ask us anything")
    question = user.reply(post, "When do you open?")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])
    body = "Dès 9 h — from 9 am. <b>not bold</b>"
    delivered = connector.reply(channel, comment, body)
    rkey = delivered.external_id.rsplit("/", 1)[1]
    assert delivered.url == f"https://bsky.app/profile/{org.handle}/post/{rkey}"
    atproto.process_all()
    # Read back as the user.
    thread = user.client.get_post_thread(question.uri, depth=2).thread
    [answer] = thread.replies
    assert answer.post.uri == delivered.external_id
    assert answer.post.author.did == org.did
    assert answer.post.record.text == body
    assert answer.post.record.reply.parent.uri == question.uri
    assert answer.post.record.reply.root.uri == post.uri


def test_an_outbox_retry_does_not_post_twice(channel, connector, org, user, atproto):
    post = org.post("Once")
    user.reply(post, "hello")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])

    class Message:
        pk = 41
        kind = registry.REPLY_KIND
        created_at = timezone.now()
        payload = {"body": "Hello to you"}

    Message.channel, Message.comment = channel, comment
    first = connector.deliver(Message, now=timezone.now())
    again = connector.deliver(Message, now=timezone.now())
    assert again == first
    atproto.process_all()
    thread = user.client.get_post_thread(comment.external_id, depth=2).thread
    assert len(thread.replies) == 1


def test_a_reply_longer_than_bluesky_allows_is_refused_before_sending(
    channel, connector, org, user, atproto
):
    post = org.post("Short answers")
    user.reply(post, "?")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])
    with pytest.raises(Unsupported) as error:
        connector.reply(channel, comment, "é" * 301)
    assert error.value.public == bluesky.TOO_LONG
    # A family emoji is one character of five code points.
    assert bluesky.graphemes("👨‍👩‍👧" * 3) == 3
    delivered = connector.reply(channel, comment, "é" * 299 + "👨‍👩‍👧")
    assert delivered.external_id.startswith("at://")


def _threadgate(user, org, post):
    return user.client.com.atproto.repo.get_record(
        {
            "repo": org.did,
            "collection": "app.bsky.feed.threadgate",
            "rkey": post.uri.rsplit("/", 1)[1],
        }
    ).value


def test_hide_and_unhide_keep_the_threadgate_allow_rules(
    channel, connector, org, user, atproto
):
    post = org.post("Followers may answer")
    rkey = post.uri.rsplit("/", 1)[1]
    org.record(
        "app.bsky.feed.threadgate",
        {
            "$type": "app.bsky.feed.threadgate",
            "post": post.uri,
            "createdAt": "2026-12-01T00:00:00Z",
            "allow": [{"$type": "app.bsky.feed.threadgate#followingRule"}],
        },
        rkey=rkey,
    )
    # Followed by the organisation, so allowed to reply.
    org.record(
        "app.bsky.graph.follow",
        {
            "$type": "app.bsky.graph.follow",
            "subject": user.did,
            "createdAt": "2026-12-01T00:00:00Z",
        },
    )
    rude = user.reply(post, "you are idiots")
    kind = user.reply(post, "thanks")
    atproto.process_all()
    comments = {
        c.external_id: c for c in ingest(channel, poll_all(connector, channel)[0])
    }
    connector.hide(channel, comments[rude.uri], hidden=True)
    connector.hide(channel, comments[kind.uri], hidden=True)
    connector.hide(channel, comments[rude.uri], hidden=True)  # twice: once listed
    gate = _threadgate(user, org, post)
    assert gate.hidden_replies == [rude.uri, kind.uri]
    assert [rule.py_type for rule in gate.allow] == [
        "app.bsky.feed.threadgate#followingRule"
    ]
    connector.hide(channel, comments[kind.uri], hidden=False)
    gate = _threadgate(user, org, post)
    assert gate.hidden_replies == [rude.uri]
    assert len(gate.allow) == 1


def test_hide_creates_a_threadgate_that_lets_everyone_reply(
    channel, connector, org, user, atproto
):
    post = org.post("Open to all")
    rude = user.reply(post, "rude")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])
    connector.hide(channel, comment, hidden=True)
    gate = _threadgate(user, org, post)
    assert gate.hidden_replies == [rude.uri]
    assert gate.allow is None  # no rule: everyone may still reply
    # Another user can still answer the post.
    atproto.account("carol").reply(post, "still open")


def test_hide_under_someone_elses_post_is_refused_plainly(
    channel, connector, org, user, atproto
):
    def mention(text):
        # A mention's facet makes it a notification for the organisation.
        start = text.index("@")
        return [
            {
                "index": {"byteStart": start, "byteEnd": start + 1 + len(org.handle)},
                "features": [
                    {"$type": "app.bsky.richtext.facet#mention", "did": org.did}
                ],
            }
        ]

    other = atproto.account("eve")
    alone = other.post(f"hey @{org.handle}", facets=mention(f"hey @{org.handle}"))
    theirs = user.post("My own post")
    text = f"look @{org.handle}"
    nested = other.reply(theirs, text, facets=mention(text))
    items, _cursor = poll_all(connector, channel)
    by_uri = {item.external_id: item for item in items}
    assert set(by_uri) == {alone.uri, nested.uri}
    for item in by_uri.values():
        assert item.post is None  # no post of the organisation to show
        [comment] = ingest(channel, [item])
        with pytest.raises(Unsupported) as error:
            connector.hide(channel, comment, hidden=True)
        assert error.value.public == bluesky.NOT_OUR_POST
    assert by_uri[nested.uri].extra["root"]["uri"] == theirs.uri


def test_mute_block_and_report_the_author(channel, connector, org, user, atproto):
    post = org.post("Be nice")
    user.reply(post, "not nice")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])
    connector.act_on_author(channel, comment, registry.AuthorAction.MUTE, reason="")
    connector.act_on_author(channel, comment, registry.AuthorAction.BLOCK, reason="")
    atproto.process_all()
    profile = org.client.get_profile(user.did)
    assert profile.viewer.muted is True
    assert profile.viewer.blocking
    # The report goes to the moderation service the account's server uses.
    connector.act_on_author(
        channel, comment, registry.AuthorAction.REPORT, reason="Insultes répétées"
    )


def test_a_mute_and_a_block_are_lifted(channel, connector, org, user, atproto):
    post = org.post("Be nice")
    user.reply(post, "not nice")
    atproto.process_all()
    [comment] = ingest(channel, poll_all(connector, channel)[0])
    for action in (registry.AuthorAction.MUTE, registry.AuthorAction.BLOCK):
        connector.act_on_author(channel, comment, action, reason="")
    # A second block record of the same person, as another client may write.
    connector.act_on_author(channel, comment, registry.AuthorAction.BLOCK, reason="")
    atproto.process_all()
    assert org.client.get_profile(user.did).viewer.blocking
    for action in (registry.AuthorAction.MUTE, registry.AuthorAction.BLOCK):
        connector.undo_author_action(channel, comment, action)
    atproto.process_all()
    viewer = org.client.get_profile(user.did).viewer
    assert viewer.muted is False
    assert viewer.blocking is None
    blocks = org.client.com.atproto.repo.list_records(
        {"repo": org.did, "collection": bluesky.BLOCK_COLLECTION}
    )
    assert blocks.records == []
    # Lifting again is harmless; a report cannot be lifted.
    connector.undo_author_action(channel, comment, registry.AuthorAction.BLOCK)
    with pytest.raises(Unsupported):
        connector.undo_author_action(channel, comment, registry.AuthorAction.REPORT)


# -- the outbound transport ---------------------------------------------------


def test_the_sdk_is_refused_a_private_address_without_the_setting(
    channel, connector, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ConnectorError) as error:
        connector.check(channel)
    assert "loopback" in str(error.value)
    assert error.value.public == bluesky.UNREACHABLE


class Redirector(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_POST(self):  # noqa: N802 (the standard library's name)
        self.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:9/xrpc/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


def test_the_sdk_follows_no_redirect(channel, connector):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        credentials = channel.get_credentials()
        credentials["service"] = f"http://127.0.0.1:{server.server_address[1]}"
        channel.set_credentials(credentials)
        channel.save()
        with pytest.raises(ConnectorError) as error:
            connector.check(channel)
        assert "302" in str(error.value)
        assert Redirector.hits == ["/xrpc/com.atproto.server.createSession"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_client_built_here_sends_through_outbound(atproto, settings):
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    client = client_for(atproto.pds)
    with pytest.raises(Exception) as error:
        client.com.atproto.server.describe_server()
    assert "loopback" in str(error.value)
    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = True
    assert client.com.atproto.server.describe_server().did.startswith("did:")


def test_an_answer_too_long_for_bluesky_is_refused_when_written(
    bluesky_channel, personas
):
    from django.core.exceptions import ValidationError

    from moderation.services.answers import answer_submit
    from moderation.services.ingest import comment_ingest
    from moderation.services.triage import comment_claim

    comment, _created = comment_ingest(
        channel=bluesky_channel,
        external_id="at://did:plc:someone/app.bsky.feed.post/3k",
        author="someone.test",
        text="Question ?",
        posted_at=timezone.now(),
    )
    comment_claim(comment=comment, actor=personas["responder"])
    with pytest.raises(ValidationError) as error:
        answer_submit(comment=comment, actor=personas["responder"], body="é" * 301)
    assert error.value.message_dict["body"] == [
        "On this platform an answer holds at most 300 characters."
    ]
    # An e and a combining accent are one character: 300 of them fit.
    answer_submit(comment=comment, actor=personas["responder"], body="e\u0301" * 300)


class RateLimiting(http.server.BaseHTTPRequestHandler):
    """A PDS that says slow down, with Bluesky's rate-limit headers."""

    reset = 0

    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}'
        self.send_response(429)
        self.send_header("Content-Type", "application/json")
        self.send_header("RateLimit-Limit", "30")
        self.send_header("RateLimit-Remaining", "0")
        self.send_header("RateLimit-Reset", str(self.reset))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_rate_limit_says_how_long_to_wait(channel, connector):
    RateLimiting.reset = int(timezone.now().timestamp()) + 120
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RateLimiting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        credentials = channel.get_credentials()
        credentials["service"] = f"http://127.0.0.1:{server.server_address[1]}"
        channel.set_credentials(credentials)
        channel.save()
        with pytest.raises(registry.RateLimited) as error:
            connector.check(channel)
        assert 110 <= error.value.retry_after <= 120
    finally:
        server.shutdown()
        server.server_close()
