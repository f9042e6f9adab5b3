"""The published rulebook at work: the classify API, command, admin page and cache."""

import datetime
import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from policies import classify
from policies.models import Disclosure, Pattern, PolicyVersion, Rule
from policies.services.rulebook import (
    policy_version_create_draft,
    policy_version_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    classify._cache.clear()
    yield
    classify._cache.clear()


# The default lexicon, as seeded: a few sentences a communicator would see.
DEFAULT_CASES = [
    ("Vous êtes une bande d'incompétents", {"denigration"}),
    ("Au pire, j'essaierai ailleurs", set()),
    ("Espèce de crétin", {"offensive-content"}),
    ("Vous êtes des escrocs et des menteurs", {"defamation"}),
    ("Je sais où vous habitez, vous allez payer", {"threats"}),
    ("I know where you live", {"threats"}),
    ("Click here for free money", {"commercial-solicitation"}),
    ("Visitez https://promo.example.com maintenant", {"commercial-solicitation"}),
    (
        "Son adresse personnelle est 12 rue X, appelez-la au 514-555-0199",
        {"employee-information"},
    ),
    (
        "Ma carte 4111 1111 1111 1111 a été débitée deux fois",
        {"confidential-information"},
    ),
    ("Il a un cancer, c'est dans son dossier médical", {"confidential-information"}),
    ("Lien de téléchargement illégal du film complet", {"copyright-violation"}),
    ("Vente de drogue et faux papiers", {"illegal-activity"}),
    ("Il publie des photos nues", {"sexual-content"}),
    ("Merci pour votre réponse rapide, tout est réglé", set()),
    ("Thank you, the delivery arrived on time", set()),
    ("what a con", set()),
    ("Le contrat du député habite la technique de calcul", set()),
]


@pytest.mark.parametrize(("text", "rules"), DEFAULT_CASES)
def test_default_lexicon(framework, text, rules):
    result = classify.classify_text(text=text)
    assert result.policy_version == 1
    assert {m.rule for m in result.matches} == rules


@pytest.fixture
def reader(api_client, framework, personas):
    api_client.force_authenticate(personas["api_reader"])
    return api_client


def test_classify_api(reader):
    response = reader.post(
        "/api/v1/classify/",
        {"text": "Espèce de CRÉTIN, je vais te tuer"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["policy_version"] == 1
    assert body["language"] == "fr"
    # "Espèce de CRÉTIN" is aimed at someone: a grammar's match, with its slots.
    assert [(m["rule"], m["excerpt"]) for m in body["matches"]] == [
        ("offensive-content", "Espèce de CRÉTIN"),
        ("threats", "je vais te tuer"),
    ]
    first = body["matches"][0]
    assert set(first) == {
        "rule", "category", "severity", "pattern", "start", "end", "excerpt",
        "confidence", "slots",
    }  # fmt: skip
    assert (first["start"], first["end"]) == (0, 16)
    assert first["category"] == "offensive"
    assert first["severity"] == "medium"
    assert first["confidence"] == "high"
    assert first["slots"] == [
        {"name": "whom", "start": 0, "end": 9, "text": "Espèce de"},
        {"name": "insult", "start": 10, "end": 16, "text": "CRÉTIN"},
    ]


def test_classify_api_language_scoping(reader):
    english = reader.post(
        "/api/v1/classify/", {"text": "con", "language": "en"}, format="json"
    ).json()
    assert english["language"] == "en"
    assert english["matches"] == []


def test_classify_api_ties(reader):
    disclosure = Disclosure.objects.create(
        party="Dr Tremblay", kind="paid_expert", statement_fr="x", statement_en="x",
        starts_on=datetime.date.today(), published=True,
    )  # fmt: skip
    disclosure.handles.create(platform="x", handle="drtremblay")
    body = reader.post(
        "/api/v1/classify/",
        {"text": "Ce produit est génial", "platform": "x", "author": "@DrTremblay"},
        format="json",
    ).json()
    assert [m["rule"] for m in body["matches"]] == ["undisclosed-tie"]
    disclosed = reader.post(
        "/api/v1/classify/",
        {
            "text": "Ce produit est génial #partenaire",
            "platform": "x",
            "author": "drtremblay",
        },
        format="json",
    ).json()
    assert disclosed["matches"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": "ok", "language": "de"}, "language"),
        ({"text": "ok", "platform": "myspace"}, "platform"),
        ({"text": 42, "author": "x" * 201}, "author"),
    ],
)
def test_classify_api_rejects_bad_input(reader, payload, field):
    response = reader.post("/api/v1/classify/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_classify_api_needs_authentication(api_client, framework):
    assert (
        api_client.post("/api/v1/classify/", {"text": "x"}, format="json").status_code
        == 401
    )


def test_classify_api_before_any_publication(empty_rulebook, api_client, personas):
    api_client.force_authenticate(personas["api_reader"])
    response = api_client.post("/api/v1/classify/", {"text": "x"}, format="json")
    assert response.status_code == 409


def test_a_new_version_replaces_the_compiled_matcher(
    framework, manager, django_capture_on_commit_callbacks
):
    assert classify.classify_text(text="Quel tocard").matches
    draft = policy_version_create_draft(actor=manager)
    draft.rules.get(slug="offensive-content").patterns.filter(
        expression="tocard"
    ).delete()
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    result = classify.classify_text(text="Quel tocard")
    assert result.policy_version == 2
    assert result.matches == []


def test_other_processes_see_a_new_version_after_the_recheck(
    framework, manager, settings
):
    settings.MATCHER_RECHECK_SECONDS = 0
    number, first = classify.current_matcher()
    # Published elsewhere: no signal reaches this process, only the database
    # (the on-commit signal never fires inside the test's transaction).
    draft = policy_version_create_draft(actor=manager)
    policy_version_publish(version=draft, actor=manager)
    number, second = classify.current_matcher()
    assert number == 2
    assert second is not first


def test_the_compiled_matcher_is_reused(
    framework, django_assert_max_num_queries, settings
):
    settings.MATCHER_RECHECK_SECONDS = 60
    classify.classify_text(text="warm up")
    with django_assert_max_num_queries(0):
        for _ in range(10):
            classify.classify_text(text="Espèce de crétin")


def test_disabled_patterns_do_not_match(
    framework, manager, django_capture_on_commit_callbacks
):
    draft = policy_version_create_draft(actor=manager)
    Pattern.objects.filter(rule__version=draft, expression="tocard").update(
        enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft, actor=manager)
    assert classify.classify_text(text="Espèce de tocard").matches == []


def run_classify(monkeypatch, stdin, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("classify", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_classify_command_reads_lines(framework, monkeypatch):
    rows = run_classify(monkeypatch, "Espèce de crétin\nMerci beaucoup\n")
    assert [row["line"] for row in rows] == [1, 2]
    assert rows[0]["matches"][0]["rule"] == "offensive-content"
    assert rows[1]["matches"] == []
    assert rows[0]["policy_version"] == 1


def test_classify_command_reads_csv(framework, monkeypatch):
    stdin = 'id,text,language\nc-1,"what a con",en\nc-2,"Quel con",fr\n'
    rows = run_classify(monkeypatch, stdin, "--csv")
    assert [(row["id"], len(row["matches"])) for row in rows] == [
        ("c-1", 0),
        ("c-2", 1),
    ]


def test_classify_command_refuses_a_csv_without_text(framework, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a,b\n1,2\n"))
    with pytest.raises(CommandError, match="'text' column"):
        call_command("classify", "--csv")


def test_try_it_in_the_admin(client, manager, framework):
    client.force_login(manager)
    rule = Rule.objects.get(version__number=1, slug="threats")
    url = reverse("admin:policies_rule_try", args=[rule.pk])
    change = client.get(reverse("admin:policies_rule_change", args=[rule.pk]))
    assert url in change.text
    response = client.post(url, {"text": "<script>x</script> je vais te tuer, crétin"})
    assert response.status_code == 200
    html = response.text
    # A grammar pattern: the title and the table say which words filled which slot.
    assert (
        '<mark title="threats: who=je vais, whom=te, harm=tuer">je vais te tuer</mark>'
        in html
    )
    assert "<dt>harm</dt><dd>tuer</dd>" in html
    assert response.context["result"].matches[0].confidence == "high"
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    # Only this rule is tried: the insult is not highlighted.
    assert '<mark title="offensive-content' not in html
    version = PolicyVersion.objects.get(number=1)
    whole = client.post(
        reverse("admin:policies_policyversion_try", args=[version.pk]),
        {"text": "je vais te tuer, crétin"},
    )
    assert '<mark title="offensive-content: crétin">crétin</mark>' in whole.text


def test_try_it_names_severities_and_kinds_in_the_page_language(
    client, manager, framework
):
    client.force_login(manager)
    rule = Rule.objects.get(version__number=1, slug="threats")
    url = reverse("admin:policies_rule_try", args=[rule.pk])
    french = client.post(url, {"text": "je vais te tuer"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "<td>Critique</td>" in french.text
    assert "(Grammaire" in french.text or "(Expression" in french.text
    assert "(grammar)" not in french.text and "(phrase)" not in french.text
    assert "<td>critical</td>" not in french.text
    client.cookies["django_language"] = "en"
    english = client.post(url, {"text": "je vais te tuer"})
    assert "<td>Critical</td>" in english.text


def test_try_it_is_for_managers_only(client, personas, framework):
    rule = Rule.objects.get(version__number=1, slug="threats")
    client.force_login(personas["responder"])
    response = client.post(
        reverse("admin:policies_rule_try", args=[rule.pk]), {"text": "x"}
    )
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.usefixtures("english")
def test_a_regex_the_engine_cannot_run_is_refused_when_saved(english):
    # Nested repetition is harmless on a linear-time engine.
    Pattern(kind="regex", expression=r"(a+)+$").clean()
    pattern = Pattern(kind="regex", expression=r"(\w)\1")
    with pytest.raises(Exception, match="cannot run on the matching engine"):
        pattern.clean()
