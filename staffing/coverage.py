"""Coverage gaps: the intervals a requirement is open with nobody on duty.

Pure Python, no ORM: plain ``(start, end)`` pairs in, sorted gaps out. The cost
is a sort of the shifts plus one pass, whatever the number of requirements.
"""

from staffing.intervals import merge


def gaps(required, covered):
    """Return the parts of ``required`` intervals that ``covered`` leaves open.

    Both are iterables of ``(start, end)``; ``covered`` may overlap itself.
    """
    covered = merge(covered)
    result = []
    index = 0
    for start, end in merge(required):
        # Skip cover that ends before this requirement starts.
        while index < len(covered) and covered[index][1] <= start:
            index += 1
        cursor, position = start, index
        while position < len(covered) and covered[position][0] < end:
            c_start, c_end = covered[position]
            if c_start > cursor:
                result.append((cursor, c_start))
            cursor = max(cursor, c_end)
            if cursor >= end:
                break
            position += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def longest(intervals):
    """Return the longest interval of ``intervals``, or ``None``."""
    return max(intervals, key=lambda pair: pair[1] - pair[0], default=None)
