"""The default program follows the published rulebook: a lesson per rule, the
procedures and notices, a bilingual bank of at least 40 questions."""

import re

import pytest

from policies.models import PolicyVersion, Rule
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_publish,
)
from staffing.models import Accreditation
from training.content import french
from training.models import Choice, Lesson, Question
from training.services import program_sync

pytestmark = pytest.mark.django_db


def test_a_lesson_per_rule_plus_procedures_and_notices(program):
    rules = Rule.objects.filter(version=PolicyVersion.objects.current())
    lessons = Lesson.objects.filter(program=program)
    assert set(lessons.filter(kind="rule").values_list("rule_slug", flat=True)) == set(
        rules.values_list("slug", flat=True)
    )
    assert set(lessons.filter(kind="procedure").values_list("slug", flat=True)) == {
        "procedure-delegation",
        "procedure-approval",
        "procedure-weekend-coverage",
    }
    assert set(lessons.filter(kind="notice").values_list("slug", flat=True)) == {
        "notice-disclaimer",
        "notice-privacy",
        "notice-netiquette",
    }
    denigration = lessons.get(rule_slug="denigration")
    rule = rules.get(slug="denigration")
    assert french(rule.description_fr) in denigration.body_fr
    assert rule.guidance_en in denigration.body_en
    # What it catches, and the look-alikes its exceptions let through.
    assert "Look-alikes it does not catch" in denigration.body_en
    assert "`Au pire, je repasserai demain.`" in denigration.body_fr
    defamation = lessons.get(rule_slug="defamation")
    for reference in rules.get(slug="defamation").legal_references.all():
        assert french(reference.title_fr) in defamation.body_fr


def test_the_default_bank_covers_every_rule_and_topic(program):
    questions = Question.objects.filter(program=program).prefetch_related("choices")
    assert questions.count() >= 40
    rule_slugs = set(
        Rule.objects.filter(version=PolicyVersion.objects.current()).values_list(
            "slug", flat=True
        )
    )
    assert rule_slugs <= set(questions.values_list("rule_slug", flat=True))
    topics = set(questions.values_list("topic", flat=True))
    assert {"ties", "personal_data", "escalation", "procedure", "rule"} <= topics
    assert {"scenario", "knowledge"} == set(questions.values_list("kind", flat=True))
    for question in questions:
        choices = list(question.choices.all())
        assert sum(c.correct for c in choices) == 1, question.slug
        assert len(choices) >= 3
        for text in [question.prompt_fr, question.prompt_en] + [
            c.text_fr for c in choices
        ]:
            assert text.strip()
        assert question.explanation_fr and question.explanation_en


def _french_faults(text):
    """Return the places where ``text`` is not set as French prints it."""
    prose = re.sub(r"`[^`]*`|https?://\S+|\]\([^)]*\)", "", text)
    return re.findall(r".{0,20}(?:\w'\w|[^\s\u00a0][:;?!]\B| [:;?!»]|« ).{0,5}", prose)


def test_french_texts_use_the_apostrophe_and_spaces_french_prints(program):
    texts = [
        text
        for lesson in Lesson.objects.filter(program=program)
        for text in (lesson.title_fr, lesson.body_fr)
    ]
    texts += [
        text
        for question in Question.objects.filter(program=program)
        for text in (question.prompt_fr, question.explanation_fr)
    ]
    texts += list(
        Choice.objects.filter(question__program=program).values_list(
            "text_fr", flat=True
        )
    )
    faults = [fault for text in texts for fault in _french_faults(text)]
    assert faults == []
    assert sum("\u2019" in text for text in texts) > 50
    # Quoted comments stay as the public wrote them.
    assert french("l'avis `c'est nul` : oui") == "l\u2019avis `c'est nul`\u00a0: oui"


def test_sync_is_idempotent_and_keeps_edits_to_the_bank(program):
    question = Question.objects.get(program=program, slug="ties-register")
    question.prompt_en = "Edited by a manager"
    question.save()
    Lesson.objects.filter(program=program, slug="procedure-approval").update(
        generated=False, body_en="Our own text"
    )
    count = Question.objects.count()
    assert program_sync() == []
    assert Question.objects.count() == count
    question.refresh_from_db()
    assert question.prompt_en == "Edited by a manager"
    assert Lesson.objects.get(slug="procedure-approval").body_en == "Our own text"


def test_a_new_version_marks_the_lessons_it_changed(
    program, manager, responder, django_capture_on_commit_callbacks
):
    from staffing.services.grants import accreditation_grant

    accreditation_grant(actor=manager, responder=responder, program=program)
    draft = policy_version_create_draft(actor=manager, note="clearer threats")
    threat = Rule.objects.get(version=draft, slug="threats")
    threat.guidance_en = "Escalate at once, and call 911 when life is at risk."
    threat.save()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    changed = Lesson.objects.filter(program=program, changed_in_version=draft.number)
    assert list(changed.values_list("slug", flat=True)) == ["rule-threats"]
    assert "call 911" in changed.get().body_en
    assert Accreditation.objects.filter(responder=responder).exists()


def test_accredited_responders_are_asked_to_read_the_changed_lessons(
    program, personas, client, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.urls import reverse

    from core.roles import Role
    from staffing.services.grants import accreditation_grant, accreditation_revoke
    from tests.conftest import make_user

    manager = personas["manager"]
    english, french = personas["responder"], make_user("second", [Role.RESPONDER])
    english.language = "en"
    english.save()
    former = make_user("former", [Role.RESPONDER])
    for person in (english, french, former):
        accreditation_grant(actor=manager, responder=person, program=program)
    revoked = Accreditation.objects.get(responder=former)
    accreditation_revoke(actor=manager, accreditation=revoked)
    draft = policy_version_create_draft(actor=manager, note="clearer rules")
    for slug, text in (("threats", "Call 911 when life is at risk."),
                       ("sexual-content", "Hide it at once.")):  # fmt: skip
        rule = Rule.objects.get(version=draft, slug=slug)
        rule.guidance_en = rule.guidance_fr = text
        rule.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    changed = Lesson.objects.filter(program=program, changed_in_version=draft.number)
    assert changed.count() == 2
    # One e-mail per language; neither the revoked nor the unaccredited get one.
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {(english.email,), (french.email,)}
    in_english = by_recipient[(english.email,)]
    in_french = by_recipient[(french.email,)]
    assert f"version {draft.number}: 2 lessons to read again" in in_english.subject
    assert f"Version {draft.number} du règlement\u00a0: 2 leçons à" in in_french.subject
    for lesson in changed:
        path = reverse("training:lesson", args=[lesson.pk])
        assert f"{lesson.title_en}: {path}" in in_english.body
        assert f"{lesson.title_fr}\u00a0: {path}" in in_french.body
    assert reverse("training:mine") in in_english.body
    # My training marks them to read, until they are read again.
    client.force_login(english)
    page = client.get(reverse("training:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count(f"to read (version {draft.number})") == 2
    client.get(reverse("training:lesson", args=[changed.first().pk]))
    page = client.get(reverse("training:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count(f"to read (version {draft.number})") == 1
    # A publication that changes no lesson writes no e-mail.
    mail.outbox.clear()
    assert program_sync() == []
    assert mail.outbox == []


def test_a_typography_only_rewrite_marks_nothing_and_sends_no_mail(
    program, personas, django_capture_on_commit_callbacks
):
    """An install whose lessons were written before the texts took the
    typographic apostrophe and French spaces: the next sync rewrites them,
    but nobody is told to read anything again."""
    from django.core import mail

    from staffing.services.grants import accreditation_grant

    accreditation_grant(
        actor=personas["manager"], responder=personas["responder"], program=program
    )
    lessons = Lesson.objects.filter(program=program, generated=True)
    typographic = {lesson.pk: lesson.body_fr for lesson in lessons}
    assert any("\u2019" in body for body in typographic.values())
    before = {}
    for lesson in lessons:
        for field in ("title_fr", "title_en", "body_fr", "body_en"):
            old = getattr(lesson, field).replace("\u2019", "'")
            old = old.replace("\u00a0", " ").replace("\u202f", " ")
            setattr(lesson, field, old)
        lesson.save()
        before[lesson.pk] = (lesson.changed_at, lesson.changed_in_version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert program_sync() == []
    assert mail.outbox == []
    for lesson in Lesson.objects.filter(program=program, generated=True):
        assert (lesson.changed_at, lesson.changed_in_version) == before[lesson.pk]
        # The new typography is written all the same.
        assert lesson.body_fr == typographic[lesson.pk]
