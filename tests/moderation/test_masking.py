"""Personal data in comments: every surface that shows a comment's text or a
match's excerpt, for every persona.

A comment holding an e-mail address, a phone number and a social insurance
number goes through the inbox, the comment page (text and "other comments by
this author"), the approvals page, the backtest, the admin, the API (list,
detail, ingest replay), the CSV export and the e-mails. Only its assignee,
approvers and managers ever read the data, the inbox included; e-mails and
the CSV export carry it masked;
a responder scoped to another channel does not even find the comment.
"""

import datetime
import json

import pytest
from django.core import mail
from django.urls import reverse

from core.roles import Role
from moderation import masking
from moderation.models import Channel, Comment, Notification
from moderation.services.alerts import comment_alert_critical
from moderation.services.answers import answer_submit
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim
from moderation.sla.notifications import notifications_send
from staffing.models import Shift
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)
EMAIL, PHONE, SIN = "marie.tremblay@example.com", "514-555-0199", "130 692 544"
PERSONAL = (EMAIL, PHONE, SIN)
TEXT = f"Je vais te tuer. Écrivez à {EMAIL} ou au {PHONE}, son NAS est {SIN}."
MASKED = masking.MASK * len(PHONE)

PERSONAS = [
    "assignee",
    "other_responder",
    "approver",
    "manager",
    "api_reader",
    "scoped_responder",
    "outsider",
]
# Those who need to see the personal data (the rule in moderation.access).
NEED_TO_SEE = {"assignee", "approver", "manager"}


@pytest.fixture
def world(personas, channel):
    elsewhere = Channel.objects.create(
        slug="x-elsewhere",
        platform="x",
        handle="organisation",
        languages=["fr"],
        calendar=channel.calendar,
    )
    people = {
        "assignee": personas["responder"],
        "other_responder": make_user("other", [Role.RESPONDER]),
        "approver": personas["approver"],
        "manager": personas["manager"],
        "api_reader": personas["api_reader"],
        "scoped_responder": make_user(
            "scoped", [Role.RESPONDER], channels=[elsewhere.slug]
        ),
        "outsider": personas["outsider"],
    }
    comment, _ = comment_ingest(
        channel=channel,
        external_id="pii-1",
        author="voisin",
        text=TEXT,
        posted_at=POSTED,
    )
    comment_claim(comment=comment, actor=people["assignee"])
    # An answer to a threat waits for approval: the approvals page shows it.
    answer_submit(comment=comment, actor=people["assignee"], body="Merci.")
    later, _ = comment_ingest(
        channel=channel,
        external_id="pii-2",
        author="voisin",
        text="Encore moi, toujours pas de réponse",
        posted_at=POSTED + datetime.timedelta(hours=1),
    )
    assert {"email", "phone", "sin"} <= {m.pattern for m in comment.matches.all()}
    return {"people": people, "comment": comment, "later": later, "channel": channel}


def _page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    return response.status_code, response.content.decode()


def _api(api_client, user, path):
    api_client.force_authenticate(user)
    response = api_client.get(path)
    return response.status_code, response.content.decode()


def inbox(client, api_client, user, world):
    return _page(client, user, reverse("moderation:inbox"))


def comment_page(client, api_client, user, world):
    path = reverse("moderation:comment", args=[world["comment"].pk])
    return _page(client, user, path)


def other_comments(client, api_client, user, world):
    # The later comment holds no personal data: any found on its page came
    # through "Earlier comments by this author".
    path = reverse("moderation:comment", args=[world["later"].pk])
    return _page(client, user, path)


def approvals(client, api_client, user, world):
    return _page(client, user, reverse("moderation:approvals"))


def backtest(client, api_client, user, world):
    from policies.services.rulebook import policy_version_create_draft

    draft = policy_version_create_draft(actor=world["people"]["manager"])
    # The draft flags the comment for one more rule: the backtest lists it.
    rule = draft.rules.get(slug="offensive-content")
    rule.patterns.create(kind="keyword", language="fr", expression="écrivez")
    return _page(client, user, reverse("moderation:backtest", args=[draft.pk]))


def admin_comment(client, api_client, user, world):
    path = f"/admin/moderation/comment/{world['comment'].pk}/change/"
    return _page(client, user, path)


def csv_export(client, api_client, user, world):
    return _page(client, user, reverse("moderation:sla-export") + "?rows=breaches")


def api_list(client, api_client, user, world):
    return _api(api_client, user, "/api/v1/comments/")


def api_detail(client, api_client, user, world):
    return _api(api_client, user, f"/api/v1/comments/{world['comment'].pk}/")


def api_context(client, api_client, user, world):
    # The later comment's author history holds the earlier one's text.
    return _api(api_client, user, f"/api/v1/comments/{world['later'].pk}/context/")


def api_ingest_replay(client, api_client, user, world):
    """The same external id again: the answer describes the stored comment."""
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/comments/",
        {
            "channel": world["channel"].slug,
            "external_id": "pii-1",
            "author": "voisin",
            "text": "Bonjour",
            "posted_at": POSTED.isoformat(),
        },
        format="json",
    )
    return response.status_code, response.content.decode()


# surface: (what it shows the comment to, HTTP status for those, masked always)
TRIAGE = {"assignee", "other_responder", "approver", "manager", "scoped_responder"}
SURFACES = {
    # The assignee reads the phone number in the inbox too, as the README says.
    inbox: (TRIAGE, 200, False),
    comment_page: (TRIAGE - {"scoped_responder"}, 200, False),
    other_comments: (TRIAGE - {"scoped_responder"}, 200, False),
    approvals: ({"approver", "manager"}, 200, False),
    backtest: ({"manager"}, 200, False),
    admin_comment: ({"manager"}, 200, False),
    csv_export: ({"approver", "manager"}, 200, True),
    api_list: (TRIAGE, 200, False),
    api_detail: (TRIAGE - {"scoped_responder"}, 200, False),
    api_context: (TRIAGE - {"scoped_responder"}, 200, False),
    api_ingest_replay: ({"api_reader", "manager"}, 200, False),
}
REFUSED = {
    "scoped_responder": 404,  # a comment outside one's channels is not found
    "api_reader": 403,
    "other_responder": 403,
    "assignee": 403,
    "approver": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("surface", list(SURFACES), ids=lambda s: s.__name__)
def test_personal_data_shows_only_to_those_who_need_to_see_it(
    client, api_client, world, surface, persona
):
    user = world["people"][persona]
    opened_to, ok, always_masked = SURFACES[surface]
    status, body = surface(client, api_client, user, world)
    sees = persona in NEED_TO_SEE and not always_masked
    if persona in opened_to:
        assert status == ok, (surface.__name__, persona, status)
    elif surface in (inbox, api_list):
        assert status == 403, (surface.__name__, persona, status)
    elif surface is admin_comment:
        assert status == 302, (surface.__name__, persona, status)
    elif surface is api_ingest_replay:
        assert status == 403, (surface.__name__, persona, status)
    elif surface in (comment_page, other_comments, api_detail, api_context):
        assert status == REFUSED[persona], (surface.__name__, persona, status)
    else:
        assert status == 403, (surface.__name__, persona, status)
    for value in PERSONAL:
        assert (value in body) == (sees and persona in opened_to), (
            surface.__name__,
            persona,
            value,
        )
    shows_comment = persona in opened_to and persona != "scoped_responder"
    if shows_comment and not sees and surface is not csv_export:
        assert MASKED in body, (surface.__name__, persona)
    if persona == "scoped_responder":
        assert "voisin" not in body, surface.__name__


@pytest.mark.parametrize("persona", ["other_responder", "approver", "api_reader"])
def test_api_excerpts_of_personal_matches_are_masked(api_client, world, persona):
    user = world["people"][persona]
    api_client.force_authenticate(user)
    if persona == "api_reader":
        _status, body = api_ingest_replay(None, api_client, user, world)
        matches = json.loads(body)["matches"]
    else:
        detail = api_client.get(f"/api/v1/comments/{world['comment'].pk}/").json()
        matches = detail["matches"]
    excerpts = {m["pattern"]: m["excerpt"] for m in matches}
    if persona == "approver":
        assert excerpts["phone"] == PHONE and excerpts["email"] == EMAIL
    else:
        assert excerpts["phone"] == MASKED
        assert excerpts["email"] == masking.MASK * len(EMAIL)
        assert excerpts["sin"] == masking.MASK * len(SIN)
        threat = next(m for m in matches if m["rule"] == "threats")
        assert threat["excerpt"] == "Je vais te tuer"  # not personal


def test_critical_alert_mail_is_masked_and_goes_to_those_who_may_see_it(
    world, django_capture_on_commit_callbacks
):
    people = world["people"]
    for persona in ("assignee", "other_responder", "scoped_responder"):
        Shift.objects.create(
            responder=people[persona],
            starts_at=POSTED - datetime.timedelta(hours=1),
            ends_at=POSTED + datetime.timedelta(hours=8),
        )
    comment = world["comment"]
    Comment.objects.filter(pk=comment.pk).update(alerted_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outgoing mail
        recipients = comment_alert_critical(comment=comment, now=POSTED)
    assert recipients == sorted(
        [people["assignee"].email, people["other_responder"].email]
    )
    [message] = mail.outbox
    for value in PERSONAL:
        assert value not in message.body
    assert MASKED in message.body


@pytest.mark.parametrize("persona", ["assignee", "approver", "manager"])
def test_sla_mails_are_masked_for_every_recipient(
    world, persona, django_capture_on_commit_callbacks
):
    Notification.objects.create(
        recipient=world["people"][persona],
        kind=Notification.Kind.SLA_BREACH,
        comment=world["comment"],
        deliver_after=POSTED,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outgoing mail
        assert notifications_send(now=POSTED) == 1
    [message] = mail.outbox
    for value in PERSONAL:
        assert value not in message.body
    assert MASKED in message.body


def test_an_excerpt_around_personal_data_is_masked_where_it_overlaps():
    text = f"Appelez au {PHONE} vite"
    start = text.index(PHONE)
    spans = [(start, start + len(PHONE))]
    # A rule's match from "au" to the middle of the number.
    excerpt = text[start - 3 : start + 7]
    masked = masking.blot_excerpt(excerpt, start=start - 3, text=text, spans=spans)
    assert masked == "au " + masking.MASK * 7
    # An excerpt that does not sit at its offsets but quotes the number.
    assert masking.blot_excerpt(f"tel {PHONE}", start=0, text=text, spans=spans) == (
        "tel " + MASKED
    )
