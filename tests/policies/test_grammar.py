"""Grammar patterns (words and slots in order) and the default rulebook's
threats, directed insults and fraud accusations written with them."""

import pytest

from policies import grammar
from policies.framework.specs import framework_specs
from policies.matcher import HIGH, LOW, MEDIUM, Matcher, PatternSpec, RuleSpec
from policies.models import Pattern
from policies.models.rules import validate_expression

THREAT = "who:(je vais|j'vais|on va) whom:(te|vous)? harm:(tuer|buter|casser la gueule)"


@pytest.fixture(scope="module")
def small():
    return Matcher(
        [
            RuleSpec(
                "threats",
                "threat",
                "critical",
                patterns=(
                    PatternSpec("grammar", THREAT, "fr"),
                    PatternSpec("keyword", "tuer", "fr"),
                ),
            )
        ]
    )


@pytest.fixture(scope="module")
def rulebook():
    return Matcher(framework_specs())


def test_a_pattern_is_read_slot_by_slot():
    assert grammar.parse(THREAT) == [
        ("who", ("je vais", "j'vais", "on va"), False),
        ("whom", ("te", "vous"), True),
        ("harm", ("tuer", "buter", "casser la gueule"), False),
    ]
    assert len(grammar.expand(THREAT)) == 3 * 3 * 3


@pytest.mark.parametrize(
    "expression",
    ["", "(a|b", "x:(a||b)", "(a)? (b)?", "x:() y", "a ) b"],
)
def test_an_unreadable_pattern_is_refused_with_a_message(expression):
    if expression.strip():
        with pytest.raises(grammar.GrammarError):
            grammar.parse(expression)
    assert validate_expression(Pattern.Kind.GRAMMAR, expression)


def test_a_readable_pattern_is_accepted():
    assert validate_expression(Pattern.Kind.GRAMMAR, THREAT) is None


def test_slots_are_reported_with_their_words_in_the_original_text(small):
    text = "Écoute : J'VAIS te   casser la gueule."
    (match,) = small.classify(text).matches
    assert match.excerpt == "J'VAIS te   casser la gueule"
    assert match.confidence == HIGH
    assert [(name, excerpt) for name, _s, _e, excerpt in match.slots] == [
        ("who", "J'VAIS"),
        ("whom", "te"),
        ("harm", "casser la gueule"),
    ]
    for _name, start, end, excerpt in match.slots:
        assert text[start:end] == excerpt


def test_an_optional_slot_may_be_absent(small):
    (match,) = small.classify("on va buter").matches
    assert [name for name, *_ in match.slots] == ["who", "harm"]


def test_a_grammar_explains_better_than_the_keyword_inside_it(small):
    (match,) = small.classify("je vais te tuer").matches
    assert match.kind == "grammar"


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("je ne vais pas te tuer", MEDIUM),  # the lone keyword only
        ("il m'a dit « je vais te tuer »", LOW),
        ('he wrote "je vais te tuer"', LOW),
        ("mon voisin a dit qu'il allait me tuer", LOW),
    ],
)
def test_negated_quoted_and_reported_threats_are_not_grammar_matches(
    small, text, confidence
):
    matches = small.classify(text, language="fr").matches
    assert [(m.kind, m.confidence) for m in matches] == [("keyword", confidence)]


def test_a_quote_closed_before_the_threat_does_not_hide_it(small):
    (match,) = small.classify("« Bonjour » ; je vais te tuer").matches
    assert match.kind == "grammar"


@pytest.mark.parametrize(
    "text",
    [
        "je vais te tuer",
        "J'vais te câlisser une volée",
        "m'as te casser la yeule",
        "on va mettre le feu à votre magasin",
        "je vais revenir avec mon fusil",
        "tu vas me le payer",
        "je sais où tu habites",
        "I'm going to kill you",
        "I'll burn down your store",
        "I know where your kids go to school",
        "you will pay for this",
        "someone should shoot them",
    ],
)
def test_threats_of_the_default_rulebook(rulebook, text):
    found = [m for m in rulebook.classify(text).matches if m.category == "threat"]
    assert found and found[0].confidence == HIGH and found[0].severity == "critical"
    assert {name for name, *_ in found[0].slots} & {"harm", "who", "whom"}


@pytest.mark.parametrize(
    "text",
    [
        "je ne vais pas te tuer",
        "je vais pas te tuer, calme-toi",
        "I'm not going to hurt you",
        "if I were you I would call them",
        "this heat is going to kill me",
        "you're killing it",
        "il m'a dit « je vais te tuer », j'ai appelé la police",
        'he said "I will kill you" and I called the police',
        "Le magasin est ouvert jusqu'à 21 h",
        "shoot me an email",
    ],
)
def test_what_is_not_a_threat(rulebook, text):
    assert not [m for m in rulebook.classify(text).matches if m.category == "threat"]


@pytest.mark.parametrize(
    "text",
    [
        "you are such an idiot",
        "you're so stupid",
        "t'es un cave",
        "espèce de niaiseux",
        "mon tabarnak",
        "ostie de cave",
        "vous êtes des épais",
    ],
)
def test_directed_insults_are_surer_than_lone_words(rulebook, text):
    found = [m for m in rulebook.classify(text).matches if m.category == "offensive"]
    assert [m.confidence for m in found] == [HIGH]


def test_a_lone_swear_word_is_profanity_of_medium_confidence(rulebook):
    (match,) = rulebook.classify("what an asshole move", language="en").matches
    assert match.confidence == HIGH  # "what an asshole"
    (match,) = rulebook.classify(
        "so many assholes on this thread", language="en"
    ).matches
    assert match.confidence == MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "this is fucking great",
        "fucking awesome service, thanks",
        "holy shit this is good",
        "ostie que c'est bon",
        "c'est tabarnak de bon",
        "câlisse, enfin livré !",
    ],
)
def test_swear_words_as_intensifiers_and_sacres_as_exclamations(rulebook, text):
    assert not [m for m in rulebook.classify(text).matches if m.category == "offensive"]


@pytest.mark.parametrize(
    "text",
    [
        "c'est une arnaque",
        "vous êtes des fraudeurs",
        "vous m'avez arnaqué",
        "it's a scam",
        "bunch of crooks",
        "you guys are scammers",
    ],
)
def test_fraud_accusations_are_defamation(rulebook, text):
    assert "defamation" in {m.category for m in rulebook.classify(text).matches}


@pytest.mark.parametrize(
    "text",
    ["How do I report a scam email?", "Votre équipe antifraude m'a aidé"],
)
def test_talking_about_fraud_is_not_an_accusation(rulebook, text):
    assert "defamation" not in {m.category for m in rulebook.classify(text).matches}


def test_a_grammar_deep_in_a_long_text_is_found_with_its_slots(small):
    text = "Bonjour, " * 200 + "je vais te tuer" + ", merci" * 200
    (match,) = small.classify(text).matches
    assert text[match.start : match.end] == "je vais te tuer"
    assert [excerpt for *_rest, excerpt in match.slots] == ["je vais", "te", "tuer"]


def test_the_anchor_is_the_last_slot_of_uncommon_words():
    compiled = grammar.Compiled(
        "who:(i will|i'll) harm:(kill|hurt) whom:(you|them)",
        common=frozenset({"i", "wil", "you", "them"}),
    )
    assert compiled.anchor == 1  # harm, not "you" found in most comments
    assert grammar.Compiled("a:(x) b:(y)").anchor == 1
