"""The default rulebook on the project's labelled corpus: every precision,
recall and F1 per category and language stays at or above its recorded floor
(``benchmarks/corpus/floors.json``, written by ``benchmarks/quality.py
--write-floors``)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import quality  # noqa: E402

from policies.framework.specs import framework_specs  # noqa: E402
from policies.matcher import Matcher  # noqa: E402

FLOORS = json.loads((ROOT / "benchmarks" / "corpus" / "floors.json").read_text())


@pytest.fixture(scope="module")
def figures():
    return quality.scores(Matcher(framework_specs()), quality.load_corpus())


def test_the_corpus_is_large_and_bilingual():
    corpus = quality.load_corpus()
    assert len(corpus) >= 1500
    for language in ("fr", "en"):
        rows = [labels for lang, labels, _text in corpus if lang == language]
        assert sum(not labels for labels in rows) >= 200  # hard negatives
        for category in quality.CATEGORIES:
            assert sum(category in labels for labels in rows) >= 20


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_each_figure_stays_above_its_floor(figures, key):
    category, language = key.split("/")
    precision, recall, f1 = figures[(category, language)]
    floor = FLOORS[key]
    assert precision >= floor["precision"], (key, precision)
    assert recall >= floor["recall"], (key, recall)
    assert f1 >= floor["f1"], (key, f1)
