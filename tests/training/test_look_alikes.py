"""The look-alikes a rule's lesson lists are example comments, each one let
through by the rule's exceptions, checked with the real matcher; never the
exceptions' expressions."""

import pytest

from policies import grammar
from policies.classify import build_matcher, rule_specs
from policies.matcher import Matcher
from policies.models import PolicyVersion, Rule
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_publish,
)
from training.models import Lesson
from training.services import program_sync

pytestmark = pytest.mark.django_db

# For each rule with exceptions, a comment close to its look-alikes that the
# rule does catch: the exceptions spare a use of the word, not the word.
CLOSE_CAUGHT = {
    "offensive-content": {
        "fr": "Putain de service, vous êtes des connards !",
        "en": "You are fucking useless, all of you.",
    },
    "denigration": {
        "fr": "C'est le pire service que j'ai connu.",
        "en": "Worst service I have ever had.",
    },
}


def _rules():
    return Rule.objects.filter(version=PolicyVersion.objects.current())


def _caught(matcher, text, language):
    return [m.pattern for m in matcher.classify(text, language=language).matches]


def _without_exceptions(spec, kept=()):
    from dataclasses import replace

    return Matcher([replace(spec, exceptions=tuple(kept))])


def test_every_look_alike_is_let_through_by_an_exception_of_its_rule(framework):
    checked = 0
    for rule in _rules().exclude(exceptions=""):
        matcher = build_matcher(rules=Rule.objects.filter(pk=rule.pk))
        (spec,) = rule_specs(rule.version, rules=Rule.objects.filter(pk=rule.pk))
        bare = _without_exceptions(spec)
        for language in ("fr", "en"):
            examples = rule.exception_example_list(language)
            assert examples, (rule.slug, language)
            for text in examples:
                # The rule does not catch it...
                assert _caught(matcher, text, language) == [], (rule.slug, text)
                # ...because of its exceptions: without them it would.
                assert _caught(bare, text, language), (rule.slug, text)
                checked += 1
            close = CLOSE_CAUGHT[rule.slug][language]
            assert _caught(matcher, close, language), (rule.slug, close)
    assert checked >= 8


def test_every_exception_that_spares_anything_has_an_example(framework):
    """An exception line that keeps one of its own forms from being caught
    needs an example comment that this line alone lets through."""
    for rule in _rules().exclude(exceptions=""):
        (spec,) = rule_specs(rule.version, rules=Rule.objects.filter(pk=rule.pk))
        bare = _without_exceptions(spec)
        examples = [
            (language, text)
            for language in ("fr", "en")
            for text in rule.exception_example_list(language)
        ]
        for line in spec.exceptions:
            forms = [text for text, _slots in grammar.expand(line)]
            if not any(bare.classify(form).matches for form in forms):
                continue  # none of its words is one the rule lists
            alone = _without_exceptions(spec, kept=[line])
            assert any(
                _caught(bare, text, language) and not _caught(alone, text, language)
                for language, text in examples
            ), (rule.slug, line)


def test_the_lesson_lists_the_examples_not_the_expressions(program):
    for slug in CLOSE_CAUGHT:
        rule = _rules().get(slug=slug)
        lesson = Lesson.objects.get(program=program, rule_slug=slug)
        for language in ("fr", "en"):
            body = getattr(lesson, f"body_{language}")
            for text in rule.exception_example_list(language):
                assert f"`{text}`" in body
            for line in rule.exception_list:
                assert f"`{line}`" not in body
    offensive = Lesson.objects.get(program=program, rule_slug="offensive-content")
    assert "(fucking|" not in offensive.body_en
    assert "(putain|merde)" not in offensive.body_fr
    assert "`This is fucking great, thank you!`" in offensive.body_en
    assert (
        "`Au pire, je repasserai demain.`"
        in Lesson.objects.get(program=program, rule_slug="denigration").body_fr
    )


def test_exceptions_without_examples_show_no_expression(
    program, manager, django_capture_on_commit_callbacks
):
    draft = policy_version_create_draft(actor=manager)
    rule = Rule.objects.get(version=draft, slug="offensive-content")
    rule.exception_examples_fr = rule.exception_examples_en = ""
    rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    lesson = Lesson.objects.get(program=program, rule_slug="offensive-content")
    for body in (lesson.body_fr, lesson.body_en):
        assert "(fucking|" not in body
        assert "(putain|merde)" not in body
        assert "`the shit`" not in body
    assert "calls for your judgement" in lesson.body_en
    assert "demande votre jugement" in lesson.body_fr


def test_a_manager_edits_the_examples_and_the_new_version_publishes_them(
    program, manager, django_capture_on_commit_callbacks
):
    draft = policy_version_create_draft(actor=manager)
    rule = Rule.objects.get(version=draft, slug="denigration")
    rule.exception_examples_en = "Worst case, I'll write again tomorrow."
    rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    changed = Lesson.objects.filter(program=program, changed_in_version=draft.number)
    assert list(changed.values_list("rule_slug", flat=True)) == ["denigration"]
    assert program_sync() == []
    lesson = Lesson.objects.get(program=program, rule_slug="denigration")
    assert "`Worst case, I'll write again tomorrow.`" in lesson.body_en
    assert "`Worst case, I'll call again on Monday.`" not in lesson.body_en
