"""Bad rulebook input gets a field error: patterns, notices, disclosures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from policies.markdown import disallowed_html, render
from policies.models import Disclosure, Notice, Pattern, validate_expression

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("kind", "expression"),
    [
        ("keyword", "crétin"),
        ("keyword", "pot-de-vin"),
        ("keyword", "aujourd'hui"),
        ("phrase", "je vais te tuer"),
        ("phrase", "n'achetez pas"),
        ("wildcard", "escroc*"),
        ("regex", r"\bkill\s+you\b"),
        # Harmless on a linear-time engine, so accepted as written.
        ("regex", r"(x+x+)+y"),
        ("regex", r"(b|bb)+c"),
        ("regex", r"(é+)+$"),
        ("regex", r"((ab)*)*c"),
        ("regex", r"(\p{L}+\s?)+9"),
        ("detector", "iban"),
        ("detector", "sin"),
    ],
)
def test_valid_expressions(kind, expression):
    assert validate_expression(kind, expression) is None


@pytest.mark.parametrize(
    ("kind", "expression", "message"),
    [
        ("keyword", "", "cannot be empty"),
        ("keyword", "   ", "cannot be empty"),
        ("keyword", "two words", "one word"),
        ("keyword", "<script>", "one word"),
        ("phrase", "alone", "at least two words"),
        ("wildcard", "es*", "at least three letters"),
        ("wildcard", "escroc", "followed by *"),
        ("wildcard", "es*croc*", "followed by *"),
        ("regex", "(unclosed", "Invalid regular expression"),
        ("regex", "a*", "matches empty text"),
        ("regex", "x|", "matches empty text"),
        ("regex", "()", "matches empty text"),
        ("regex", r"(?=kill)\w+", "cannot run on the matching engine"),
        ("regex", r"(a)\1", "cannot run on the matching engine"),
        ("regex", r"a++b", "cannot run on the matching engine"),
        ("regex", r"[\W\d]", "cannot run on the matching engine"),
        ("regex", r"(?:a{1000}){1000}", "cannot run on the matching engine"),
        ("detector", "passport", "Unknown detector"),
        ("nonsense", "x", "Unknown pattern kind"),
    ],
)
def test_invalid_expressions_are_explained(kind, expression, message):
    error = validate_expression(kind, expression)
    assert error is not None
    assert message in str(error)


def test_pattern_clean_reports_the_expression_field():
    pattern = Pattern(kind="regex", expression="[a-")
    with pytest.raises(ValidationError) as info:
        pattern.clean()
    assert "expression" in info.value.message_dict


def test_markdown_is_sanitised_on_render():
    html = render(
        "**ok** <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1)) [site](https://example.org)"
    )
    assert "<strong>ok</strong>" in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_notice_with_disallowed_html_gets_a_field_error():
    notice = Notice(
        kind="netiquette",
        language="fr",
        title="Nétiquette",
        body="Bonjour <iframe src=https://evil.example></iframe>",
    )
    with pytest.raises(ValidationError) as info:
        notice.clean()
    assert "<iframe>" in info.value.message_dict["body"][0]
    assert disallowed_html("# Titre\n\n- **gras**\n- [lien](https://x.org)") == []


def test_disclosure_end_before_start_gets_a_field_error():
    disclosure = Disclosure(
        party="Dr. Tremblay",
        kind="paid_expert",
        statement_fr="x",
        statement_en="x",
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as info:
        disclosure.clean()
    assert "ends_on" in info.value.message_dict


@pytest.mark.django_db
def test_the_database_refuses_a_disclosure_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            party="X",
            kind="employee",
            statement_fr="x",
            statement_en="x",
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )


@pytest.mark.django_db
def test_handles_are_stored_without_at_sign_and_case():
    disclosure = Disclosure.objects.create(
        party="X", kind="employee", statement_fr="x", statement_en="x",
        starts_on=datetime.date(2026, 1, 1),
    )  # fmt: skip
    handle = disclosure.handles.create(platform="x", handle="  @Marie_Tremblay ")
    assert handle.handle == "marie_tremblay"
