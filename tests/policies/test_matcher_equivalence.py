"""The default rulebook gives, on every corpus sentence and on thousands of
disguised variants of them, exactly the matches recorded before the matcher was
made faster: same rules, patterns, spans, excerpts, confidences and slots.

``matcher_expected.json`` was written by the unoptimised matcher; when a change
to the rulebook or the matcher is meant to change results, record again with
``.venv/bin/python tests/policies/test_matcher_equivalence.py --record`` and
review the diff.
"""

import hashlib
import json
import os
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "data" / "matcher_expected.json"

if __name__ == "__main__":  # recording: Django set up by hand
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()

sys.path.insert(0, str(ROOT / "benchmarks"))

import quality  # noqa: E402

from policies.framework.specs import framework_specs  # noqa: E402
from policies.matcher import Matcher  # noqa: E402

LEET = {"o": "0", "e": "3", "a": "@", "s": "$", "i": "1", "t": "7"}
LOOKALIKE = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і"}
EXTRAS = (
    "😡",
    "!!!",
    "...",
    " — ",
    "&amp;",
    "&eacute;",
    "\u200b",
    "\u00ad",
    "« ",
    " »",
    '"',
    "$50 per day",
    "50 $ par jour",
    "www.example.com",
    "écrivez à test@example.com",
    "514 555 0199",
)


def _disguise(text, rng):
    """Return ``text`` written the way people dodge filters, chosen by ``rng``."""
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(words))
        word = words[index]
        if not word:
            continue
        trick = rng.randrange(10)
        position = rng.randrange(len(word))
        letter = word[position]
        if trick == 0:
            word = word.upper()
        elif trick == 1:
            word = word[:position] + letter * rng.randint(2, 6) + word[position:]
        elif trick == 2:
            word = "".join(LEET.get(c, c) if rng.random() < 0.5 else c for c in word)
        elif trick == 3:
            word = "".join(LOOKALIKE.get(c, c) for c in word)
        elif trick == 4:
            word = f"<b>{word[:position]}</b>{word[position:]}"
        elif trick == 5:
            word = word[:position] + rng.choice("\u200b\u00ad.-*") + word[position:]
        elif trick == 6:
            word = unicodedata.normalize("NFD", word)
        elif trick == 7:
            word = word.replace("'", "’")
        elif trick == 8:
            word = f"{word} {rng.choice(EXTRAS)}"
        else:
            word = f"{rng.choice(EXTRAS)}{word}"
        words[index] = word
    return " ".join(words)


def cases():
    """Return ``[(text, language or None)]``: the corpus, told and untold its
    language, disguised variants of it, pairs of sentences, and the speed
    benchmark's comments."""
    corpus = quality.load_corpus()
    rng = random.Random(21)
    found = [(text, language) for language, _labels, text in corpus]
    found += [(text, None) for _language, _labels, text in corpus]
    for _round in range(2):
        found += [(_disguise(text, rng), None) for _lang, _labels, text in corpus]
    for _ in range(500):
        (_l1, _a, first), (_l2, _b, second) = rng.sample(corpus, 2)
        joiner = rng.choice((". ", " ", ' "', " « ", ", il a dit : ", " he said "))
        found.append((first + joiner + second, None))
    found += [(text, None) for text in quality.speed_texts(corpus)]
    return found


def outcome(matcher, text, language, patterns):
    """Return what ``classify`` says of ``text``, each pattern by its number in
    ``patterns`` (grammar patterns are long), which it extends."""
    result = matcher.classify(text, language=language)
    found = []
    for m in result.matches:
        number = patterns.setdefault(m.pattern, len(patterns))
        slots = [list(slot) for slot in m.slots]
        found.append(
            [m.rule, m.category, m.severity, number, m.kind, m.start, m.end]
            + [m.excerpt, m.confidence, slots]
        )
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return [digest, language, result.language, found]


def outcomes():
    matcher, patterns = Matcher(framework_specs()), {}
    found = [outcome(matcher, text, lang, patterns) for text, lang in cases()]
    return {"patterns": list(patterns), "cases": found}


def test_matches_are_those_recorded_before_the_matcher_was_made_faster():
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    actual = outcomes()
    assert actual["patterns"] == expected["patterns"]
    assert len(actual["cases"]) == len(expected["cases"])
    differences = [
        (got, want)
        for got, want in zip(actual["cases"], expected["cases"], strict=True)
        if got != want
    ]
    assert not differences, differences[:5]
    # The comparison means something: the cases flag a good share of texts, in
    # every category, with grammar slots and every confidence.
    matches = [m for *_case, found in expected["cases"] for m in found]
    assert len(matches) > 5000
    assert {m[1] for m in matches} >= set(quality.CATEGORIES)
    assert {m[4] for m in matches} >= {"keyword", "phrase", "grammar", "regex"}
    assert {m[8] for m in matches} == {"high", "medium", "low"}
    assert any(m[9] for m in matches)


if __name__ == "__main__" and "--record" in sys.argv:
    recorded = outcomes()
    patterns = json.dumps(recorded["patterns"], ensure_ascii=False)
    cases = ",\n".join(json.dumps(c, ensure_ascii=False) for c in recorded["cases"])
    EXPECTED.write_text(
        '{"patterns": ' + patterns + ',\n"cases": [\n' + cases + "\n]}\n",
        encoding="utf-8",
    )
    print(f"recorded {EXPECTED}")
