"""The HTML of message lines, read receipts and inbox rows, built in Python rather than by per-row templates.

A conversation page shows 30 messages and the inbox 30 rows; through `{% include %}` each row cost about a
millisecond of template work (context pushes, variable lookups, a `{% url %}` per row), which was most of
these pages' own time. These functions write the same markup in one pass, escaping every value with
`format_html`/`escape`. Everything that depends on the viewer is an argument, computed per request (never
cached): which side is "mine", the read receipt against the other side's read marker, the report link,
the staff-only "flagged" mark. Nothing here touches the database: attachments come from
`selectors.attach_files` and names and avatars from the rows' `select_related`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat, truncatechars
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from azmoodegan import persian
from azmoodegan.escaping import conditional_escape as esc
from azmoodegan.escaping import escape as _esc
from azmoodegan.templatetags.persian import fa_digits


def _lines_br(text: str) -> str:
    """`linebreaksbr(text, autoescape=True)`."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _esc(text).replace("\n", "<br>")


_PK = 987654321  # a stand-in id: one reverse() per list, then the real ids put in its place


def _url_maker(name: str):
    """`pk -> reverse(name, args=[pk])`, worked out once per URL configuration and script prefix."""
    return _url_parts(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=64)
def _url_parts(name: str, script_prefix: str, urlconf):
    prefix, suffix = reverse(name, args=[_PK]).split(str(_PK))
    return lambda pk: f"{prefix}{pk}{suffix}"


@lru_cache(maxsize=16)
def _labels(language) -> dict:
    """The fixed words of lines and rows, translated and escaped once per language (not on every list)."""
    return {
        "read": _esc(_("Read")), "sent": _esc(_("Sent")), "report": _esc(_("Report")), "flagged": _esc(_("flagged")),
        "older": _esc(_("Loading older messages…")), "you": _esc(_("You:")), "file": _esc(_("(file)")),
    }


class _Times:
    """`<time>` elements of one list. A message's time reads the same for everyone (in a language and time
    zone), so each is kept per process (`_time_html`): a page's 30 lines mostly repeat the last page's."""

    def __init__(self):
        self.key = (get_language(), timezone.get_current_timezone())

    def __call__(self, value) -> str:
        return _time_html(value, *self.key)


@lru_cache(maxsize=8192)
def _time_html(value, language, tz) -> str:
    local = value.astimezone(tz)  # timezone.localtime(value)
    label = _jalali_day(local.date(), language)
    text = f"{label}، {persian.AT_TIME} {persian.to_persian_digits(local.strftime('%H:%M'))}"
    return f'<time datetime="{local.isoformat()}">{_esc(text)}</time>'


@lru_cache(maxsize=1024)
def _jalali_day(day, language) -> str:
    return persian.jalali_date(day)


class _Receipts:
    """`receipt_html` for the lines of one list: its two labels translated once."""

    def __init__(self):
        labels = _labels(get_language())
        self.read = '<i class="bi bi-check2-all text-primary" aria-hidden="true"></i> ' + labels["read"]
        self.sent = '<i class="bi bi-check2" aria-hidden="true"></i> ' + labels["sent"]

    def __call__(self, m, other_read_at) -> str:
        inner = self.read if other_read_at and m.created_at <= other_read_at else self.sent
        return f'<span id="r{m.pk}" class="az-receipt" data-testid="receipt">{inner}</span>'


def receipt_html(m, other_read_at) -> SafeString:
    """✓ sent / ✓✓ read on one of my messages (its id lets the poll replace it)."""
    return mark_safe(_Receipts()(m, other_read_at))  # noqa: S308 - fixed markup and an id


def messages_html(rows, *, viewer, participant: bool, other_read_at) -> SafeString:
    """The lines of a thread, oldest first, as `viewer` sees them."""
    viewer_id = getattr(viewer, "pk", None)
    staff = getattr(viewer, "is_staff", False)
    report_url = _url_maker("messaging:report")
    file_url = _url_maker("messaging:attachment")
    labels = _labels(get_language())
    report, flagged = labels["report"], labels["flagged"]
    time_html = _Times()
    receipt = _Receipts()
    out = []
    for m in rows:
        if not m.sender_id:
            out.append(
                f'<div class="az-system" id="m{m.pk}" data-testid="system-line"><span><i class="bi bi-info-circle" '
                f'aria-hidden="true"></i> {esc(m.body)} · {time_html(m.created_at)}</span></div>')
            continue
        mine = participant and m.sender_id == viewer_id
        parts = [f'<div class="az-msg{" az-mine" if mine else ""}" id="m{m.pk}" data-testid="message">'
                 '<div class="az-bubble">']
        if m.body:
            parts.append(f'<div class="az-body" dir="auto">{_lines_br(m.body)}</div>')
        if m.attachment_count:
            parts.append('<ul class="list-unstyled mb-0 mt-1 small">')
            for a in getattr(m, "files", ()):
                parts.append(
                    f'<li><a href="{file_url(a.pk)}" data-testid="attachment"><i class="bi bi-'
                    f'{"image" if a.is_image else "paperclip"}" aria-hidden="true"></i> {esc(a.original_name)}</a> '
                    f'<span class="az-muted">({esc(fa_digits(filesizeformat(a.size)))})</span></li>')
            parts.append("</ul>")
        parts.append(f'<div class="az-meta">{time_html(m.created_at)}')
        if mine:
            parts.append(" " + receipt(m, other_read_at))
        elif participant:
            parts.append(f' · <a class="az-muted" href="{report_url(m.pk)}" data-testid="report">{report}</a>')
        if m.flagged and staff:
            parts.append(f' · <span class="text-danger">{flagged}</span>')
        parts.append("</div></div></div>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def poller_html(conv_pk: int, last_id: int, read_token: str, poll_ms: int, *, oob: bool = False) -> SafeString:
    """What `_poller.html` was: the element that polls for new lines and receipts (`?after=` the last line
    shown, `&r=` the other side's read marker then), and the composer's hidden `after`."""
    poll_url = _url_maker("messaging:poll")(conv_pk)
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - the token is URL-quoted and escaped, the rest are numbers
        f'<div id="az-poller" hx-get="{poll_url}?after={_esc(last_id)}&r={_esc(quote(str(read_token), safe="/"))}" '
        f'hx-trigger="every {_esc(poll_ms)}ms" data-az-visible-only hx-swap="outerHTML" aria-hidden="true"{swap}>'
        f'</div>\n<input type="hidden" id="az-after" name="after" value="{_esc(last_id)}" form="az-composer"{swap}>\n')


def older_html(conv_pk: int, rows, more: bool) -> SafeString:
    """What `_older.html` starts with: when older lines exist, the element that loads them on scroll."""
    if not more:
        return mark_safe("")
    url = _url_maker("messaging:older")(conv_pk)
    before = _esc(rows[0].pk) if rows else ""
    return mark_safe(  # noqa: S308 - fixed markup, a number and an escaped label
        f'<div id="az-older" class="text-center small az-muted py-2" hx-get="{url}?before={before}" '
        f'hx-trigger="intersect once" hx-swap="outerHTML">{_labels(get_language())["older"]}</div>')


def avatar_html(person) -> SafeString:
    return mark_safe(_avatar(person))  # noqa: S308 - escaped in _avatar


def _avatar(person, name: str | None = None) -> str:
    """The person's avatar, or the first letter of their name (`name`: their `display_name` if known)."""
    profile = getattr(person, "expert_profile", None)
    if profile is not None and profile.avatar:
        return f'<img class="az-avatar az-avatar-sm" src="{esc(profile.avatar.url)}" alt="" loading="lazy">'
    name = person.display_name if name is None else name
    return f'<span class="az-avatar az-avatar-sm" aria-hidden="true">{esc(name[:1])}</span>'


def _preview(body: str, length: int = 90) -> str:
    """`truncatechars:90`, without its character-by-character walk for the usual short message."""
    if len(body) <= length:  # combining marks only make the counted length shorter: never cut
        return unicodedata.normalize("NFC", body)  # as Truncator returns it
    return truncatechars(body, length)


def inbox_rows_html(rows, viewer) -> SafeString:
    """The inbox rows (`selectors.InboxRow`): the other person, what it is about, the last message, when,
    and the viewer's unread count."""
    url = _url_maker("messaging:conversation")
    labels = _labels(get_language())
    you = labels["you"]
    file_line = '<i class="bi bi-paperclip" aria-hidden="true"></i> ' + labels["file"]
    when = persian.RelativeTimes(timezone.now())
    out = []
    for r in rows:
        if r.order_id:
            about = f'<i class="bi bi-bag-check" aria-hidden="true"></i> {esc(r.order_title)}'
        else:
            about = _esc(str(r.service_title or ""))
        text = _esc(_preview(r.last_body)) if r.last_body else file_line
        badge = (f' <span class="badge rounded-pill text-bg-danger" data-testid="inbox-unread">{esc(fa_digits(r.unread))}'
                 '</span>' if r.unread else "")
        other = r.other
        name = str(other.display_name)
        out.append(
            f'<li class="az-inbox-row{" az-unread" if r.unread else ""}">'
            f'<a class="d-flex gap-3 align-items-center p-3 text-reset text-decoration-none" href="{url(r.pk)}" '
            f'data-testid="inbox-row">{_avatar(other, name)}<div class="flex-grow-1 min-w-0">'
            f'<div class="d-flex justify-content-between gap-2"><strong class="text-truncate">'
            f'{_esc(name)}</strong><span class="small az-muted text-nowrap">'
            f'{_esc(when(r.last_activity_at))}</span></div>'
            f'<div class="small az-muted text-truncate">{about}</div>'
            f'<div class="d-flex justify-content-between gap-2"><span class="text-truncate small">'
            f'{you + " " if r.mine else ""}{text}</span>{badge}</div></div></a></li>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
