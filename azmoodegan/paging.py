"""Paging a long list without counting it: `per_page + 1` rows say whether a next page exists.

Counting 10,000 open requests or 200 conversations on every visit costs more than the page itself, so
these lists show "previous / next", not "page n of m".
"""

from __future__ import annotations


def page_number(value, most: int | None = None) -> int:
    """The page number a visitor asked for: 1 for anything that is not a whole number above zero."""
    try:
        number = max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1
    return min(number, most) if most else number


class Page:
    """One page of `rows` (the page's rows plus, if there is one, the first row of the next page)."""

    def __init__(self, rows: list, number: int, per_page: int):
        self.number = number
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number, self.previous_page_number = number + 1, number - 1

    @classmethod
    def of(cls, queryset, number, per_page: int) -> Page:
        """Page `number` (as the visitor typed it) of `queryset`, read in one query."""
        number = page_number(number)
        start = (number - 1) * per_page
        return cls(list(queryset[start:start + per_page + 1]), number, per_page)

    def __iter__(self):
        return iter(self.object_list)
