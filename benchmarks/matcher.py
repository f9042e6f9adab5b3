"""Benchmark the matcher against its budgets (run by hand, on one core).

    .venv/bin/python benchmarks/matcher.py [--quick]

Budgets: >= 20,000 comments/s of ~300 characters with 1,000 keyword patterns and
20 regexes, normalisation included; 10,000 patterns at most 2x slower than 100;
>= 10x faster than checking each pattern's regex in turn; >= 100x faster than
better-profanity; compiling 10,000 patterns in under a second.
"""

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from policies.framework.rules import RULES  # noqa: E402
from policies.matcher import Matcher, PatternSpec, RuleSpec  # noqa: E402

CATEGORIES = [
    rule["category"] for rule in RULES if rule["category"] != "undisclosed_tie"
]
FR = (
    "bonjour merci pour votre réponse rapide je suis vraiment déçu du service à la "
    "clientèle depuis trois semaines personne ne me rappelle et la facture est "
    "toujours pas corrigée est-ce que quelqu'un peut regarder mon dossier s'il vous "
    "plaît le produit fonctionne bien mais la livraison était en retard"
).split()
EN = (
    "hello thanks for your quick answer i am really disappointed with customer "
    "service for three weeks nobody calls me back and the invoice is still not "
    "fixed could someone look at my file please the product works well but the "
    "delivery was late again and again"
).split()
SYLLABLES = "ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zi zo".split()  # noqa: E501


def fake_words(count, rng):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))))
    return sorted(words)


def rulebook(keyword_count, regex_count, rng):
    """Return rules with the real lexicon topped up with invented keywords."""
    real = []
    for rule in RULES:
        for language, words in rule.get("keywords", {}).items():
            real += [(rule["category"], language, word) for word in words.split()]
    keywords = real[:keyword_count]
    extra = fake_words(max(0, keyword_count - len(keywords)), rng)
    keywords += [(rng.choice(CATEGORIES), rng.choice(["fr", "en"]), w) for w in extra]
    regexes = [
        r"\$\s?\d+\s?(?:per|a|/)\s?(?:day|week)",
        r"\d+\s?\$\s?(?:par|/)\s?(?:jour|semaine)",
    ] + [rf"\b{w}\d{{2,4}}\b" for w in fake_words(regex_count, rng)]
    regexes = regexes[:regex_count]
    by_category = {}
    for category, language, word in keywords:
        by_category.setdefault(category, []).append(
            PatternSpec("keyword", word, language)
        )
    for index, source in enumerate(regexes):
        by_category.setdefault(CATEGORIES[index % len(CATEGORIES)], []).append(
            PatternSpec("regex", source, "any")
        )
    rules = [
        RuleSpec(slug=category, category=category, severity="medium", patterns=tuple(p))
        for category, p in by_category.items()
    ]
    return rules, keywords, regexes


def comments(count, keywords, rng, length=300):
    """Return ~``length``-character comments, one in five carrying a keyword."""
    texts = []
    for index in range(count):
        vocabulary = FR if index % 2 else EN
        words = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(vocabulary))
        if index % 5 == 0:
            words[rng.randrange(len(words))] = rng.choice(keywords)[2].upper()
        text = " ".join(words)[:length]
        texts.append(text[0].upper() + text[1:] + ".")
    return texts


def rate(function, texts, minimum_seconds=2.0):
    """Return calls per second of ``function`` over ``texts``."""
    done, started = 0, time.perf_counter()
    while True:
        for text in texts:
            function(text)
        done += len(texts)
        elapsed = time.perf_counter() - started
        if elapsed >= minimum_seconds:
            return done / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    args = parser.parse_args()
    seconds = 0.5 if args.quick else 2.0
    rng = random.Random(7)
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    rules, keywords, regexes = rulebook(1000, 20, rng)
    texts = comments(2000, keywords, rng)
    average = sum(map(len, texts)) / len(texts)
    matcher = Matcher(rules)
    flagged = sum(bool(matcher.classify(t).matches) for t in texts)
    main_rate = rate(matcher.classify, texts, seconds)
    print(f"texts: {len(texts)} of {average:.0f} characters, {flagged} flagged")
    print(
        f"1,000 keywords + 20 regexes, language detected: {main_rate:,.0f} comments/s"
    )
    given = rate(lambda t: matcher.classify(t, language="fr"), texts, seconds)
    print(f"same, language given:                     {given:,.0f} comments/s")

    small_rules, small_keywords, _ = rulebook(100, 20, random.Random(8))
    big_rules, big_keywords, _ = rulebook(10000, 20, random.Random(9))
    small_rate = rate(Matcher(small_rules).classify, texts, seconds)
    started = time.perf_counter()
    big = Matcher(big_rules)
    compile_seconds = time.perf_counter() - started
    big_rate = rate(big.classify, texts, seconds)
    print(f"100 patterns:    {small_rate:,.0f} comments/s")
    print(
        f"10,000 patterns: {big_rate:,.0f} comments/s "
        f"(slowdown x{small_rate / big_rate:.2f}, budget x2)"
    )
    print(f"compiling 10,000 patterns: {compile_seconds:.3f} s (budget 1 s)")

    # Naive: each keyword as its own word-boundary regex, checked in turn.
    naive = [
        re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        for _c, _l, word in keywords
    ]
    naive += [re.compile(source, re.IGNORECASE) for source in regexes]
    sample = texts[:200]
    naive_rate = rate(lambda t: [p.search(t) for p in naive], sample, seconds)
    print(
        f"each pattern's regex in turn: {naive_rate:,.0f} comments/s "
        f"(matcher x{main_rate / naive_rate:.1f} faster, budget x10)"
    )

    from better_profanity import profanity

    profanity.load_censor_words([word for _c, _l, word in keywords])
    profane_rate = rate(profanity.contains_profanity, sample[:50], seconds)
    print(
        f"better-profanity: {profane_rate:,.0f} comments/s "
        f"(matcher x{main_rate / profane_rate:.0f} faster, budget x100)"
    )


if __name__ == "__main__":
    main()
