"""Pages of long lists without counting every row.

Django's ``Paginator`` counts the whole result to number the pages, which on a
table of a million rows costs more than the page itself. ``Window`` reads one
row more than it shows (is there a next page?) and counts at most ``cap`` rows:
"1-50 of more than 1,000" says enough to someone triaging.
"""

from dataclasses import dataclass

PAGE_SIZES = (25, 50, 100)
COUNT_CAP = 1_000
# Deeper than this, filter instead: the offset would cost more than it helps.
MAX_PAGE = 1_000


@dataclass
class Window:
    items: list
    number: int
    size: int
    has_next: bool
    total: int
    total_capped: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self):
        return (self.number - 1) * self.size + len(self.items)


def parse_size(value, default=50):
    """Return the page size asked for if it is one of ``PAGE_SIZES``."""
    return int(value) if value in {str(size) for size in PAGE_SIZES} else default


def parse_number(value):
    """Return the page number asked for, within 1..MAX_PAGE (1 when unreadable)."""
    try:
        return min(MAX_PAGE, max(1, int(value)))
    except (TypeError, ValueError):
        return 1


def window(queryset, *, number=1, size=50, cap=None):
    """Return page ``number`` of ``queryset`` in two queries (plus prefetches)."""
    cap = cap or COUNT_CAP
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    # COUNT over a LIMIT subquery: exact up to the cap, bounded cost beyond.
    total = queryset.order_by()[: cap + 1].count()
    return Window(
        items=rows[:size],
        number=number,
        size=size,
        has_next=len(rows) > size,
        total=min(total, cap),
        total_capped=total > cap,
    )
