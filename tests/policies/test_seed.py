"""The default framework: complete in both languages, idempotent, never overwrites."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from policies.framework import rules as framework_rules
from policies.models import (
    AnswerTemplate,
    Category,
    LegalReference,
    Notice,
    Pattern,
    PolicyVersion,
    Rule,
)
from policies.services.seed import framework_seed

pytestmark = pytest.mark.django_db

WORD_CATEGORIES = [
    "offensive",
    "denigration",
    "defamation",
    "sexual",
    "solicitation",
    "threat",
    "illegal",
    "copyright",
    "employee_info",
    "confidential_info",
]


def snapshot():
    """Return every row the seed writes, with its history, for comparison."""
    models = [PolicyVersion, Rule, Pattern, AnswerTemplate, LegalReference, Notice]
    return {
        model.__name__: (
            list(model.objects.order_by("pk").values()),
            model.history.count(),
        )
        for model in models
    }


def test_the_command_loads_everything_once(empty_rulebook, capsys):
    call_command("seed_framework")
    assert "11 rules" in capsys.readouterr().out
    before = snapshot()
    call_command("seed_framework")
    assert capsys.readouterr().out == ""
    assert snapshot() == before


def test_every_category_has_one_rule_complete_in_both_languages(framework):
    rules = Rule.objects.filter(version__number=1)
    assert sorted(rules.values_list("category", flat=True)) == sorted(Category.values)
    for rule in rules:
        for field in ("name", "description", "guidance"):
            for language in ("fr", "en"):
                assert getattr(rule, f"{field}_{language}").strip(), (rule.slug, field)
        assert rule.name_fr != rule.name_en
        assert set(rule.answer_templates.values_list("language", flat=True)) == {
            "fr",
            "en",
        }
        assert rule.legal_references.exists(), rule.slug


def test_answers_with_legal_risk_require_approval(framework):
    for slug in (
        "defamation",
        "threats",
        "illegal-activity",
        "confidential-information",
    ):
        assert Rule.objects.get(version__number=1, slug=slug).requires_approval


@pytest.mark.parametrize("category", WORD_CATEGORIES)
def test_word_categories_have_dozens_of_patterns_in_each_language(framework, category):
    rule = Rule.objects.get(version__number=1, category=category)
    for language in ("fr", "en"):
        words = rule.patterns.filter(
            language=language, kind__in=["keyword", "phrase", "wildcard"]
        ).count()
        assert words >= 12, (category, language, words)


def test_personal_data_detectors_are_in_place(framework):
    detectors = set(
        Pattern.objects.filter(rule__version__number=1, kind="detector").values_list(
            "expression", flat=True
        )
    )
    assert detectors == set(Pattern.Detector.values)


def test_the_seed_refuses_a_pattern_a_manager_could_not_write(
    empty_rulebook, monkeypatch
):
    rules = copy.deepcopy(framework_rules.RULES)
    rules[0]["keywords"] = {**rules[0]["keywords"], "fr": "crétin deux*mots"}
    monkeypatch.setattr(framework_rules, "RULES", rules)
    with pytest.raises(ValidationError) as refused:
        framework_seed()
    assert "expression" in refused.value.message_dict
    # Nothing of the framework is half-loaded.
    for model in (PolicyVersion, Rule, Pattern, LegalReference, Notice):
        assert not model.objects.exists(), model


def test_undisclosed_tie_lists_disclosure_markers(framework):
    rule = Rule.objects.get(version__number=1, category="undisclosed_tie")
    assert {"#ad", "#partenaire", "#employé"} <= set(rule.disclosure_marker_list)


def test_legal_references_cover_the_source_document_and_await_counsel(framework):
    slugs = set(LegalReference.objects.values_list("slug", flat=True))
    assert {
        "qc-consumer-protection-act",
        "qc-youth-protection-act",
        "ca-advertising-standards-code",
        "ca-copyright-act",
        "ca-trademarks-act",
        "qc-civil-code-reputation-privacy",
        "qc-private-sector-privacy-act",
        "womma-code-of-ethics",
        "prsa-code-of-ethics",
    } <= slugs
    assert set(LegalReference.objects.values_list("review_status", flat=True)) == {
        "awaiting_review"
    }
    for reference in LegalReference.objects.all():
        assert reference.title_fr and reference.title_en
        assert reference.summary_fr and reference.summary_en


def test_notices_are_published_for_every_kind_and_language(framework):
    published = set(
        Notice.objects.filter(published=True).values_list("kind", "language")
    )
    for kind in ("disclaimer", "privacy", "netiquette"):
        assert {(kind, "fr"), (kind, "en")} <= published


def test_a_second_run_never_overwrites_what_a_manager_edited(framework):
    notice = Notice.objects.get(kind="netiquette", language="fr")
    notice.body = "Notre propre nétiquette."
    notice.save()
    reference = LegalReference.objects.get(slug="ca-copyright-act")
    reference.summary_en = "Reviewed by our counsel."
    reference.save()
    Notice.objects.filter(kind="privacy", language="en").delete()
    created = framework_seed()
    notice.refresh_from_db()
    reference.refresh_from_db()
    assert notice.body == "Notre propre nétiquette."
    assert reference.summary_en == "Reviewed by our counsel."
    # A notice the manager deleted comes back; nothing else is created.
    assert created == {"legal_references": 0, "notices": 1, "rules": 0, "patterns": 0}
    assert PolicyVersion.objects.count() == 1


def test_bootstrap_loads_the_framework_on_an_empty_database(empty_rulebook):
    call_command("bootstrap")
    assert PolicyVersion.objects.current().number == 1
