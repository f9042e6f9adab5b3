r"""Find the literal text a regular expression cannot match without.

``required_factors(r"\bkill\s+(you|u)\b")`` is ``{"kill"}``: a text without
``kill`` cannot match, so the expression need not run on it. The matcher looks
every factor up in one Aho-Corasick pass and runs only the expressions whose
factor appears, as prefiltering regex engines do. Pure Python, no Django.
"""

import re
import re._constants as sre
import re._parser as sre_parse

MIN_FACTOR = 2  # shorter factors are everywhere: the expression always runs


def required_factors(source):
    """Return a set of lower-case strings, one of which any match contains.

    Return ``None`` when no useful factor exists (the expression always runs).
    """
    try:
        parsed = sre_parse.parse(source, re.IGNORECASE)
    except (re.error, ValueError, TypeError, OverflowError):
        # Syntax of the regex module that re does not know (\\p{L}, ...)
        return None
    best = _best(list(parsed))
    if not best or min(map(len, best)) < MIN_FACTOR:
        return None
    return {factor.lower() for factor in best}


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
