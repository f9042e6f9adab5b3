"""Interval merging, the pure core under business time and coverage gaps."""

import datetime

from staffing.intervals import merge, subtract


def test_nothing_merges_to_nothing():
    assert merge([]) == []
    assert merge(iter(())) == []


def test_empty_and_reversed_intervals_are_dropped():
    assert merge([(3, 3)]) == []
    assert merge([(5, 2)]) == []
    assert merge([(1, 2), (4, 4), (9, 6)]) == [(1, 2)]


def test_disjoint_intervals_stay_apart_and_come_out_sorted():
    assert merge([(7, 9), (1, 2), (4, 5)]) == [(1, 2), (4, 5), (7, 9)]


def test_touching_intervals_become_one():
    assert merge([(1, 3), (3, 5)]) == [(1, 5)]
    assert merge([(3, 5), (1, 3), (5, 6)]) == [(1, 6)]


def test_overlapping_and_nested_intervals_become_one():
    assert merge([(1, 4), (2, 6)]) == [(1, 6)]
    assert merge([(1, 10), (2, 3), (4, 5)]) == [(1, 10)]
    assert merge([(2, 3), (1, 10)]) == [(1, 10)]
    assert merge([(1, 4), (1, 2)]) == [(1, 4)]


def test_an_empty_interval_inside_a_gap_does_not_bridge_it():
    assert merge([(1, 2), (3, 3), (4, 5)]) == [(1, 2), (4, 5)]
    assert merge([(1, 2), (2, 2), (3, 4)]) == [(1, 2), (3, 4)]


def test_unsorted_mixture():
    intervals = [(20, 25), (5, 6), (1, 3), (2, 4), (7, 7), (24, 30), (6, 6), (4, 5)]
    assert merge(intervals) == [(1, 6), (20, 30)]


def test_input_is_left_as_it_was():
    intervals = [(3, 4), (1, 2)]
    merge(intervals)
    assert intervals == [(3, 4), (1, 2)]


def test_aware_datetimes_merge_like_numbers():
    utc = datetime.UTC
    toronto = datetime.timezone(datetime.timedelta(hours=-5))
    a = datetime.datetime(2026, 3, 8, 12, tzinfo=utc)
    b = datetime.datetime(2026, 3, 8, 9, tzinfo=toronto)  # 14:00 UTC
    c = datetime.datetime(2026, 3, 8, 16, tzinfo=utc)
    assert merge([(b, c), (a, b)]) == [(a, c)]


def test_merged_pairs_are_disjoint_and_cover_exactly_the_input():
    intervals = [(i * 7 % 23, i * 7 % 23 + i % 4) for i in range(40)]
    merged = merge(intervals)
    pairs = zip(merged, merged[1:], strict=False)
    assert all(end < start for (_a, end), (start, _b) in pairs)
    points = {p for start, end in intervals for p in range(start, end)}
    assert {p for start, end in merged for p in range(start, end)} == points


def test_subtracting_nothing_gives_the_merged_intervals():
    assert subtract([(5, 7), (1, 3), (2, 4)], []) == [(1, 4), (5, 7)]
    assert subtract([], [(1, 9)]) == []


def test_holes_cut_intervals_at_their_edges_and_inside():
    assert subtract([(0, 10)], [(2, 3), (5, 7)]) == [(0, 2), (3, 5), (7, 10)]
    # A hole over an edge, one that covers all, one touching: nothing left over.
    assert subtract([(0, 4), (6, 8), (10, 12)], [(3, 5), (6, 8), (12, 13)]) == [
        (0, 3),
        (10, 12),
    ]


def test_overlapping_holes_and_unsorted_input_give_sorted_disjoint_parts():
    assert subtract([(20, 30), (0, 10)], [(8, 22), (5, 9), (25, 26)]) == [
        (0, 5),
        (22, 25),
        (26, 30),
    ]
