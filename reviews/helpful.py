"""The «مفید بود» button of a review, and its markers in pages shared by signed-in visitors.

`helpful_html` is the one markup (`reviews/_helpful.html` prints it). In a page shared by signed-in
visitors (`azmoodegan.shared`) each review carries `<!--az-helpful:REVIEW:AUTHOR:SUBJECT:COUNT-->`
instead, and `fill_markers` draws every button of the page for this visitor with one query (which of
these reviews they marked already): the author and the reviewed expert never get the button.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from azmoodegan.persian import format_number

FORM_HTML = (
    '<span class="az-helpful" id="helpful-{pk}"><form method="post" action="{url}" hx-post="{url}"'
    ' hx-target="#helpful-{pk}" hx-swap="outerHTML" class="d-inline">{csrf}<button class="btn btn-sm'
    ' btn-outline-secondary" type="submit" data-testid="helpful"><i class="bi bi-hand-thumbs-up" aria-hidden="true">'
    "</i> {label}{count}</button></form></span>"
)
COUNT_HTML = (
    '<span class="az-helpful" id="helpful-{pk}"><span class="small az-muted" data-testid="helpful-count">'
    '<i class="bi bi-hand-thumbs-up{fill}" aria-hidden="true"></i> {text}</span></span>'
)
EMPTY_HTML = '<span class="az-helpful" id="helpful-{pk}"></span>'


def helpful_html(review_id: int, count: int, *, can_mark: bool, marked: bool, csrf_input: str) -> str:
    """The button (a visitor who may still mark it), or how many found it helpful, or nothing."""
    if can_mark and not marked:
        return format_html(FORM_HTML, pk=review_id, url=reverse("reviews:helpful", args=[review_id]), csrf=csrf_input,
                           label=gettext("Helpful"), count=f" ({format_number(count)})" if count else "")
    if count or marked:
        return format_html(COUNT_HTML, pk=review_id, fill="-fill" if marked else "",
                           text=gettext("%(n)s found this helpful") % {"n": format_number(count)})
    return format_html(EMPTY_HTML, pk=review_id)


def marker(review) -> str:
    return f"<!--az-helpful:{int(review.pk)}:{int(review.author_id)}:{int(review.subject_id)}:{int(review.helpful_count)}-->"


def may_mark(user, author_id: int, subject_id: int) -> bool:
    return bool(user is not None and user.is_authenticated and user.pk not in (author_id, subject_id))


def fill_markers(request, args: list[str]) -> dict[str, str]:
    from azmoodegan.compiled import marked_ids
    from azmoodegan.shared import PK_STANDIN, csrf_input, stamp

    from .models import HelpfulVote

    user = getattr(request, "user", None)
    rows = [tuple(int(x) for x in arg.split(":")) for arg in args]
    marked = set()
    if user is not None and user.is_authenticated and rows:
        marked = marked_ids(HelpfulVote, "review_id", "user_id", user.pk, [r[0] for r in rows])
    field = csrf_input()
    drawn = {}  # (can mark, marked, count) → the part drawn once for a stand-in id
    out = {}
    for arg, (pk, author, subject, count) in zip(args, rows, strict=True):
        state = (may_mark(user, author, subject), pk in marked, count)
        if state not in drawn:
            drawn[state] = helpful_html(PK_STANDIN, count, can_mark=state[0], marked=state[1], csrf_input=field)
        out[arg] = stamp(drawn[state], pk)
    return out
