"""The audit trail's hash chain: every event linked to the one before it, a
rewrite named by `verify_audit`, and the daily hash that survives a rewrite
of the whole chain."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from moderation import audit
from moderation.models import AuditAnchor, AuditHead, Event
from moderation.services.audit import anchor_record
from moderation.services.ingest import comment_ingest
from moderation.services.triage import comment_claim, comment_close
from tests.processes import needs_postgresql

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

POSTED = datetime.datetime(2026, 11, 27, 21, 0, tzinfo=datetime.UTC)


def new_comment(channel, external_id, text="Merci pour votre réponse"):
    comment, _created = comment_ingest(
        channel=channel,
        external_id=external_id,
        author="x",
        text=text,
        posted_at=POSTED,
    )
    return comment


def some_history(channel, personas):
    first = new_comment(channel, "c-1")
    new_comment(channel, "c-2", text="Un « guillemet », un \n saut et 日本")
    comment_claim(actor=personas["responder"], comment=first)
    comment_close(actor=personas["responder"], comment=first, reason="déjà répondu")
    return first


def verify(*args):
    """Run the command; return its output, or raise CommandError."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def rewrite(sql, params=()):
    """Change the trail as a database superuser can: with the append-only
    trigger switched off for the session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_every_event_links_to_the_one_before(channel, personas):
    some_history(channel, personas)
    events = list(Event.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in events:
        assert event.hash == audit.link(event.prev_hash, event.content())
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


def test_an_intact_trail_verifies(channel, personas):
    some_history(channel, personas)
    count = Event.objects.count()
    assert f"Audit trail intact: {count} events, last number {count}" in verify()


def test_the_hash_covers_every_field(channel, personas):
    some_history(channel, personas)
    event = Event.objects.order_by("seq").first()
    fields = {
        "action": "closed",
        "actor_id": personas["manager"].pk,
        "after": "closed",
        "before": "open",
        "comment_id": event.comment_id + 1,
        # The reason counts by its digest, which the writer computes from it.
        "reason_sha256": audit.reason_digest(event.reason + " "),
        "at": event.at + datetime.timedelta(microseconds=1),
        "seq": event.seq + 1,
    }
    copy = Event(**{f: getattr(event, f) for f in fields})
    assert audit.link(event.prev_hash, copy.content()) == event.hash
    for name, value in fields.items():
        changed = Event(**{f: getattr(event, f) for f in fields})
        setattr(changed, name, value)
        assert audit.link(event.prev_hash, changed.content()) != event.hash, name


def _closing(channel, personas):
    some_history(channel, personas)
    return Event.objects.get(action="closed")


def test_an_erased_reason_keeps_the_chain_whole(channel, personas):
    closing = _closing(channel, personas)
    now = timezone.now()
    assert Event.objects.filter(pk=closing.pk).reasons_erase(now=now) == 1
    erased = Event.objects.get(pk=closing.pk)
    assert (erased.reason, erased.reason_erased_at) == ("", now)
    assert erased.reason_sha256 == audit.reason_digest("déjà répondu")
    assert erased.hash == closing.hash
    assert "Audit trail intact" in verify()
    # Once is all: erasing again changes nothing.
    assert Event.objects.filter(pk=closing.pk).reasons_erase(now=now) == 0


@needs_postgresql
def test_an_erased_event_still_proves_its_other_fields(channel, personas):
    closing = _closing(channel, personas)
    Event.objects.filter(pk=closing.pk).reasons_erase(now=timezone.now())
    rewrite("UPDATE moderation_event SET action = 'hidden' WHERE id = %s", [closing.pk])
    with pytest.raises(CommandError, match="was changed after it was written"):
        verify()


@needs_postgresql
def test_a_reason_blanked_without_the_erasure_is_caught(channel, personas):
    closing = _closing(channel, personas)
    rewrite("UPDATE moderation_event SET reason = '' WHERE id = %s", [closing.pk])
    with pytest.raises(CommandError, match=f"event {closing.pk} .*was changed"):
        verify()


@needs_postgresql
def test_the_trigger_lets_the_erasure_through_and_nothing_else(channel, personas):
    from django.db import DatabaseError

    closing = _closing(channel, personas)
    refused = [
        ("UPDATE moderation_event SET action = 'hidden' WHERE id = %s", [closing.pk]),
        # An erasure that also moves the event in time.
        (
            "UPDATE moderation_event SET reason = '', reason_erased_at = now(), "
            "at = at + interval '1 second' WHERE id = %s",
            [closing.pk],
        ),
        # An "erasure" that writes another reason.
        (
            "UPDATE moderation_event SET reason = 'autre', reason_erased_at = now() "
            "WHERE id = %s",
            [closing.pk],
        ),
    ]
    for sql, params in refused:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    Event.objects.filter(pk=closing.pk).reasons_erase(now=timezone.now())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE moderation_event SET reason_erased_at = NULL WHERE id = %s",
            [closing.pk],
        )
    assert "Audit trail intact" in verify()


def test_a_hash_mailed_before_reasons_were_hashed_apart_still_checks(channel, personas):
    some_history(channel, personas)
    previous = audit.GENESIS
    for event in Event.objects.order_by("seq"):
        previous = audit.link(
            previous,
            audit.canonical_v1(
                seq=event.seq, comment_id=event.comment_id, actor_id=event.actor_id,
                action=event.action, before=event.before, after=event.after,
                reason=event.reason, at=event.at,
            ),
        )  # fmt: skip
        last = event.seq
    assert "Audit trail intact" in verify("--expect", f"{last}:{previous}")
    with pytest.raises(CommandError, match="no longer has the hash recorded"):
        verify("--expect", f"{last}:{'0' * 63}1")


def test_the_upgrade_does_not_rehash_a_broken_chain(channel, personas):
    """The migration that hashed reasons apart re-hashes a chain only after
    checking it with the old formula: a break stops it, named."""
    import importlib

    upgrade = importlib.import_module("moderation.migrations.0043_audit_reason_digest")
    some_history(channel, personas)
    rows, previous = [], audit.GENESIS
    for event in Event.objects.order_by("seq"):
        fields = {
            "seq": event.seq, "comment_id": event.comment_id,
            "actor_id": event.actor_id, "action": event.action,
            "before": event.before, "after": event.after,
            "reason": event.reason, "at": event.at,
        }  # fmt: skip
        digest = audit.link(previous, audit.canonical_v1(**fields))
        rows.append(
            (event.pk, event.seq, event.comment_id, event.actor_id, event.action,
             event.before, event.after, event.reason, event.at, previous, digest)
        )  # fmt: skip
        previous = digest
    converted = list(upgrade.rehash(rows, from_v1=True))
    assert [new for *_, new in converted] == list(
        Event.objects.order_by("seq").values_list("hash", flat=True)
    )
    rehashed = [
        (*row[:9], prev, new)
        for row, (*_, prev, _old, new) in zip(rows, converted, strict=True)
    ]
    back = list(upgrade.rehash(rehashed, from_v1=False))
    assert [new for *_, new in back] == [row[10] for row in rows]
    tampered = [*rows]
    tampered[2] = (*rows[2][:7], "autre raison", *rows[2][8:])
    with pytest.raises(upgrade.BrokenChain, match="broken at event number 3"):
        list(upgrade.rehash(tampered, from_v1=True))


@needs_postgresql
def test_a_row_edited_in_sql_is_named(channel, personas):
    some_history(channel, personas)
    target = Event.objects.get(action="claimed")
    rewrite("UPDATE moderation_event SET reason = 'nothing' WHERE id = %s", [target.pk])
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"event {target.pk} (number {target.seq}, comment {target.comment_id}" in (
        message
    )
    assert "was changed after it was written" in message


@needs_postgresql
def test_a_removed_row_is_named(channel, personas):
    some_history(channel, personas)
    target = Event.objects.get(action="claimed")
    rewrite("DELETE FROM moderation_event WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=f"event number {target.seq} is missing"):
        verify()


@needs_postgresql
def test_a_removed_last_row_is_named_by_the_head(channel, personas):
    some_history(channel, personas)
    last = Event.objects.order_by("-seq").first()
    rewrite("DELETE FROM moderation_event WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="the last events were removed"):
        verify()


@needs_postgresql
def test_a_rewritten_chain_is_caught_by_the_daily_hash(channel, personas):
    """Someone who recomputes every hash after an edit passes the chain check,
    but not the hash e-mailed the day before."""
    some_history(channel, personas)
    anchor = anchor_record(now=timezone.now() + datetime.timedelta(days=1))
    kept = f"{anchor.seq}:{anchor.hash}"
    target = Event.objects.get(action="claimed")
    rewrite("UPDATE moderation_event SET reason = 'nothing' WHERE id = %s", [target.pk])
    _recompute_everything()
    AuditAnchor.objects.all().delete()  # the recorded copy is rewritten too
    assert "Audit trail intact" in verify()
    with pytest.raises(CommandError, match="no longer has the hash recorded"):
        verify("--expect", kept)


def _recompute_everything():
    previous = audit.GENESIS
    for event in Event.objects.order_by("seq"):
        event.reason_sha256 = audit.reason_digest(event.reason)
        digest = audit.link(previous, event.content())
        rewrite(
            "UPDATE moderation_event SET reason_sha256 = %s, prev_hash = %s, "
            "hash = %s WHERE id = %s",
            [event.reason_sha256, previous, digest, event.pk],
        )
        previous = digest
    AuditHead.objects.filter(pk=1).update(hash=previous)


def test_the_daily_hash_is_recorded_once_and_mailed_to_managers(
    channel, personas, django_capture_on_commit_callbacks
):
    some_history(channel, personas)
    personas["manager"].email = "david@example.org"
    personas["manager"].save()
    # Early in the morning where the organisation is: the next hour is the
    # same day, whenever the test runs.
    now = timezone.make_aware(datetime.datetime(2026, 12, 2, 1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        anchor = anchor_record(now=now)
    head = AuditHead.objects.get()
    assert (anchor.seq, anchor.hash) == (head.seq, head.hash)
    assert anchor.day == datetime.date(2026, 12, 1)
    assert anchor_record(now=now + datetime.timedelta(hours=1)) is None
    assert AuditAnchor.objects.count() == 1
    sent = [m for m in mail.outbox if anchor.hash in m.body]
    assert len(sent) == 1
    assert sent[0].to == ["david@example.org"]
    assert f"verify_audit --expect {anchor.seq}:{anchor.hash}" in sent[0].body
    assert "Audit trail intact" in verify("--expect", f"{anchor.seq}:{anchor.hash}")


def test_an_expected_hash_that_does_not_match_fails(channel, personas):
    some_history(channel, personas)
    with pytest.raises(CommandError, match="no longer has the hash recorded"):
        verify("--expect", "1:" + "a" * 64)
    with pytest.raises(CommandError, match="is no longer in the trail"):
        verify("--expect", "999:" + "a" * 64)


@pytest.mark.parametrize("value", ["3", "x:abc", "1:" + "g" * 64, "1:" + "a" * 63])
def test_a_malformed_expected_hash_is_refused_in_one_line(value):
    with pytest.raises(CommandError, match="--expect takes NUMBER:HASH"):
        verify("--expect", value)


def test_an_empty_trail_verifies(db):
    assert "Audit trail intact: 0 events" in verify()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_a_place(channel, personas):
    """Two transactions writing events at once: the second waits for the
    first's commit, and the chain stays whole."""
    first = new_comment(channel, "c-1")
    second = new_comment(channel, "c-2")
    holding, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                comment_claim(actor=personas["responder"], comment=first)
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert holding.wait(timeout=10)
    waiting = threading.Thread(
        target=lambda: (
            comment_claim(actor=personas["manager"], comment=second),
            connections.close_all(),
        )
    )
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive()  # held by the first writer's lock on the head
    release.set()
    thread.join(timeout=10)
    waiting.join(timeout=10)
    assert "Audit trail intact" in verify()
    assert Event.objects.filter(action="claimed").count() == 2


def test_managers_read_the_daily_hashes_in_the_admin_and_cannot_change_them(
    client, personas
):
    anchor = AuditAnchor.objects.create(
        day=datetime.date(2026, 12, 1), seq=3, hash="b" * 64
    )
    client.force_login(personas["manager"])
    listing = client.get("/admin/moderation/auditanchor/")
    assert listing.status_code == 200
    assert "b" * 64 in listing.text
    assert client.get("/admin/moderation/auditanchor/add/").status_code == 403
    change = f"/admin/moderation/auditanchor/{anchor.pk}/change/"
    client.post(change, {"day": "2026-12-01", "seq": 4, "hash": "c" * 64})
    client.post(f"/admin/moderation/auditanchor/{anchor.pk}/delete/", {"post": "yes"})
    anchor.refresh_from_db()
    assert (anchor.seq, anchor.hash) == (3, "b" * 64)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_rehashes_a_real_trail_both_ways(channel, personas):
    """Migrating back to hashing reasons themselves and forward again keeps a
    trail that verifies, its daily hash included, on the real database."""
    some_history(channel, personas)
    anchor = anchor_record(now=timezone.now() + datetime.timedelta(days=1))
    hashes = list(Event.objects.order_by("seq").values_list("hash", flat=True))
    call_command("migrate", "moderation", "0039", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason, hash FROM moderation_event ORDER BY seq")
        old = cursor.fetchall()
    assert [digest for _reason, digest in old] != hashes
    call_command("migrate", "moderation", verbosity=0)
    assert list(Event.objects.order_by("seq").values_list("hash", flat=True)) == (
        hashes
    )
    assert AuditAnchor.objects.get().hash == anchor.hash
    assert "Audit trail intact" in verify("--expect", f"{anchor.seq}:{anchor.hash}")
