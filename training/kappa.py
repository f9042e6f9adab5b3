"""Fleiss' kappa: how far raters agree beyond chance. Pure Python.

``table`` has one row per item (comment) and one column per category (rule),
each cell the number of raters who put that item in that category; every row
sums to the same number of raters n >= 2. Formulas of Fleiss (1971), as in
https://en.wikipedia.org/wiki/Fleiss%27_kappa.
"""


def _checked(table):
    if not table:
        raise ValueError("no items")
    raters = sum(table[0])
    if raters < 2 or any(sum(row) != raters for row in table):
        raise ValueError("every item needs the same number of raters, at least two")
    return raters


def fleiss_kappa(table):
    """Return the overall kappa, or ``None`` when chance agreement is total."""
    n = _checked(table)
    items = len(table)
    shares = [sum(row[j] for row in table) / (items * n) for j in range(len(table[0]))]
    observed = (
        sum((sum(c * c for c in row) - n) / (n * (n - 1)) for row in table) / items
    )
    chance = sum(p * p for p in shares)
    if chance == 1:
        return None
    return (observed - chance) / (1 - chance)


def category_kappas(table):
    """Return each category's kappa (``None`` where nobody or everybody chose it).

    Fleiss' category-wise kappa: 1 - sum_i n_ij (n - n_ij) / (N n (n - 1) p_j q_j).
    """
    n = _checked(table)
    items = len(table)
    result = []
    for j in range(len(table[0])):
        column = [row[j] for row in table]
        p = sum(column) / (items * n)
        if p in (0, 1):
            result.append(None)
            continue
        disagreement = sum(c * (n - c) for c in column)
        result.append(1 - disagreement / (items * n * (n - 1) * p * (1 - p)))
    return result
