"""Normalise comment text for matching, keeping a way back to the original offsets.

Pure Python, no Django. ``normalize(text)`` returns the *skeleton* of a text: lower
case, accents and look-alike letters folded, leetspeak undone inside words, HTML
tags dropped, every run of spaces or punctuation (apostrophes included, which
splits French elisions such as ``l'``, ``qu'``) reduced to one space, and every run
of a repeated letter reduced to one letter. Keywords are normalised the same way,
so ``C0NNNNARD``, ``l'escroc`` and ``crétin``/``cretin`` meet their patterns.

Speed matters more than elegance here: the common path is a handful of C-level
passes (``str.translate`` and ``re.sub``); offsets back to the original text and
the lengths of collapsed letter runs are computed only for texts that matched.
"""

import html
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

import ahocorasick

# Letters from other scripts that look like Latin ones (Cyrillic, Greek), mapped
# to the Latin letter a reader sees. From Unicode's confusables for these scripts.
CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g", "ʀ": "r",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ϲ": "c", "ı": "i",
    "œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ŀ": "l", "þ": "th",
}  # fmt: skip

# Characters that carry no letter and must vanish without splitting a word.
INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"  # noqa: E501

# Leetspeak inside a word that has letters: ``c0n``, ``sh1t``, ``$alope``.
LEET = str.maketrans("0134578@$!|", "oieastbasil")
_LEET_CHARS = "0134578@$!|"
WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"

# Code point ranges folded eagerly: Latin, IPA, Greek, Cyrillic, punctuation,
# letter-like symbols, enclosed and full-width forms, mathematical letters.
_RANGES = [
    (0x00, 0x250),
    (0x250, 0x2B0),
    (0x300, 0x370),
    (0x370, 0x530),
    (0x1D00, 0x1DC0),
    (0x1E00, 0x2000),
    (0x2000, 0x2070),
    (0x2070, 0x2200),
    (0x2460, 0x2500),
    (0xFB00, 0xFB07),
    (0xFF00, 0xFFF0),
    (0x1D400, 0x1D800),
    (0x1F130, 0x1F1A0),
]


def fold_char(ch):
    """Return what ``ch`` becomes in a skeleton: letters, digits, '' or ' '."""
    if ch in INVISIBLE:
        return ""
    if unicodedata.combining(ch):
        return ""  # a loose accent, as in decomposed "e\u0301"
    text = unicodedata.normalize("NFKC", ch).casefold()
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    out = []
    for c in text:
        c = CONFUSABLES.get(c, c)
        if all(part in WORD_CHARS or part in _LEET_CHARS for part in c):
            out.append(c)
        else:
            out.append(" ")
    return "".join(out) or " "


# Marks, in the folded text, a character that folds to more or less than one
# character: the text then takes the slow path that records every offset.
_SLOW = "\x01"


def _build_table():
    table = {}
    for low, high in _RANGES:
        for code in range(low, high):
            ch = chr(code)
            folded = fold_char(ch)
            if folded == ch:
                continue
            table[code] = folded if len(folded) == 1 else _SLOW
    table.update({ord(ch): _SLOW for ch in INVISIBLE})
    table[ord("&")] = _SLOW  # perhaps an HTML entity
    table[ord(_SLOW)] = _SLOW
    return table


FOLD = _build_table()
# ASCII is folded by one fast translation; anything else first goes through
# ``FOLD`` one character at a time.
_ASCII = str.maketrans({code: FOLD.get(code, chr(code)) for code in range(128)})

# Latin-1 text (most French) is folded as bytes, in one C-level translation.
# The same as ``_fold_non_ascii`` then ``_ASCII`` char by char.
_LATIN1 = bytes(
    ord(FOLD.get(code, chr(code) if code < 128 else " ").translate(_ASCII))
    for code in range(256)
)

_TAG = re.compile(r"<[a-zA-Z/!?][^<>]{0,500}>")
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp"
    r"|small|span|strike|strong|sub|sup|u|var)\b",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# Anything left that is neither a letter, a digit, a space nor leetspeak.
_STRAY = re.compile(r"[^a-z0-9 @$!|]")
# A letter next to a leetspeak character: the only texts worth the token pass.
_LEET_GATE = re.compile(r"[a-z][0-9@$!|]|[0-9@$!|][a-z]")
_LEET_TOKEN = re.compile(r"[a-z0-9@$!|]*[a-z][a-z0-9@$!|]*")
_LEFTOVER = str.maketrans("@$!|", "    ")
_LEET_ANY = re.compile(r"[0-9@$!|]")
# Every byte but leetspeak characters: deleting them leaves nothing when the
# text has none, one C-level pass cheaper than searching ``_LEET_ANY``.
_NOT_LEET = bytes(code for code in range(128) if chr(code) not in _LEET_CHARS)

# Doubled letters and spaces, found in one Aho-Corasick pass, for the offsets of
# collapsed runs (``_collapse``): cheaper than a regular expression with a
# back-reference tried at every position, which is slower still than ``_squeeze``.
_DOUBLES = ahocorasick.Automaton()
for _ch in " abcdefghijklmnopqrstuvwxyz":
    _DOUBLES.add_word(_ch + _ch, _ch)
_DOUBLES.make_automaton()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unleet(match):
    token = match.group()
    # At the edges, @ starts a mention and ! or | end a sentence: they are not
    # letters. A $ is an s wherever it stands ($alope).
    core = token.lstrip("@!|").rstrip("@!|")
    if core == token:
        return token.translate(LEET)
    head = token[: len(token) - len(token.lstrip("@!|"))]
    tail = token[len(head) + len(core) :]
    return head + core.translate(LEET) + tail


class Normalized:
    """A normalised text: ``text`` is the skeleton, framed by one space each side.

    Keys searched in it are framed the same way (`` word ``), so a hit is a whole
    word without further checks. Where each collapsed run stood (``groups``) is
    worked out only when asked, which is for texts that matched.
    """

    __slots__ = ("original", "text", "_folded", "_groups", "_origin")

    def __init__(self, original, skeleton, folded, origin):
        self.original = original
        self.text = skeleton
        self._folded = folded  # the text before collapsing
        self._groups = None  # collapsed runs, see ``_collapse``
        self._origin = origin  # None when folding kept one char per char

    @property
    def groups(self):
        """``(news, olds, ends)`` of the collapsed runs, see ``_collapse``."""
        if self._groups is None:
            self._groups = _runs(self._folded)
        return self._groups

    def run_length(self, index):
        """Return how many times the letter at skeleton ``index`` was repeated."""
        news, olds, ends = self.groups
        k = bisect_right(news, index - 1) - 1
        if k >= 0 and news[k] == index - 1:
            return ends[k] - olds[k]
        return 1

    def original_span(self, start, end):
        """Return the original ``(start, end)`` of skeleton ``text[start:end]``."""
        # The skeleton is framed by a space on each side: index 0 is not text.
        groups = self.groups
        a, _ = _back(groups, start - 1)
        _, b = _back(groups, end - 2)
        if self._origin is not None:
            a, b = self._origin[0][a], self._origin[1][b - 1]
        return a, b


def _back(groups, index):
    """Return the ``(start, end)`` before collapsing of collapsed char ``index``."""
    news, olds, ends = groups
    k = bisect_right(news, index) - 1
    if k < 0:
        return index, index + 1
    if news[k] == index:
        return olds[k], ends[k]
    start = ends[k] + (index - news[k] - 1)
    return start, start + 1


_fold_cached = lru_cache(maxsize=4096)(fold_char)


def _fold_slowly(text):
    """Fold ``text`` char by char, recording where each output char came from.

    Used only for texts with markup, HTML entities or characters that fold to
    more or fewer than one character (ligatures, invisible or combining marks).
    """
    out, starts, ends = [], [], []
    index, length = 0, len(text)
    while index < length:
        chars, width = text[index], 1
        if chars == "<":
            tag = _TAG.match(text, index)
            if tag:
                # Inline markup inside a word disappears (<b>con</b>nard); other
                # tags separate words like a space.
                width = tag.end() - index
                chars = "" if _INLINE_TAG.match(tag.group()) else " "
        elif chars == "&":
            entity = _ENTITY.match(text, index)
            if entity:
                width = entity.end() - index
                chars = html.unescape(entity.group())
        for ch in chars:
            folded = FOLD.get(ord(ch), ch)
            if folded == _SLOW:
                folded = _fold_cached(ch)
            for piece in folded:
                out.append(piece)
                starts.append(index)
                ends.append(index + width)
        index += width
    return "".join(out), (starts, ends)


def _fold_non_ascii(match):
    return FOLD.get(ord(match.group()), " ")


def _fold(text):
    """Return ``(folded, origin)``: one char per original char where possible."""
    if "<" in text and _TAG.search(text) is not None:
        return _fold_slowly(text)
    if text.isascii():
        folded = text.translate(_ASCII)
    else:
        try:
            folded = text.encode("latin-1").translate(_LATIN1).decode("ascii")
        except UnicodeEncodeError:  # beyond Latin-1: emoji, Cyrillic, ...
            folded = _NON_ASCII.sub(_fold_non_ascii, text).translate(_ASCII)
    if _SLOW in folded:
        return _fold_slowly(text)
    return folded, None


# What may collapse: in the copy of a text shifted by one, every other byte
# becomes 0x80, which no ASCII text holds, so it never equals its neighbour.
_COLLAPSIBLE = bytes(
    code if chr(code) in " abcdefghijklmnopqrstuvwxyz" else 0x80 for code in range(256)
)
_NONZERO = bytes([0] + [0xFF] * 255)


def _squeeze(text):
    """Return ``text`` with every run of a letter or space made one.

    Without a Python loop: ``x ^ y`` of the text and its copy shifted by one
    is 0 exactly where a letter repeats the previous one; those bytes are
    zeroed and deleted by C-level passes over the whole text. ASCII only, as
    skeletons are; any other text goes through ``_collapse``.
    """
    if len(text) < 2 or not text.isascii() or "\x00" in text:
        return _collapse(text)[0]  # the NUL byte marks what is deleted below
    data = text.encode("ascii")
    tail = int.from_bytes(data[1:], "big")
    size = len(data) - 1
    same = tail ^ int.from_bytes(data[:-1].translate(_COLLAPSIBLE), "big")
    keep = int.from_bytes(same.to_bytes(size, "big").translate(_NONZERO), "big")
    kept = (tail & keep).to_bytes(size, "big").translate(None, b"\x00")
    if len(kept) == size:
        return text
    return text[0] + kept.decode("ascii")


def _runs(text):
    """Return ``(news, olds, ends)`` of ``_collapse(text)``."""
    return _collapse(text)[1]


def _collapse(text):
    """Return ``(collapsed, groups)``: every run of a letter or space made one.

    ``groups`` lists, for each run, its index in the collapsed text and its
    start and end in ``text``.
    """
    news, olds, ends = [], [], []
    pieces, previous, removed = [], 0, 0
    stop = -1
    for end, _ch in _DOUBLES.iter(text):
        if end == stop:  # the run goes on
            stop += 1
            continue
        if stop != -1:
            pieces.append(text[previous : olds[-1] + 1])
            ends.append(stop)
            removed += stop - olds[-1] - 1
            previous = stop
        start = end - 1
        news.append(start - removed)
        olds.append(start)
        stop = end + 1
    if stop == -1:
        return text, (news, olds, ends)
    pieces.append(text[previous : olds[-1] + 1])
    ends.append(stop)
    pieces.append(text[stop:])
    return "".join(pieces), (news, olds, ends)


def normalize(text):
    """Return the ``Normalized`` form of ``text``."""
    folded, origin = _fold(text)
    if not folded.isascii():
        folded = _STRAY.sub(" ", folded)  # emoji, other scripts: separators
    first = None
    if not folded.isascii() or folded.encode("ascii").translate(None, _NOT_LEET):
        first = _LEET_ANY.search(folded)
    if first is not None:
        if _LEET_GATE.search(folded, max(0, first.start() - 1)):
            folded = _LEET_TOKEN.sub(_unleet, folded)
        folded = folded.translate(_LEFTOVER)
    return Normalized(text, " " + _squeeze(folded) + " ", folded, origin)


def pattern_form(expression):
    """Return ``(skeleton, repeats)`` of a keyword or phrase.

    ``repeats`` maps each index of the skeleton whose letter the expression
    doubles to how many times it does: ``connard`` gives ``("conard", {2: 2})``,
    so that ``cône`` (one n) is not taken for ``conne``.
    """
    normalized = normalize(expression)
    framed = normalized.text
    # Indices count from the first letter, after the frame and any separator.
    lead = len(framed) - len(framed.lstrip()) - 1
    repeats = {
        new - lead: end - old
        for new, old, end in zip(*normalized.groups, strict=True)
        if framed[new + 1] != " "
    }
    return framed.strip(), repeats


def fold_word(expression):
    """Return a keyword folded (case, accents, leetspeak) but not collapsed."""
    folded, _origin = _fold(expression.strip())
    return " ".join(folded.split())
