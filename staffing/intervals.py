"""Intervals as plain ``(start, end)`` pairs of anything ordered.

Pure Python, no ORM: business time and coverage gaps both build on it.
"""


def merge(intervals):
    """Return the union of ``intervals`` as sorted, disjoint pairs.

    Empty pairs (``end <= start``) are dropped; pairs that overlap or touch
    (one ends where the next starts) become one.
    """
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
