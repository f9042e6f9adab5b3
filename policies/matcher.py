"""Flag a text against a rulebook: which rule, which words, where.

Pure Python, no ORM: ``Matcher(rules, ties=...)`` compiles plain ``RuleSpec``
data once; ``Matcher.classify(text)`` is then called for every comment.

Keywords, phrases and prefix wildcards are looked up together in one
Aho-Corasick pass over the normalised text (``policies.textnorm``), so the cost
follows the length of the text, not the number of patterns. Keys are framed by
spaces, which makes every hit a whole word: ``con`` is never found in
``contrat``. Regular expressions run on the original text behind a combined
prefilter, on RE2 (``policies.saferegex``), in time linear in the text;
detectors (``policies.detectors``) validate what they find.
"""

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat
from operator import add

import ahocorasick

from core.languages import CODES
from policies import detectors, grammar, saferegex
from policies.regexfactors import required_characters, required_factors
from policies.textnorm import fold_word, normalize, pattern_form

logger = logging.getLogger(__name__)

KEYWORD, PHRASE, WILDCARD, REGEX, DETECTOR, GRAMMAR = (
    "keyword",
    "phrase",
    "wildcard",
    "regex",
    "detector",
    "grammar",
)
# How sure a match is: a grammar pattern found the structure (who, to whom,
# what); a lexicon word alone is profanity; any match in quoted or reported
# speech is ambiguous. Used to order the inbox, never to hide anything.
HIGH, MEDIUM, LOW = "high", "medium", "low"
CONFIDENCE_RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}
ANY = "any"
LANGUAGES = CODES
EXCERPT_LIMIT = 200
UNDISCLOSED_TIE = "undisclosed_tie"

# Characters around a grammar's anchor in which its other slots are looked for.
_WINDOW = 160

# Modes of an automaton key.
_WORD, _PREFIX, _EXCEPTION, _GRAMMAR = 0, 1, 2, 3


@dataclass(frozen=True)
class PatternSpec:
    kind: str
    expression: str
    language: str = ANY


@dataclass(frozen=True)
class RuleSpec:
    slug: str
    category: str
    severity: str
    patterns: tuple = ()
    exceptions: tuple = ()
    disclosure_markers: tuple = ()


@dataclass(frozen=True)
class Match:
    rule: str
    category: str
    severity: str
    pattern: str
    kind: str
    start: int
    end: int
    excerpt: str
    confidence: str = MEDIUM
    # Grammar patterns: ((slot name, start, end, text), ...) in the original text.
    slots: tuple = ()


@dataclass(frozen=True)
class Result:
    language: str
    matches: list = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    rule: int
    pattern: str
    kind: str
    language: str
    mode: int
    length: int  # length of the framed key
    repeats: tuple  # (index in the word, minimum run length) for doubled letters
    grammar: int = -1  # index of the compiled grammar whose anchor this is


def inflections(word, language):
    """Return the plural and feminine forms of a folded ``word`` in ``language``."""
    forms = {word}
    if language == "fr":
        if word.endswith("eux"):
            forms |= {word[:-1] + "se", word[:-1] + "ses"}
        elif word.endswith(("s", "x", "z")):
            pass
        elif word.endswith(("au", "eu")):
            forms |= {word + "x", word + "s"}
        elif word.endswith("al"):
            forms |= {word[:-2] + "aux", word + "e", word + "es", word + "s"}
        elif word.endswith("teur"):
            forms |= {word + "s", word[:-1] + "se", word[:-1] + "ses"}
            forms |= {word[:-3] + "rice", word[:-3] + "rices"}
        elif word.endswith("eur"):
            forms |= {word + "s", word[:-1] + "se", word[:-1] + "ses"}
            forms |= {word + "e", word + "es"}
        elif word.endswith("if"):
            forms |= {word + "s", word[:-1] + "ve", word[:-1] + "ves"}
        elif word.endswith(("on", "ien", "el", "et")):
            doubled = word + word[-1]
            forms |= {word + "s", doubled + "e", doubled + "es"}
        elif word.endswith("er"):
            forms |= {word + "s", word[:-2] + "ere", word[:-2] + "eres"}
        elif word.endswith("e"):
            forms.add(word + "s")
        else:
            forms |= {word + "s", word + "e", word + "es"}
    elif language == "en":
        forms.add(word + "s")
        if word.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(word + "es")
        if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
        if word.endswith("e"):
            forms |= {word + "d", word[:-1] + "ing"}
        else:
            forms |= {word + "ed", word + "ing"}
    return forms


# Frequent words that exist in one language only (skeletons: repeats collapsed).
_STOP = {
    "fr": (
        "le la les des du un une et est sont pas que qui je tu il elle nous vous ils "
        "elles ce cette ces mon ma mes ton ta tes votre vos leur leurs avec pour dans "
        "sur mais ou donc ne tres tout tous toute rien aussi suis etes avez avons fait "
        "etre avoir au aux cest jai quil quon merci bonjour depuis chez sans encore "
        "toujours jamais vraiment votre personne ici cela ca comme quand parce"
    ),
    "en": (
        "the and is are was were not that this these those with for you your we they "
        "he she it its of to at by from but or if be have has had do does did will "
        "would can could should what which who when where why how there their them our "
        "my an yes just very all any some been being am i im dont thanks hello please "
        "since without still never really nobody here like because about"
    ),
}


def _stop_skeletons():
    return {
        language: frozenset(pattern_form(word)[0] for word in words.split())
        for language, words in _STOP.items()
    }


STOP_WORDS = _stop_skeletons()
_COMMON = STOP_WORDS["fr"] | STOP_WORDS["en"]
# +1 for a French stop word, -1 for an English one; a word of both counts for
# neither, as it would count once for each.
_STOP_SIGN = {
    word: sign
    for word in _COMMON
    if (sign := (word in STOP_WORDS["fr"]) - (word in STOP_WORDS["en"]))
}


def detect_language(skeleton):
    """Return ``fr`` or ``en`` from the stop words of a normalised text, or None."""
    # French stop words minus English ones, counted in one C-level pass.
    balance = sum(filter(None, map(_STOP_SIGN.get, skeleton.split())))
    if balance > 0:
        return "fr"
    if balance < 0:
        return "en"
    return None


class Matcher:
    """A compiled rulebook."""

    def __init__(
        self,
        rules,
        *,
        ties=None,
        default_language="fr",
        phone_region="CA",
    ):
        self.rules = list(rules)
        self.default_language = default_language
        self.phone_region = phone_region
        # {platform: {handle}} of parties with a tie to the organisation.
        self.ties = {platform: frozenset(h) for platform, h in (ties or {}).items()}
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        self._regexes = []  # (rule index, language, source, compiled)
        self._detectors = {}  # detector name -> [rule index]
        self._markers = {}  # rule index -> [framed marker skeleton]
        self._grammars = []  # grammar.Compiled, by _Entry.grammar
        keys = {}
        for index, rule in enumerate(self.rules):
            for pattern in rule.patterns:
                self._compile_pattern(index, pattern, keys)
            for exception in rule.exceptions:
                # An exception may use the grammar's alternatives:
                # "fucking (great|awesome)" is two exceptions.
                try:
                    forms = [text for text, _slots in grammar.expand(exception)]
                except grammar.GrammarError:
                    forms = [exception]
                for form in forms:
                    self._add_key(
                        keys,
                        form,
                        _Entry(index, exception, "exception", ANY, _EXCEPTION, 0, ()),
                    )
            if rule.category == UNDISCLOSED_TIE:
                self._markers[index] = [
                    f" {pattern_form(marker)[0]} " for marker in rule.disclosure_markers
                ]
        for key, entries in keys.items():
            self._automaton.add_word(key, tuple(entries))
        self._empty = not keys
        if not self._empty:
            self._automaton.make_automaton()
        self._factors, self._always = self._index_regexes()

    # -- compilation -------------------------------------------------------

    def _compile_pattern(self, index, pattern, keys):
        kind, expression, language = pattern.kind, pattern.expression, pattern.language
        if kind == KEYWORD:
            languages = LANGUAGES if language == ANY else (language,)
            folded = pattern_form(expression)[0]
            base = fold_word(expression)
            for lang in languages:
                for form in inflections(base, lang):
                    self._add_key(
                        keys,
                        form,
                        _Entry(index, expression, kind, language, _WORD, 0, ()),
                    )
            if not folded:
                logger.warning("Keyword %r normalises to nothing", expression)
        elif kind == PHRASE:
            self._add_key(
                keys,
                expression,
                _Entry(index, expression, kind, language, _WORD, 0, ()),
            )
        elif kind == WILDCARD:
            self._add_key(
                keys,
                expression.rstrip("*"),
                _Entry(index, expression, kind, language, _PREFIX, 0, ()),
            )
        elif kind == REGEX:
            try:
                compiled = saferegex.Pattern(expression)
            except saferegex.UnsupportedPattern:
                logger.warning("Invalid regular expression skipped: %r", expression)
                return
            self._regexes.append((index, language, expression, compiled))
        elif kind == DETECTOR:
            self._detectors.setdefault(expression, []).append(index)
        elif kind == GRAMMAR:
            try:
                compiled = grammar.Compiled(expression, common=_COMMON)
            except grammar.GrammarError:
                logger.warning("Invalid grammar pattern skipped: %r", expression)
                return
            position = len(self._grammars)
            self._grammars.append(compiled)
            for text in compiled.anchor_alternatives:
                self._add_key(
                    keys,
                    text,
                    _Entry(
                        index, expression, kind, language, _GRAMMAR, 0, (), position
                    ),
                )

    @staticmethod
    def _add_key(keys, text, entry):
        form, repeats = pattern_form(text)
        if not form:
            return
        key = f" {form}" if entry.mode == _PREFIX else f" {form} "
        entry = _Entry(
            entry.rule,
            entry.pattern,
            entry.kind,
            entry.language,
            entry.mode,
            len(key),
            tuple(sorted(repeats.items())),
            entry.grammar,
        )
        bucket = keys.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def _index_regexes(self):
        """Index each regular expression by the literal text it needs.

        Return an automaton of factors (lower case) to regex indices, and the
        indices of expressions without a usable factor, which always run. Also
        record, in ``_gated``, the caseless characters each expression needs
        (``$``), tested first, and in ``_factored`` which expressions only the
        automaton can wake up.
        """
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        always, by_factor = [], {}
        self._gated = []  # (regex index, characters)
        for position, (_rule, _language, source, _compiled) in enumerate(self._regexes):
            characters = required_characters(source)
            if characters:
                self._gated.append((position, tuple(sorted(characters))))
            factors = required_factors(source)
            if factors is None:
                always.append(position)
                continue
            for factor in factors:
                by_factor.setdefault(factor, set()).add(position)
        self._factored = frozenset().union(*by_factor.values())
        for factor, positions in by_factor.items():
            automaton.add_word(factor, frozenset(positions))
        if by_factor:
            automaton.make_automaton()
            return automaton, tuple(always)
        return None, tuple(always)

    # -- matching ----------------------------------------------------------

    def classify(self, text, *, language=None, platform=None, author=None):
        """Return the ``Result`` of checking ``text`` against the rulebook."""
        normalized = normalize(text)
        if language not in LANGUAGES:
            language = detect_language(normalized.text)
        found = []
        if not self._empty:
            language, words = self._words(normalized, language)
            found += words
        language = language or self.default_language
        if self._regexes:
            found += self._regex_matches(text, language)
        if self._detectors:
            found += self._detections(text)
        if author and self._markers:
            found += self._ties(normalized, platform, author)
        return Result(language=language, matches=_outermost(found))

    def _words(self, normalized, language):
        """Return ``(language, matches)`` of keywords, phrases and wildcards.

        When the stop words left the language open (``None``), the language
        whose own words the text uses decides: ``fucking hell`` is English.
        """
        skeleton = normalized.text
        hits, exceptions = {}, {}
        words = None  # split when a grammar's anchor is first found
        for end, entries in self._automaton.iter(skeleton):
            for entry in entries:
                if language and entry.language != ANY and entry.language != language:
                    continue
                start = end - entry.length + 2  # first letter of the key
                # A wildcard runs to the end of its word; other keys end on the
                # framing space after them.
                stop = skeleton.find(" ", end + 1) if entry.mode == _PREFIX else end
                if entry.repeats and not all(
                    normalized.run_length(start + offset) >= count
                    for offset, count in entry.repeats
                ):
                    continue
                span = (start, stop)
                if entry.mode == _GRAMMAR:
                    if words is None:
                        words = _Words(skeleton)
                    span = self._grammar_span(words, entry, start, stop)
                    if span is None:
                        continue
                if entry.mode == _EXCEPTION:
                    exceptions.setdefault(entry.rule, []).append(span)
                else:
                    key = (entry.rule, span[:2], entry.language)
                    if entry.mode == _GRAMMAR:
                        # On the same words, a grammar explains better (slots).
                        known = hits.get(key)
                        if known is None or known[0].mode != _GRAMMAR:
                            hits[key] = (entry, span[2])
                    else:
                        hits.setdefault(key, (entry, ()))
        if not hits:
            return language or self.default_language, []
        if language is None:
            counts = dict.fromkeys(LANGUAGES, 0)
            for _rule, _span, lang in hits:
                if lang in counts:
                    counts[lang] += 1
            if counts["fr"] != counts["en"]:
                language = max(counts, key=counts.get)
            else:
                language = self.default_language
        hits = {
            (rule, span): entry
            for (rule, span, lang), entry in hits.items()
            if lang in (ANY, language)
        }
        return language, self._to_matches(normalized, hits, exceptions)

    def _grammar_span(self, words, entry, start, stop):
        """Return ``(start, stop, slots)`` of the grammar match around an anchor
        found at ``start:stop`` of the skeleton, or ``None``.

        Only the words near the anchor are looked at: slots are a few words long.
        """
        first, last = words.starting(start), words.ending(stop)
        low, high = words.window(start - _WINDOW, stop + _WINDOW)
        compiled = self._grammars[entry.grammar]
        found = compiled.around(words.texts, first, last + 1, low, high)
        if found is None:
            return None
        starts, ends = words.starts, words.ends
        slots = tuple(
            (compiled.slots[slot][0], starts[a], ends[b - 1])
            for slot, a, b in found
            if compiled.slots[slot][0] and b > a
        )
        return starts[found[0][1]], ends[found[-1][2] - 1], slots

    def _to_matches(self, normalized, hits, exceptions):
        matches = []
        text = normalized.original
        for (rule_index, (start, stop)), (entry, slot_spans) in hits.items():
            if any(a <= start and stop <= b for a, b in exceptions.get(rule_index, ())):
                continue
            begin, finish = normalized.original_span(start, stop)
            reported = grammar.reported(text, begin)
            if entry.kind == GRAMMAR:
                if reported:
                    # "he said 'I will kill you'" does not say it to anyone.
                    continue
                confidence = HIGH
                slots = tuple(
                    (name, *normalized.original_span(a, b)) for name, a, b in slot_spans
                )
                slots = tuple((name, a, b, text[a:b]) for name, a, b in slots)
            else:
                confidence, slots = (LOW if reported else MEDIUM), ()
            matches.append(
                self._match(
                    rule_index,
                    entry.pattern,
                    entry.kind,
                    begin,
                    finish,
                    text,
                    confidence=confidence,
                    slots=slots,
                )
            )
        return matches

    def _match(
        self,
        rule_index,
        pattern,
        kind,
        start,
        end,
        text,
        *,
        confidence=MEDIUM,
        slots=(),
    ):
        rule = self.rules[rule_index]
        return Match(
            rule=rule.slug,
            category=rule.category,
            severity=rule.severity,
            pattern=pattern,
            kind=kind,
            start=start,
            end=end,
            excerpt=text[start:end][:EXCERPT_LIMIT],
            confidence=confidence,
            slots=slots,
        )

    def _regex_matches(self, text, language):
        # An expression whose required characters ("$") are missing cannot
        # match; when that rules out every one the automaton could wake up,
        # the text is not even looked up.
        failed = {
            position
            for position, characters in self._gated
            if not all(map(text.__contains__, characters))
        }
        positions = set(self._always)
        if self._factors is not None and not self._factored <= failed:
            for _end, found in self._factors.iter(text.lower()):
                positions |= found
        matches = []
        for position in sorted(positions - failed):
            rule_index, pattern_language, source, compiled = self._regexes[position]
            if pattern_language != ANY and pattern_language != language:
                continue
            for start, end in compiled.spans(text):
                if end > start:
                    matches.append(
                        self._match(rule_index, source, REGEX, start, end, text)
                    )
        return matches

    def _detections(self, text):
        matches = []
        for name, start, end in detectors.find(
            text, self._detectors, region=self.phone_region
        ):
            for rule_index in self._detectors[name]:
                matches.append(
                    self._match(rule_index, name, DETECTOR, start, end, text)
                )
        return matches

    def _ties(self, normalized, platform, author):
        handle = author.strip().lstrip("@").casefold()
        platforms = [platform] if platform else list(self.ties)
        if not any(handle in self.ties.get(name, ()) for name in platforms):
            return []
        matches = []
        for rule_index, markers in self._markers.items():
            if any(marker in normalized.text for marker in markers):
                continue
            rule = self.rules[rule_index]
            matches.append(
                Match(
                    rule=rule.slug,
                    category=rule.category,
                    severity=rule.severity,
                    pattern="registry",
                    kind="registry",
                    start=0,
                    end=0,
                    excerpt=f"@{handle}",
                    confidence=HIGH,
                )
            )
        return matches


def stored_confidence(*, grammar_pattern, text, start):
    """Return the confidence of a match stored without one: what ``classify``
    gave it, from whether its pattern is a grammar and where it stands."""
    if grammar_pattern:
        return HIGH
    return LOW if grammar.reported(text, start) else MEDIUM


class _Words:
    """The words of a skeleton: their texts, spans, and where each begins and ends.

    Split once per text, with C-level passes, however many grammar anchors it
    holds; ``window`` then says which words a grammar may look at around one.
    """

    __slots__ = ("ends", "starts", "texts")

    def __init__(self, skeleton):
        pieces = skeleton.split(" ")  # "" between two spaces
        # Each piece starts one character after the previous piece ends.
        offsets = accumulate(map(add, map(len, pieces), repeat(1)), initial=0)
        self.starts = list(compress(offsets, pieces))
        self.texts = list(filter(None, pieces))
        self.ends = list(map(add, self.starts, map(len, self.texts)))

    def starting(self, position):
        """Return the index of the word that starts at ``position``."""
        index = bisect_left(self.starts, position)
        if index == len(self.starts) or self.starts[index] != position:
            raise KeyError(position)
        return index

    def ending(self, position):
        """Return the index of the word that ends at ``position``."""
        index = bisect_left(self.ends, position)
        if index == len(self.ends) or self.ends[index] != position:
            raise KeyError(position)
        return index

    def window(self, begin, end):
        """Return ``(low, high)``: the words of ``skeleton[begin:end]``, widened
        to whole words, are ``texts[low:high]``."""
        return bisect_left(self.ends, begin), bisect_right(self.starts, end)


def _outermost(matches):
    """Sort ``matches`` and drop those inside a longer match of the same rule.

    ``je vais te tuer`` explains itself better than ``tuer`` inside it.
    """
    by_rule = {}
    for match in matches:
        by_rule.setdefault(match.rule, []).append(match)
    kept = []
    for same_rule in by_rule.values():
        unique = {}
        for match in same_rule:
            # One span found twice: keep the surer explanation (a grammar's slots).
            known = unique.get((match.start, match.end))
            if known is None or (
                CONFIDENCE_RANK[match.confidence] > CONFIDENCE_RANK[known.confidence]
            ):
                unique[(match.start, match.end)] = match
        for (start, end), match in unique.items():
            if not any(
                a <= start and end <= b and b - a > end - start for a, b in unique
            ):
                kept.append(match)
    kept.sort(key=lambda m: (m.start, m.end, m.rule))
    return kept


def segments(text, matches):
    """Split ``text`` into ``(piece, [matches])`` for highlighting.

    Pieces covered by no match come with an empty list; overlapping matches are
    merged into one highlighted piece that lists them all.
    """
    # Sorted on the span alone: two rules matching the same span (one number
    # found by two detectors) have matches that do not compare.
    spans = sorted(
        (m for m in matches if m.end > m.start), key=lambda m: (m.start, m.end)
    )
    pieces, position, index = [], 0, 0
    while index < len(spans):
        match = spans[index]
        start, end, group = match.start, match.end, [match]
        index += 1
        while index < len(spans) and spans[index].start < end:
            end = max(end, spans[index].end)
            group.append(spans[index])
            index += 1
        start = max(start, position)
        if start > position:
            pieces.append((text[position:start], []))
        pieces.append((text[start:end], group))
        position = end
    if position < len(text):
        pieces.append((text[position:], []))
    return pieces
