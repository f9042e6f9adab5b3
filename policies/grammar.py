"""Patterns with slots: how threats and directed insults are said, in the
rulebook's own pattern language.

A grammar pattern is a sequence of words and slots. A slot is a list of
alternatives in parentheses, separated by ``|``, optionally named
(``harm:(...)``) and optionally left out (``(...)?``)::

    who:(je vais|j'vais|on va) whom:(te|vous) harm:(tuer|buter|crever)

matches ``je vais te tuer``, ``on va vous buter`` and the seven other
combinations. Each alternative is a phrase: it matches whole words, across any
run of spaces or punctuation, after the same normalisation as keywords. The
matcher looks the last required slot up with the other keywords, then checks
the slots around each hit word by word (``Compiled``), so a grammar of a
million combinations costs per comment about what its last slot's words cost
as keywords; names only say, in "Try it", which words filled which slot.
Because the words must follow each other, negations and hypotheticals that
come between them (``je ne vais pas te tuer``, ``I'm not going to hurt you``)
do not match.

Pure Python, no Django.
"""

import itertools
import re

import ahocorasick

from policies.textnorm import normalize

# Exceptions written with alternatives expand into at most this many phrases.
MAX_FORMS = 5000

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[\w-]+):)?\((?P<body>[^()]*)\)(?P<optional>\?)?"
    r"|\s*(?P<word>[^\s()|?]+)"
)


class GrammarError(ValueError):
    """A grammar pattern that cannot be read; the message says where."""


def parse(expression):
    """Return the slots of ``expression``: ``[(name, alternatives, optional)]``.

    A bare word is a slot of one alternative without a name.
    """
    slots, position, text = [], 0, expression.strip()
    if not text:
        raise GrammarError("empty pattern")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise GrammarError(f"unexpected {text[position : position + 10]!r}")
        position = match.end()
        if match.group("word") is not None:
            slots.append(("", (match.group("word"),), False))
            continue
        alternatives = tuple(a.strip() for a in match.group("body").split("|"))
        if not all(alternatives):
            raise GrammarError(f"empty alternative in ({match.group('body')})")
        slots.append(
            (match.group("name") or "", alternatives, bool(match.group("optional")))
        )
        while position < len(text) and text[position].isspace():
            position += 1
    if all(optional for _name, _alts, optional in slots):
        raise GrammarError("every slot is optional")
    return slots


def count_forms(slots):
    total = 1
    for _name, alternatives, optional in slots:
        total *= len(alternatives) + optional
    return total


def expand(expression):
    """Return ``[(phrase, ((slot name, first word, word count), ...))]``.

    Word positions count the words of the normalised phrase (``t'es`` is two:
    ``t es``), which is how the matcher finds each slot in a comment.
    """
    slots = parse(expression)
    if count_forms(slots) > MAX_FORMS:
        raise GrammarError(
            f"{count_forms(slots):,} combinations, more than {MAX_FORMS:,}"
        )
    choices = []
    for name, alternatives, optional in slots:
        options = [(a, len(_words(a))) for a in alternatives]
        if optional:
            options.append(("", 0))
        choices.append([(name, text, count) for text, count in options])
    forms = []
    for combination in itertools.product(*choices):
        words, named, position = [], [], 0
        for name, text, count in combination:
            if text:
                words.append(text)
            if name and count:
                named.append((name, position, count))
            position += count
        if words:
            forms.append((" ".join(words), tuple(named)))
    return forms


def _words(text):
    return normalize(text).text.split()


class Compiled:
    """A grammar pattern ready to match: its anchor slot is looked up with the
    rest of the rulebook in one automaton pass; the slots before and after it
    are then checked word by word around each hit, so the cost does not grow
    with the number of combinations."""

    def __init__(self, expression, *, common=frozenset()):
        """``common``: words found in most texts (stop words). The anchor is the
        last required slot none of whose alternatives is made of them only, so
        ``you`` or ``je vais`` does not wake the pattern up on every comment."""
        slots = parse(expression)
        self.slots = []
        for name, alternatives, optional in slots:
            by_length = {}
            for alternative in alternatives:
                words = tuple(_words(alternative))
                if words:
                    by_length.setdefault(len(words), set()).add(words)
            if not by_length and not optional:
                raise GrammarError(f"slot ({'|'.join(alternatives)}) has no word")
            lengths = sorted(by_length, reverse=True)  # longest first
            self.slots.append((name, by_length, lengths, optional))
        required = [i for i, slot in enumerate(self.slots) if not slot[3]]
        rare = [
            i
            for i in required
            if not any(
                all(word in common for word in words)
                for alternatives in self.slots[i][1].values()
                for words in alternatives
            )
        ]
        self.anchor = (rare or required)[-1]
        self.anchor_alternatives = [
            alternative
            for name, alts, optional in [slots[self.anchor]]
            for alternative in alts
        ]

    def around(self, words, first, last, low=0, high=None):
        """Return ``[(slot index, first word, last word + 1)]`` of a match whose
        anchor covers ``words[first:last]``, or ``None``.

        The other slots are looked for in ``words[low:high]`` only.
        """
        high = len(words) if high is None else high
        before = self._back(words, self.anchor - 1, first, low)
        if before is None:
            return None
        after = self._forward(words, self.anchor + 1, last, high)
        if after is None:
            return None
        return [*before, (self.anchor, first, last), *after]

    def _back(self, words, index, position, low):
        if index < 0:
            return []
        _name, by_length, lengths, optional = self.slots[index]
        for length in lengths:
            start = position - length
            if start >= low and tuple(words[start:position]) in by_length[length]:
                rest = self._back(words, index - 1, start, low)
                if rest is not None:
                    return [*rest, (index, start, position)]
        if optional:
            return self._back(words, index - 1, position, low)
        return None

    def _forward(self, words, index, position, high):
        if index >= len(self.slots):
            return []
        _name, by_length, lengths, optional = self.slots[index]
        for length in lengths:
            stop = position + length
            if stop <= high and tuple(words[position:stop]) in by_length[length]:
                rest = self._forward(words, index + 1, stop, high)
                if rest is not None:
                    return [(index, position, stop), *rest]
        if optional:
            return self._forward(words, index + 1, position, high)
        return None


# -- quoted and reported speech ------------------------------------------------

_OPENING = {"«": "»", "“": "”", "‹": "›", "„": "“"}
# Words that report what someone else said, wrote or sang (normalised).
_REPORTING = tuple(
    f" {cue} "
    for cue in (
        "dit disait disent a dit m a dit nous a dit lui a dit ecrit "
        "ecrivait a ecrit menace menacait menaces chante chantait chanson paroles "
        "cite citation raconte racontait said says saying told tells "
        "wrote writes written threatened threatening sang sings song lyrics "
        "quote quoted quoting screamed yelled shouted cria criait criait crie "
        "hurlait hurle"
    ).split()
)


# All the cues looked for at once in a skeleton: one pass, not one per cue.
_REPORTING_CUES = ahocorasick.Automaton()
for _cue in _REPORTING:
    _REPORTING_CUES.add_word(_cue, _cue)
_REPORTING_CUES.make_automaton()


def reported(text, start):
    """Return whether ``text[start:]`` is inside quotation marks or reported speech.

    Inside: an opening quotation mark (``«``, ``“``, or an odd number of ``"``)
    before ``start`` and not closed since. Reported: a verb of saying, writing,
    threatening or singing earlier in the same sentence (``il m'a dit qu'il
    allait me tuer``, ``the song goes``).
    """
    if not start:
        return False
    before = text[:start]
    sentence = before[_last_sentence_end(before) :]
    for opening, closing in _OPENING.items():
        if before.rfind(opening) > before.rfind(closing):
            return True
    if sentence.count('"') % 2:
        return True
    if not sentence.strip():
        return False
    skeleton = normalize(sentence).text
    return next(_REPORTING_CUES.iter(skeleton), None) is not None


def _last_sentence_end(text):
    # The last of ``.``, ``!``, ``?`` or a line break, by four C-level searches.
    return max(text.rfind("."), text.rfind("!"), text.rfind("?"), text.rfind("\n")) + 1


def describe(expression):
    """Return the slots of ``expression`` as ``[(name, [alternatives], optional)]``
    for people: what the pattern means, slot by slot."""
    return [
        (name, list(alternatives), optional)
        for name, alternatives, optional in parse(expression)
    ]


__all__ = [
    "MAX_FORMS",
    "Compiled",
    "GrammarError",
    "describe",
    "expand",
    "parse",
    "reported",
]
