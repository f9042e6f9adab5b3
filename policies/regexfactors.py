r"""Find the literal text a regular expression cannot match without.

``required_factors(r"\bkill\s+(you|u)\b")`` is ``{"kill"}``: a text without
``kill`` cannot match, so the expression need not run on it. The matcher looks
every factor up in one Aho-Corasick pass and runs only the expressions whose
factor appears, as prefiltering regex engines do.

A factor is chosen for its length, not for how rare it is: ``semaine`` is in
most French comments. ``required_characters`` adds the ASCII signs and digits
an expression cannot match without (``$`` in ``\d+ ?\$ par jour``): one
``in`` test each, before any lookup, and case-insensitive matching cannot make
another character stand for them. Pure Python, no Django.
"""

import re
import re._constants as sre
import re._parser as sre_parse

MIN_FACTOR = 2  # shorter factors are everywhere: the expression always runs
# Characters without case, so "c in text" cannot miss what RE2 would match
# case-insensitively (letters have look-alikes: K and the Kelvin sign, s and ſ).
_CASELESS = frozenset("!\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~")


def _parse(source):
    # POSIX classes ([[:alpha:]]) mean something else to RE2, which runs the
    # expression, than to Python's parser: no literal can be trusted there.
    if "[:" in source:
        return None
    try:
        return list(sre_parse.parse(source, re.IGNORECASE))
    except (re.error, ValueError, TypeError, OverflowError):
        # Syntax of the regex module that re does not know (\\p{L}, ...)
        return None


def required_factors(source):
    """Return a set of lower-case strings, one of which any match contains.

    Return ``None`` when no useful factor exists (the expression always runs).
    """
    parsed = _parse(source)
    if parsed is None:
        return None
    best = _best(parsed)
    if not best or min(map(len, best)) < MIN_FACTOR:
        return None
    return {factor.lower() for factor in best}


def required_characters(source):
    """Return the caseless ASCII characters every match of ``source`` holds.

    Only characters that stand as literals in the expression's main sequence,
    or in a group or repetition that must match, count: none from alternatives.
    """
    parsed = _parse(source)
    return frozenset() if parsed is None else frozenset(_characters(parsed))


def _characters(items):
    found = set()
    for op, value in items:
        if op is sre.LITERAL and chr(value) in _CASELESS:
            found.add(chr(value))
        elif op is sre.SUBPATTERN:
            found |= _characters(list(value[-1]))
        elif (
            op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
            and value[0] >= 1
        ):
            found |= _characters(list(value[2]))
    return found


def _score(factors):
    return (min(map(len, factors)), -len(factors))


def _best(items):
    best, run = None, []

    def consider(candidate):
        nonlocal best
        if (
            candidate
            and min(map(len, candidate)) > 0
            and (best is None or _score(candidate) > _score(best))
        ):
            best = candidate

    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op is sre.SUBPATTERN:
            consider(_best(list(value[-1])))
        elif op is sre.BRANCH:
            alternatives = [_best(list(branch)) for branch in value[1]]
            if all(alternatives):
                consider(set().union(*alternatives))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, body = value
            if low >= 1:
                consider(_best(list(body)))
    if run:
        consider({"".join(run)})
    return best
