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


def subtract(intervals, holes):
    """Return the parts of ``intervals`` that no pair of ``holes`` covers.

    Both are iterables of pairs and may overlap themselves; the result is
    sorted and disjoint. The cost is a sort of each plus one pass.
    """
    holes = merge(holes)
    result = []
    index = 0
    for start, end in merge(intervals):
        # Skip the holes that end before this interval starts.
        while index < len(holes) and holes[index][1] <= start:
            index += 1
        cursor, position = start, index
        while position < len(holes) and holes[position][0] < end:
            h_start, h_end = holes[position]
            if h_start > cursor:
                result.append((cursor, h_start))
            cursor = max(cursor, h_end)
            if cursor >= end:
                break
            position += 1
        if cursor < end:
            result.append((cursor, end))
    return result
