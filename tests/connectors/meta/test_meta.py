"""Facebook Pages and Instagram against the loopback Graph API: the webhook's
handshake and signatures, comments in, edits and removals, answers and
hiding out through the outbox with the Page token, catch-up polling, usage
back-off, and a refused token shown on the Channels page and alerted once."""

import datetime
import json

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from connectors.meta.webhooks import sign
from connectors.polling import poll_once
from core.models import OutgoingMail
from moderation.models import Answer, Comment, Event, OutboxMessage
from staffing.models import TrainingProgram
from staffing.services.grants import accreditation_grant, grant_create
from tests.connectors.meta import graph_server as gs

pytestmark = [pytest.mark.django_db(transaction=True)]

INSULT = "Bande d'idiots ! Appelez-moi au 514-555-0199"


def deliver(client, body, *, signature=None):
    raw = json.dumps(body).encode()
    return client.post(
        reverse("meta:webhook"),
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature or sign(raw, gs.APP_SECRET)},
    )


def feed(message=INSULT, verb="add", comment_id="2000_3000"):
    body = gs.payload("feed_comment_add", MESSAGE=message)
    value = body["entry"][0]["changes"][0]["value"]
    value["verb"], value["comment_id"] = verb, comment_id
    return body


@pytest.fixture
def delegated(personas, facebook_channel, instagram_channel):
    program = TrainingProgram.objects.create(
        slug="response", name_fr="Réponse", name_en="Response", validity_months=12
    )
    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program
    )
    grant_create(
        actor=personas["manager"],
        responder=personas["responder"],
        required_program=program,
        max_severity="critical",
        channels=[facebook_channel.slug, instagram_channel.slug],
    )
    return personas["responder"]


def test_the_handshake_echoes_the_challenge_for_the_verify_token_only(client, graph):
    url = reverse("meta:webhook")
    ok = client.get(
        url,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-me",
            "hub.challenge": "42",
        },
    )
    assert (ok.status_code, ok.content) == (200, b"42")
    for query in (
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "42"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "verify-me"},
        {},
    ):
        assert client.get(url, query).status_code == 403


def test_a_signed_comment_is_stored_once_and_matched(client, facebook_channel):
    assert deliver(client, feed()).status_code == 200
    assert deliver(client, feed()).status_code == 200  # Meta delivers it again
    comment = Comment.objects.get(channel=facebook_channel)
    assert comment.external_id == "2000_3000"
    assert comment.author == "Cinthia Doe"
    assert comment.post.external_id == f"{gs.PAGE_ID}_2000"
    assert comment.parent_external_id == ""
    # The insult aimed at people (a grammar pattern) and the phone number.
    assert "phone" in {m.pattern for m in comment.matches.all()}
    assert "offensive-content" in {m.rule for m in comment.matches.all()}
    assert Event.objects.filter(comment=comment, action="ingested").count() == 1
    assert Event.objects.filter(comment=comment, action="routed").exists() or (
        Event.objects.filter(comment=comment, action="routing_gap").exists()
    )


def test_a_bad_signature_stores_nothing(client, facebook_channel):
    body = feed()
    raw = json.dumps(body).encode()
    assert (
        deliver(client, body, signature=sign(raw, "another-secret")).status_code == 403
    )
    assert deliver(client, body, signature="sha256=").status_code == 403
    answer = client.post(reverse("meta:webhook"), raw, content_type="application/json")
    assert answer.status_code == 403
    assert not Comment.objects.exists()


def test_a_signed_body_that_is_not_json_is_refused(client, facebook_channel):
    raw = b"{not json"
    answer = client.post(
        reverse("meta:webhook"),
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(raw, gs.APP_SECRET)},
    )
    assert answer.status_code == 400


def test_edits_rematch_and_removals_are_recorded_once(client, facebook_channel):
    deliver(client, feed("Merci pour l'info"))
    comment = Comment.objects.get()
    assert comment.severity == ""
    deliver(client, feed(INSULT, verb="edited"))
    deliver(client, feed(INSULT, verb="edited"))
    comment.refresh_from_db()
    assert comment.text == INSULT
    assert comment.severity != ""
    assert "offensive-content" in {m.rule for m in comment.matches.all()}
    [edit] = Event.objects.filter(comment=comment, action="edited_on_platform")
    assert edit.reason == "Merci pour l'info"
    deliver(client, feed(verb="remove"))
    deliver(client, feed(verb="remove"))
    comment.refresh_from_db()
    assert comment.removed_on_platform_at is not None
    assert (
        Event.objects.filter(comment=comment, action="removed_on_platform").count() == 1
    )


def test_a_facebook_comment_is_answered_and_hidden_with_the_page_token(
    client, graph, facebook_channel, delegated, personas
):
    deliver(client, feed("Espèce d'idiot"))
    comment = Comment.objects.get()
    client.force_login(delegated)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("moderation:comment-claim", args=[comment.pk]))
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Restons courtois, s'il vous plaît."},
    )
    answer = Answer.objects.get(comment=comment)
    message = OutboxMessage.objects.get(answer=answer)
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    [call] = graph.calls("POST", f"/{gs.VERSION}/2000_3000/comments")
    assert call[2]["access_token"] == gs.PAGE_TOKEN
    assert call[2]["message"] == "Restons courtois, s'il vous plaît."
    assert call[2]["appsecret_proof"]
    assert message.platform_id == "2000_3000_reply1"

    deliver(client, feed("Espèce d'idiot", comment_id="2000_4000"))
    other = Comment.objects.get(external_id="2000_4000")
    client.force_login(personas["manager"])
    client.post(reverse("moderation:comment-hide", args=[other.pk]), {"reason": "x"})
    [hide] = graph.calls("POST", f"/{gs.VERSION}/2000_4000")
    assert hide[2]["is_hidden"] == "true"
    assert hide[2]["access_token"] == gs.PAGE_TOKEN


def test_an_instagram_comment_is_answered_and_hidden_with_its_calls(
    client, graph, instagram_channel, delegated, personas
):
    body = gs.payload("instagram_comment", MESSAGE="Espèce d'idiot")
    assert deliver(client, body).status_code == 200
    comment = Comment.objects.get(channel=instagram_channel)
    assert comment.author == "test_user"
    assert comment.post.external_id == "123123123"
    client.force_login(delegated)
    client.post(reverse("moderation:comment-claim", args=[comment.pk]))
    client.post(
        reverse("moderation:comment-answer", args=[comment.pk]),
        {"body": "Restons courtois."},
    )
    message = OutboxMessage.objects.get(answer__comment=comment)
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    [call] = graph.calls("POST", f"/{gs.VERSION}/17865799348089039/replies")
    assert call[2]["access_token"] == gs.PAGE_TOKEN
    body["entry"][0]["changes"][0]["value"]["id"] = "17865799348089040"
    deliver(client, body)
    other = Comment.objects.get(external_id="17865799348089040")
    client.force_login(personas["manager"])
    client.post(reverse("moderation:comment-hide", args=[other.pk]), {"reason": "x"})
    [hide] = graph.calls("POST", f"/{gs.VERSION}/17865799348089040")
    assert hide[2]["hide"] == "true"


def test_an_expired_token_shows_on_the_channels_page_and_alerts_once(
    client, graph, facebook_channel, personas
):
    graph.expired.add(gs.PAGE_TOKEN)
    assert poll_once(facebook_channel, force=True).error
    assert poll_once(facebook_channel, force=True).error
    [refused] = OutgoingMail.objects.filter(kind="channel_refused")
    alerts = [m for m in mail.outbox if m.subject == refused.subject]
    assert len(alerts) == 1
    assert "facebook-ville" in refused.subject
    assert personas["manager"].email in alerts[0].to + alerts[0].bcc + alerts[0].cc
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("connectors:channels")).content.decode()
    assert "In error" in page
    assert "refused the channel&#x27;s credentials" in page


def test_the_catch_up_poll_reads_recent_comments_with_since(graph, facebook_channel):
    now = timezone.now()
    graph.feed = gs.payload("page_feed", POST_TIME=now.isoformat())["data"]
    graph.comments["1000_2000"] = gs.payload(
        "object_comments", MESSAGE=INSULT, COMMENT_TIME=now.isoformat()
    )["data"]
    outcome = poll_once(facebook_channel, force=True)
    assert (outcome.read, outcome.stored, outcome.error) == (1, 1, "")
    comment = Comment.objects.get()
    assert comment.post.text == "Nos horaires changent lundi."
    [comments_call] = graph.calls("GET", f"/{gs.VERSION}/1000_2000/comments")
    since = int(comments_call[2]["since"])
    days = datetime.timedelta(days=settings.META_CATCH_UP_DAYS)
    assert abs(since - (now - days).timestamp()) < 60
    # The next poll starts where this one did, and stores nothing twice.
    assert poll_once(facebook_channel, force=True).stored == 0
    later = graph.calls("GET", f"/{gs.VERSION}/1000_2000/comments")[-1]
    assert abs(int(later[2]["since"]) - now.timestamp()) < 120


def test_usage_near_the_limit_stops_calls_until_the_reset(graph, facebook_channel):
    graph.usage = {"call_count": 95, "total_cputime": 10, "total_time": 10}
    assert poll_once(facebook_channel, force=True).error == ""
    before = len(graph.requests)
    outcome = poll_once(facebook_channel, force=True)
    assert "slow down" in outcome.error
    assert len(graph.requests) == before  # nothing was sent
    assert outcome.next_poll_at > timezone.now() + datetime.timedelta(minutes=30)


@pytest.mark.parametrize("code", [4, 17, 613])
def test_throttling_errors_back_off(graph, facebook_channel, code):
    graph.fail_next = [code]
    outcome = poll_once(facebook_channel, force=True)
    assert "slow down" in outcome.error
    assert outcome.next_poll_at >= timezone.now() + datetime.timedelta(minutes=4)


def test_a_removed_comment_is_shown_as_removed(client, facebook_channel, personas):
    deliver(client, feed("Merci"))
    deliver(client, feed(verb="remove"))
    comment = Comment.objects.get()
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "Removed on the platform" in page


def test_a_delivered_comment_gets_its_post_from_the_graph_api(
    client, graph, facebook_channel
):
    graph.objects[f"{gs.PAGE_ID}_2000"] = gs.payload("page_post")
    deliver(client, feed("Merci"))
    comment = Comment.objects.select_related("post").get()
    assert comment.post.text == "Nos horaires changent lundi."
    # A second comment on the same post reads it from what is stored.
    deliver(client, feed("Merci encore", comment_id="2000_5000"))
    assert len(graph.calls("GET", f"/{gs.VERSION}/{gs.PAGE_ID}_2000")) == 1


def test_the_instagram_catch_up_reads_comments_not_the_accounts_own(
    graph, instagram_channel
):
    now = timezone.now()
    graph.media = [
        {"id": "123123123", "caption": "Photo", "timestamp": now.isoformat()}
    ]
    graph.ig_comments["123123123"] = gs.payload(
        "ig_media_comments", MESSAGE=INSULT, COMMENT_TIME=now.isoformat()
    )["data"]
    outcome = poll_once(instagram_channel, force=True)
    assert (outcome.stored, outcome.error) == (1, "")
    comment = Comment.objects.get()
    assert comment.external_id == "17870913679156914"
    assert comment.author == "test_user"
    assert comment.post.text == "Photo"


@pytest.mark.parametrize(
    "body",
    [
        {"object": "page", "entry": "x"},
        {
            "object": "page",
            "entry": [{"id": gs.PAGE_ID, "changes": [{"field": "feed", "value": "x"}]}],
        },
        {"object": "page", "entry": [{"id": "999", "changes": []}]},
        {"object": "user", "entry": [1, None]},
        {"object": "page", "entry": [{"id": gs.PAGE_ID, "changes": [None, 3]}]},
    ],
)
def test_odd_deliveries_store_nothing_and_fail_nothing(client, facebook_channel, body):
    assert deliver(client, body).status_code == 200
    assert not Comment.objects.exists()


def test_a_date_in_the_year_9999_and_hostile_text_are_taken_safely(
    client, facebook_channel, personas
):
    body = feed("<img src=x onerror=alert(1)>")
    body["entry"][0]["changes"][0]["value"]["created_time"] = 253402300799
    deliver(client, body)
    comment = Comment.objects.get()
    assert comment.posted_at <= timezone.now()
    client.force_login(personas["manager"])
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_pages_own_comment_is_not_moderated(client, facebook_channel):
    body = feed("Merci de votre message")
    body["entry"][0]["changes"][0]["value"]["from"] = {
        "id": gs.PAGE_ID,
        "name": "Ville",
    }
    deliver(client, body)
    assert not Comment.objects.exists()


def test_connecting_again_lets_a_later_refusal_alert_again(
    graph, facebook_channel, personas
):
    from connectors.services import channel_save

    graph.expired.add(gs.PAGE_TOKEN)
    poll_once(facebook_channel, force=True)
    channel_save(
        channel=facebook_channel,
        credentials=facebook_channel.get_credentials(),
        actor=personas["manager"],
    )
    poll_once(facebook_channel, force=True)
    assert OutgoingMail.objects.filter(kind="channel_refused").count() == 2


def test_a_facebook_comment_is_deleted_with_the_page_token_once_confirmed(
    client, graph, facebook_channel, personas, deleting_rule
):
    deliver(client, feed(INSULT))
    comment = Comment.objects.get()
    client.force_login(personas["manager"])
    url = reverse("moderation:comment-delete", args=[comment.pk])
    assert client.post(url, {"reason": "Insultes"}).status_code == 302
    message = OutboxMessage.objects.get(comment=comment, kind="comment.delete")
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    # Comment > Deleting: DELETE /{comment-id} with the Page token.
    [call] = graph.calls("DELETE", f"/{gs.VERSION}/2000_3000")
    assert call[2]["access_token"] == gs.PAGE_TOKEN
    assert call[2]["appsecret_proof"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert comment.removed_on_platform_at is not None
    # Facebook's own "remove" for it afterwards writes nothing more.
    deliver(client, feed(verb="remove"))
    assert not Event.objects.filter(comment=comment, action="removed_on_platform")
    assert [e.action for e in Event.objects.filter(comment=comment)][-1] == "deleted"


def test_an_instagram_comment_is_deleted_with_its_call(
    client, graph, instagram_channel, personas, deleting_rule
):
    deliver(client, gs.payload("instagram_comment", MESSAGE=INSULT))
    comment = Comment.objects.get(channel=instagram_channel)
    client.force_login(personas["manager"])
    url = reverse("moderation:comment-delete", args=[comment.pk])
    client.post(url, {"reason": "Insultes"})
    message = OutboxMessage.objects.get(comment=comment, kind="comment.delete")
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    # IG Comment > Deleting: DELETE /{ig-comment-id}.
    [call] = graph.calls("DELETE", f"/{gs.VERSION}/{comment.external_id}")
    assert call[2]["access_token"] == gs.PAGE_TOKEN


def test_a_delete_without_the_permission_fails_visibly(
    client, graph, facebook_channel, personas, deleting_rule
):
    graph.tokens[gs.PAGE_TOKEN].discard("pages_manage_engagement")
    deliver(client, feed(INSULT))
    comment = Comment.objects.get()
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(
        reverse("moderation:comment-delete", args=[comment.pk]), {"reason": "x"}
    )
    message = OutboxMessage.objects.get(comment=comment, kind="comment.delete")
    assert message.status != OutboxMessage.Status.SENT
    assert message.last_error
    assert graph.calls("DELETE", f"/{gs.VERSION}/2000_3000")
    comment.refresh_from_db()
    assert comment.removed_on_platform_at is None
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content
    assert b"Deleted here; " in page


def test_a_hide_and_unhide_on_facebook_are_recorded_with_events_once(
    client, facebook_channel, personas
):
    deliver(client, feed("Merci"))
    comment = Comment.objects.get()
    # Webhooks > Page > feed: "verb": "hide" / "unhide" for item "comment".
    deliver(client, feed(verb="hide"))
    deliver(client, feed(verb="hide"))
    comment.refresh_from_db()
    assert comment.hidden_on_platform is True
    assert comment.status == Comment.Status.NEW  # hidden there, not here
    [hidden] = Event.objects.filter(comment=comment, action="hidden_on_platform")
    assert hidden.actor is None
    client.force_login(personas["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content
    assert b"Hidden on the platform by one of its moderators" in page
    deliver(client, feed(verb="unhide"))
    comment.refresh_from_db()
    assert comment.hidden_on_platform is False
    shown = Event.objects.filter(comment=comment, action="shown_on_platform")
    assert shown.count() == 1
    # A delivery for a comment not stored here changes nothing.
    deliver(client, feed(verb="hide", comment_id="2000_9999"))
    assert Comment.objects.count() == 1


def test_the_echo_of_a_hide_sent_from_here_writes_no_event(
    client, graph, facebook_channel, personas
):
    deliver(client, feed(INSULT))
    comment = Comment.objects.get()
    client.force_login(personas["manager"])
    client.post(reverse("moderation:comment-hide", args=[comment.pk]), {"reason": "x"})
    deliver(client, feed(verb="hide"))
    client.post(
        reverse("moderation:comment-unhide", args=[comment.pk]), {"reason": "erreur"}
    )
    deliver(client, feed(verb="unhide"))
    comment.refresh_from_db()
    assert comment.hidden_on_platform is False
    assert not Event.objects.filter(
        comment=comment, action__in=["hidden_on_platform", "shown_on_platform"]
    )
