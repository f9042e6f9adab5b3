"""Fleiss' kappa, against examples computed by hand and Fleiss' own table."""

import pytest

from training.kappa import category_kappas, fleiss_kappa


def test_three_raters_three_comments_by_hand():
    # Three responders, three comments, rules A, B, C:
    # comment 1: all say A; comment 2: all say B; comment 3: one each.
    # p = (4/9, 4/9, 1/9); P_i = (1, 1, 0), mean 2/3; P_e = 33/81 = 11/27.
    # kappa = (2/3 - 11/27) / (1 - 11/27) = 7/16.
    # Per rule: A and B 1 - 2 / (3*3*2 * 4/9 * 5/9) = 0.55;
    # C: 1 - 2 / (3*3*2 * 1/9 * 8/9) = -0.125.
    table = [[3, 0, 0], [0, 3, 0], [1, 1, 1]]
    assert fleiss_kappa(table) == pytest.approx(7 / 16)
    assert category_kappas(table) == pytest.approx([0.55, 0.55, -0.125])


def test_fleiss_1971_example():
    # The worked example on https://en.wikipedia.org/wiki/Fleiss%27_kappa:
    # 14 raters, 10 subjects, 5 categories, kappa 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    assert fleiss_kappa(table) == pytest.approx(0.2099, abs=1e-4)


def test_perfect_agreement_and_bad_tables():
    assert fleiss_kappa([[2, 0], [0, 2]]) == pytest.approx(1)
    assert category_kappas([[2, 0], [2, 0]]) == [None, None]
    assert fleiss_kappa([[2, 0], [2, 0]]) is None
    for bad in ([], [[1, 0]], [[2, 0], [1, 0]]):
        with pytest.raises(ValueError):
            fleiss_kappa(bad)
