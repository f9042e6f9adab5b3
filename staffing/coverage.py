"""Coverage gaps: the intervals a requirement is open with nobody on duty.

Pure Python, no ORM: plain ``(start, end)`` pairs in, sorted gaps out. The cost
is a sort of the shifts plus one pass, whatever the number of requirements.
"""

from staffing.intervals import subtract


def gaps(required, covered):
    """Return the parts of ``required`` intervals that ``covered`` leaves open.

    Both are iterables of ``(start, end)``; ``covered`` may overlap itself.
    """
    return subtract(required, covered)


def longest(intervals):
    """Return the longest interval of ``intervals``, or ``None``."""
    return max(intervals, key=lambda pair: pair[1] - pair[0], default=None)
