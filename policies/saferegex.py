r"""Managers' regular expressions, run on RE2: linear time, whatever the text.

A backtracking engine (``re``, ``regex``) can take exponential time on a
crafted text for expressions such as ``(x+x+)+y``; a timeout only turns that
into lost work. RE2 compiles an expression to an automaton and matches in time
linear in the text, so no expression can stall a worker. It has no
look-around, back-references, atomic groups or possessive quantifiers: an
expression that uses them is refused when it is saved.

The syntax managers write is Python's, case-insensitive. Two differences are
translated so that matching keeps Python's Unicode meaning:

- ``\w \W \d \D \s \S`` are ASCII in RE2: they become Unicode classes.
- ``\b`` and ``\B`` are ASCII in RE2 too (``\bété\b`` would never match). Each
  becomes an empty capture group, and the boundary is checked, the Unicode
  way, where that group matched. A match that fails the check is dropped and
  the search goes on from its next character; at most
  ``MAX_BOUNDARY_RETRIES`` such retries run per text, so the cost stays a
  fixed multiple of one linear pass. (Where a boundary fails, RE2 does not try
  another alternative from the same start: in ``\b(con|conne)\b`` put the
  longer word first.)

Pure Python over plain strings, no Django.
"""

import unicodedata

import re2

# Retries after a match whose word boundaries did not hold, per text.
MAX_BOUNDARY_RETRIES = 64
# RE2's memory budget for one compiled expression; larger ones are refused.
MAX_MEMORY = 8 << 20

_WORD = r"\pL\pM\pN_"
_DIGIT = r"\p{Nd}"
# Python's \s: ASCII whitespace, \x1c-\x1f, NEL and every Unicode separator.
_SPACE = r"\t\n\x0b\f\r\x{1c}-\x{1f}\x{85}\pZ"
_CLASSES = {
    "w": (f"[{_WORD}]", _WORD),
    "W": (f"[^{_WORD}]", None),
    "d": (f"[{_DIGIT}]", _DIGIT),
    "D": (f"[^{_DIGIT}]", None),
    "s": (f"[{_SPACE}]", _SPACE),
    "S": (f"[^{_SPACE}]", None),
}


class UnsupportedPattern(ValueError):
    """The expression cannot run on RE2; the message says why."""


def _options():
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = MAX_MEMORY
    return options


def translate(source):
    r"""Return ``(re2 source, [(group, negated)])`` for a Python ``source``.

    Each pair names the capture group that stands for a ``\b`` (``negated``
    False) or a ``\B`` (True).
    """
    out, boundaries = [], []
    groups = 0
    in_class = False
    class_start = -1  # where a literal ] may stand first in the current class
    index, length = 0, len(source)
    while index < length:
        char = source[index]
        if char == "\\" and index + 1 < length:
            escape = source[index + 1]
            index += 2
            if escape in _CLASSES:
                outside, inside = _CLASSES[escape]
                if not in_class:
                    out.append(outside)
                elif inside is None:
                    raise UnsupportedPattern(
                        f"\\{escape} inside [...]: write the class out instead"
                    )
                else:
                    out.append(inside)
            elif escape in "bB" and not in_class:
                groups += 1
                boundaries.append((groups, escape == "B"))
                out.append("()")
            elif escape == "b":  # backspace, inside a class
                out.append(r"\x08")
            elif escape == "Z":
                out.append(r"\z")
            else:
                out.append("\\" + escape)
            continue
        if in_class:
            if char == "]" and index != class_start:
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            class_start = index + (2 if source.startswith("[^", index) else 1)
            out.append(char)
        elif char == "(":
            if (
                source.startswith("(?P<", index)
                or (
                    source.startswith("(?<", index)
                    and not source.startswith(("(?<=", "(?<!"), index)
                )
                or not source.startswith("(?", index)
            ):
                groups += 1
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out), boundaries


def _is_word(char):
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def _at_boundary(text, position):
    before = position > 0 and _is_word(text[position - 1])
    after = position < len(text) and _is_word(text[position])
    return before != after


class Pattern:
    """One compiled expression."""

    def __init__(self, source):
        self.source = source
        translated, self._boundaries = translate(source)
        try:
            self._compiled = re2.compile(translated, _options())
        except re2.error as exc:
            detail = exc.args[0] if exc.args else exc
            if isinstance(detail, bytes):
                detail = detail.decode("utf-8", "replace")
            raise UnsupportedPattern(str(detail)) from None

    def _holds(self, match, text):
        # A group in an alternative that did not match starts at -1.
        return all(
            _at_boundary(text, match.start(group)) != negated
            for group, negated in self._boundaries
            if match.start(group) >= 0
        )

    def spans(self, text):
        """Yield ``(start, end)`` of each non-overlapping match, left to right."""
        position, retries, length = 0, 0, len(text)
        while position <= length:
            match = self._compiled.search(text, position)
            if match is None:
                return
            start, end = match.span()
            if self._boundaries and not self._holds(match, text):
                retries += 1
                if retries > MAX_BOUNDARY_RETRIES:
                    return
                position = start + 1
                continue
            yield start, end
            position = end if end > start else end + 1

    def matches_empty_text(self):
        """Return whether the expression matches the empty text as a whole."""
        match = self._compiled.fullmatch("")
        return match is not None and (not self._boundaries or self._holds(match, ""))
