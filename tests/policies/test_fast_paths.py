"""The matcher's fast paths give exactly what the plain code they replaced gave.

Each reference below is the earlier implementation, kept verbatim: squeezing
runs of letters with byte arithmetic against the loop over doubled letters,
folding Latin-1 as bytes against folding char by char, counting stop words in
one pass against two, splitting a skeleton once per text against once per
grammar anchor, and skipping expressions that lack a required character.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies import detectors, grammar, regexfactors, textnorm
from policies.matcher import STOP_WORDS, Matcher, PatternSpec, RuleSpec, _Words
from policies.matcher import detect_language as fast_detect_language


def reference_fold(text):
    """``textnorm._fold`` before Latin-1 texts were folded as bytes."""
    if "<" in text and textnorm._TAG.search(text) is not None:
        return textnorm._fold_slowly(text)
    folded = (
        text
        if text.isascii()
        else textnorm._NON_ASCII.sub(textnorm._fold_non_ascii, text)
    )
    folded = folded.translate(textnorm._ASCII)
    if textnorm._SLOW in folded:
        return textnorm._fold_slowly(text)
    return folded, None


def reference_detect_language(skeleton):
    """``matcher.detect_language`` before it counted in one pass."""
    tokens = skeleton.split()
    scores = {
        language: sum(map(STOP_WORDS[language].__contains__, tokens))
        for language in ("fr", "en")
    }
    if scores["fr"] > scores["en"]:
        return "fr"
    if scores["en"] > scores["fr"]:
        return "en"
    return None


class ReferenceWords:
    """``matcher._Words`` before it split a whole skeleton once per text."""

    def __init__(self, skeleton, begin=0, end=None):
        self.texts, self.spans, self.index, self.index_end = [], [], {}, {}
        length = len(skeleton) if end is None else min(end, len(skeleton))
        position = 0 if begin <= 0 else skeleton.rfind(" ", 0, begin) + 1
        if end is not None and length < len(skeleton):
            found = skeleton.find(" ", length)
            length = len(skeleton) if found < 0 else found
        while position < length:
            if skeleton[position] == " ":
                position += 1
                continue
            end = skeleton.find(" ", position)
            end = length if end < 0 else end
            self.index[position] = len(self.texts)
            self.index_end[end] = len(self.texts)
            self.texts.append(skeleton[position:end])
            self.spans.append((position, end))
            position = end


# Any text: ASCII, accents, Latin-1 signs, emoji, other scripts, markup,
# invisible characters, NUL, and runs of letters, spaces and digits.
any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aabbcoonn  ..!!00$@|'’-<>&;#\x00\t\n")),
        st.sampled_from(list("éèàçôÉœßæ«»¼\u00ad\u00a0ÿ")),
        st.sampled_from(["😀", "🔥", "с", "е", "ο", "ﬁ", "\u200b", "\u0301", "中"]),
        st.characters(),
    ),
    max_size=80,
)
words = st.lists(
    st.sampled_from(["a", "aa", "aaa", "con", "connard", "tuer", "l", "ss", "b"]),
    max_size=40,
)


@settings(max_examples=1000, deadline=None)
@given(any_text)
def test_squeezing_runs_gives_what_the_loop_over_doubled_letters_gave(text):
    assert textnorm._squeeze(text) == textnorm._collapse(text)[0]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(list(" abz019@$|\x00\x01.\t\x7f")), max_size=400).map(
        "".join
    )
)
def test_squeezing_long_skeleton_like_texts(text):
    assert textnorm._squeeze(text) == textnorm._collapse(text)[0]


@settings(max_examples=1000, deadline=None)
@given(any_text)
def test_folding_gives_what_folding_char_by_char_gave(text):
    assert textnorm._fold(text) == reference_fold(text)


def reference_normalize(text):
    """``textnorm.normalize`` before: ``(skeleton, groups, origin)``."""
    folded, origin = reference_fold(text)
    if not folded.isascii():
        folded = textnorm._STRAY.sub(" ", folded)
    first = textnorm._LEET_ANY.search(folded)
    if first is not None:
        if textnorm._LEET_GATE.search(folded, max(0, first.start() - 1)):
            folded = textnorm._LEET_TOKEN.sub(textnorm._unleet, folded)
        folded = folded.translate(textnorm._LEFTOVER)
    collapsed, groups = textnorm._collapse(folded)
    return " " + collapsed + " ", groups, origin


@settings(max_examples=1000, deadline=None)
@given(any_text)
def test_a_normalised_text_keeps_its_skeleton_runs_and_offsets(text):
    normalized = textnorm.normalize(text)
    skeleton, groups, origin = reference_normalize(text)
    assert normalized.text == skeleton
    assert normalized.groups == groups
    assert normalized._origin == origin


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            sorted(STOP_WORDS["fr"] | STOP_WORDS["en"])
            + ["xyz", "bonjour", "hello", "i", "a"]
        ),
        max_size=60,
    )
)
def test_the_language_is_told_as_by_counting_each_language_apart(tokens):
    skeleton = " " + " ".join(tokens) + " "
    assert fast_detect_language(skeleton) == reference_detect_language(skeleton)


@settings(max_examples=500, deadline=None)
@given(words, st.booleans(), st.booleans(), st.integers(0, 40), st.integers(0, 40))
def test_a_window_holds_the_words_the_grammar_saw_before(
    tokens, lead, trail, anchor, reach
):
    skeleton = " " * (1 + lead) + " ".join(tokens) + " " * (1 + trail)
    whole = _Words(skeleton)
    reference = ReferenceWords(skeleton)
    assert whole.texts == reference.texts
    assert list(zip(whole.starts, whole.ends, strict=True)) == reference.spans
    assert {p: whole.starting(p) for p in whole.starts} == reference.index
    assert {p: whole.ending(p) for p in whole.ends} == reference.index_end
    if not whole.texts:
        return
    # Around an anchor word, as the matcher asks: ``reach`` characters each side.
    start, stop = reference.spans[anchor % len(reference.spans)]
    window = ReferenceWords(skeleton, start - reach, stop + reach)
    low, high = whole.window(start - reach, stop + reach)
    assert whole.texts[low:high] == window.texts
    assert list(zip(whole.starts, whole.ends, strict=True))[low:high] == window.spans


@pytest.mark.parametrize(
    ("source", "characters"),
    [
        (r"\d+\s?\$\s?(?:par|/)\s?(?:jour|semaine)", {"$"}),
        (r"\$\s?\d+\s?(?:per|a|/)\s?(?:day|week)", {"$"}),
        (r"(?:https?://)+x", {":", "/"}),
        (r"https?://", {":", "/"}),
        (r"(?:a|\$)b", set()),  # in an alternative only
        (r"(?:\$)?b", set()),  # optional
        (r"\bkill\b", set()),  # letters have case
        (r"[[:digit:]]+\$", set()),  # RE2 reads this otherwise than Python
        (r"\p{L}\$", set()),  # not Python syntax
    ],
)
def test_required_characters(source, characters):
    assert regexfactors.required_characters(source) == characters


def test_a_posix_class_is_not_read_as_literal_text():
    # Python reads "]bc" after a set; RE2 runs "[[:alpha:]]" then "bc".
    assert regexfactors.required_factors(r"[[:alpha:]]bc") is None
    matcher = Matcher(
        [RuleSpec("r", "spam", "low", (PatternSpec("regex", r"[[:alpha:]]bc"),))]
    )
    assert [m.excerpt for m in matcher.classify("xbc").matches] == ["xbc"]


def test_an_expression_missing_its_dollar_sign_is_not_run_and_found_with_it():
    matcher = Matcher(
        [
            RuleSpec(
                "spam",
                "spam",
                "low",
                (PatternSpec("regex", r"\d+\s?\$\s?(?:par|/)\s?(?:jour|semaine)"),),
            )
        ]
    )
    runs = []
    compiled = matcher._regexes[0][3]
    spans = compiled.spans
    compiled.spans = lambda text: runs.append(text) or spans(text)
    assert not matcher.classify("50 par jour depuis trois semaines").matches
    assert runs == []
    found = matcher.classify("gagnez 500$ par jour !").matches
    assert [m.excerpt for m in found] == ["500$ par jour"]
    assert len(runs) == 1


def test_latin1_has_no_decimal_digit_but_ascii_ones():
    # What ``detectors._has_digit`` relies on to skip number detection.
    assert [chr(c) for c in range(256) if chr(c).isdecimal()] == list("0123456789")
    assert not detectors._has_digit("déçu du service, merci ²³ ½")
    assert detectors._has_digit("appelez le 514")
    assert detectors._has_digit("٣ emoji 😀")  # beyond Latin-1: the regex decides


def reference_last_sentence_end(text):
    """``grammar._last_sentence_end`` before: a loop over every sentence end."""
    last = -1
    for match in re.finditer(r"[.!?\n]", text):
        last = match.start()
    return last + 1


@settings(max_examples=500, deadline=None)
@given(any_text)
def test_the_sentence_is_cut_where_it_was(text):
    assert grammar._last_sentence_end(text) == reference_last_sentence_end(text)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["il", "a", "dit", "said", "he", "song", "ma", "x", "écrit"]),
        max_size=12,
    ).map(" ".join)
)
def test_reporting_cues_are_found_as_by_looking_for_each_in_turn(sentence):
    skeleton = textnorm.normalize(sentence).text
    expected = any(cue in skeleton for cue in grammar._REPORTING)
    text = sentence + " je vais te tuer"
    assert grammar.reported(text, len(sentence) + 1) == expected
