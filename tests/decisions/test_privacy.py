"""Retention, legal holds and access requests (privacy officer)."""

import datetime
import hashlib
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from decisions.models import Evidence, RetentionRun, Statement
from decisions.services.notices import notice_submit
from decisions.services.privacy import (
    Held,
    author_anonymise,
    author_export,
    hold_place,
)
from decisions.services.retention import retention_run, retention_set
from moderation.models import Comment, Event, RuleMatch
from tests.decisions.conftest import FRENCH, hidden, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.timedelta(days=1)


def received(comment):
    return Comment.objects.get(pk=comment.pk).received_at


def test_only_the_privacy_officer_sets_the_schedule(personas):
    for persona in ("manager", "approver", "responder", "counsel", "outsider"):
        with pytest.raises(PermissionDenied):
            retention_set(actor=personas[persona], days_by_category={"author": 30})
    retention_set(actor=personas["privacy_officer"], days_by_category={"author": 30})


def test_a_held_comment_survives_and_an_unheld_one_is_anonymised_on_time(
    channel, personas
):
    officer = personas["privacy_officer"]
    kept = ingest(channel, external_id="held", author="menace")
    gone = ingest(channel, external_id="gone", author="someone")
    hold = hold_place(actor=officer, comment=kept, reason="Threat: police complaint")
    retention_set(
        actor=officer,
        days_by_category={"comment_text": 30, "author": 30},
    )
    due = received(gone) + 30 * DAY
    # One minute before its time: nothing erased.
    run = retention_run(now=due - datetime.timedelta(minutes=1))
    assert run.finished_at is not None
    gone.refresh_from_db()
    assert gone.text == FRENCH and gone.author == "someone"
    run = retention_run(now=due + datetime.timedelta(minutes=1))
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.text, gone.author, gone.author_url) == ("", "", "")
    assert gone.text_erased_at and gone.author_erased_at
    assert not RuleMatch.objects.filter(comment=gone).exclude(excerpt="")
    assert kept.text == FRENCH and kept.author == "menace"
    assert run.done["comment_text"] == 1
    assert run.done["author"] == 1
    # The evidence copy, with the SHA-256 of the text as received.
    copy = Evidence.objects.get(hold=hold)
    assert copy.sha256 == hashlib.sha256(FRENCH.encode()).hexdigest()
    assert copy.metadata["author"] == "menace"


def test_personal_data_is_blotted_before_the_text_goes(channel, personas):
    officer = personas["privacy_officer"]
    comment = ingest(channel)
    retention_set(actor=officer, days_by_category={"personal_data": 10})
    retention_run(now=received(comment) + 11 * DAY)
    comment.refresh_from_db()
    assert "jean@example.org" not in comment.text
    assert "imbéciles" in comment.text
    assert len(comment.text) == len(FRENCH)


def test_a_killed_run_goes_on_from_its_last_batch(channel, personas):
    officer = personas["privacy_officer"]
    comments = [ingest(channel, external_id=f"c-{i}") for i in range(5)]
    retention_set(actor=officer, days_by_category={"comment_text": 1})
    later = received(comments[-1]) + 2 * DAY
    first = retention_run(now=later, batch=2, max_batches=1)
    assert first.finished_at is None
    assert first.done == {"comment_text": 2}
    assert Comment.objects.filter(text_erased_at__isnull=False).count() == 2
    resumed = retention_run(now=later + DAY, batch=2)
    assert resumed.pk == first.pk
    assert resumed.finished_at is not None
    assert resumed.done == {"comment_text": 5}
    assert Comment.objects.filter(text_erased_at__isnull=True).count() == 0
    assert RetentionRun.objects.count() == 1


def test_an_edit_keeps_the_old_text_no_longer_than_the_text(channel, personas):
    from moderation.services.audit import chain_verify
    from moderation.services.platform_changes import comment_edited_on_platform

    comment = ingest(channel)
    comment_edited_on_platform(
        channel=channel, external_id="c-1", text="Texte corrigé, sans insulte"
    )
    edit = Event.objects.get(comment=comment, action="edited_on_platform")
    assert edit.reason == FRENCH  # the text it replaced
    retention_set(
        actor=personas["privacy_officer"], days_by_category={"comment_text": 30}
    )
    retention_run(now=received(comment) + 31 * DAY)
    erased = Event.objects.get(pk=edit.pk)
    assert (erased.reason, erased.hash) == ("", edit.hash)
    assert erased.reason_erased_at is not None
    assert FRENCH not in json.dumps(
        list(Event.objects.values_list("reason", flat=True))
    )
    assert chain_verify().broken is None


def test_audit_reasons_past_their_time_are_erased_unless_held(
    channel, personas, client
):
    from moderation.services.audit import chain_verify

    officer = personas["privacy_officer"]
    kept = hidden(channel, personas["responder"], external_id="held")
    gone = hidden(channel, personas["responder"], external_id="gone")
    hold_place(actor=officer, comment=kept, reason="Menace : plainte")
    retention_set(actor=officer, days_by_category={"audit_events": 90})
    hide = Event.objects.get(comment=gone, action="hidden")
    run = retention_run(now=hide.at + 89 * DAY)
    assert run.done["audit_events"] == 0
    run = retention_run(now=hide.at + 91 * DAY)
    assert run.done["audit_events"] == 1
    assert Event.objects.get(pk=hide.pk).reason == ""
    assert Event.objects.get(comment=kept, action="hidden").reason == "Insultes"
    assert chain_verify().broken is None
    client.force_login(personas["manager"])
    history = client.get(reverse("moderation:comment", args=[gone.pk])).content
    assert "motif effacé selon le calendrier de conservation" in history.decode()


def test_a_hold_on_an_author_keeps_all_their_comments(channel, personas):
    officer = personas["privacy_officer"]
    ingest(channel, external_id="a", author="troll")
    ingest(channel, external_id="b", author="troll")
    hold_place(actor=officer, channel=channel, author="troll", reason="Defamation")
    assert Evidence.objects.count() == 2
    with pytest.raises(Held):
        author_anonymise(actor=officer, author="troll")
    assert Comment.objects.filter(author="troll").count() == 2


def test_a_hold_on_an_author_covers_their_later_comments(channel, personas):
    from decisions.tasks import apply_retention

    officer = personas["privacy_officer"]
    ingest(channel, external_id="a", author="troll")
    hold = hold_place(actor=officer, channel=channel, author="troll", reason="Threats")
    later = ingest(channel, external_id="b", author="troll", text="Je sais où tu vis")
    other = ingest(channel, external_id="c", author="someone")
    retention_set(actor=officer, days_by_category={"comment_text": 30, "author": 30})
    with time_machine.travel(received(later) + 31 * DAY):
        apply_retention()
    later.refresh_from_db()
    assert later.text == "Je sais où tu vis"
    assert later.author == "troll"
    copy = Evidence.objects.get(hold=hold, comment=later)
    assert copy.text == "Je sais où tu vis"
    assert copy.sha256 == hashlib.sha256("Je sais où tu vis".encode()).hexdigest()
    other.refresh_from_db()
    assert other.text_erased_at is not None
    # A second run copies nothing twice.
    with time_machine.travel(received(later) + 32 * DAY):
        apply_retention()
    assert Evidence.objects.filter(hold=hold).count() == 2


def test_an_access_request_exports_and_anonymises_except_under_hold(channel, personas):
    officer = personas["privacy_officer"]
    comment = hidden(channel, personas["responder"])
    other = ingest(channel, external_id="c-9")
    hold_place(actor=officer, comment=other, reason="Threats")
    data = json.loads(author_export(actor=officer, author="jean.tremblay"))
    assert len(data["comments"]) == 2
    exported = next(c for c in data["comments"] if c["external_id"] == "c-1")
    assert exported["text"] == FRENCH
    assert exported["statements"][0]["reference"] == comment.statements.get().reference
    assert exported["notices"] == []
    notice = notice_submit(
        url=comment.url,
        reasons="Insults",
        name="Marie Notifier",
        email="marie@example.org",
        language="fr",
    )
    exported = json.loads(author_export(actor=officer, author="jean.tremblay"))
    [reported] = next(c for c in exported["comments"] if c["external_id"] == "c-1")[
        "notices"
    ]
    assert reported["reference"] == notice.reference
    assert reported["reasons"] == "Insults"
    assert "Marie" not in json.dumps(exported)
    assert "marie@example.org" not in json.dumps(exported)
    done, kept = author_anonymise(actor=officer, author="jean.tremblay")
    assert (done, kept) == (1, 1)
    comment.refresh_from_db()
    assert comment.author == "" and comment.text == ""
    assert Statement.objects.get(comment=comment).facts == ""
    # The trail keeps the hide, not what was written about it.
    hide = Event.objects.get(comment=comment, action="hidden")
    assert (hide.reason, hide.reason_erased_at is not None) == ("", True)
    assert Event.objects.get(comment=other, action="ingested").reason_erased_at is None
    with pytest.raises(PermissionDenied):
        author_export(actor=personas["manager"], author="jean.tremblay")


def test_the_privacy_page_by_persona(channel, personas, client):
    for persona, status in [
        ("privacy_officer", 200),
        ("manager", 403),
        ("approver", 403),
        ("outsider", 403),
    ]:
        client.force_login(personas[persona])
        assert client.get(reverse("decisions:privacy")).status_code == status
    client.force_login(personas["privacy_officer"])
    bad = client.post(reverse("decisions:privacy"), {"retention": "1", "author": "0"})
    assert bad.status_code == 400
    comment = ingest(channel)
    response = client.post(
        reverse("decisions:privacy"),
        {"hold": "1", "comment": comment.pk, "reason": "Threats"},
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(comment=comment).exists()
    missing = client.post(
        reverse("decisions:privacy"), {"hold": "1", "comment": 999999, "reason": "x"}
    )
    assert missing.status_code == 400
    export = client.post(
        reverse("decisions:access-request"), {"author": "jean.tremblay"}
    )
    assert export["Content-Disposition"].startswith("attachment")
    assert json.loads(export.content)["comments"][0]["external_id"] == "c-1"
