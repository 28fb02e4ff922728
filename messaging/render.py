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

from django.template.defaultfilters import filesizeformat, linebreaksbr, truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from azmoodegan import persian
from azmoodegan.templatetags.persian import fa_digits

_PK = 987654321  # a stand-in id: one reverse() per list, then the real ids put in its place


def _url_maker(name: str):
    prefix, suffix = reverse(name, args=[_PK]).split(str(_PK))
    return lambda pk: f"{prefix}{pk}{suffix}"


class _Times:
    """`<time>` elements of one list: the Jalali day is worked out once per calendar day, not once per line."""

    def __init__(self):
        self.days: dict = {}
        self.at = str(persian.AT_TIME)

    def __call__(self, value) -> str:
        local = timezone.localtime(value)
        day = local.date()
        label = self.days.get(day)
        if label is None:
            label = self.days[day] = persian.jalali_date(day)
        text = f"{label}، {self.at} {persian.to_persian_digits(local.strftime('%H:%M'))}"
        return mark_safe(f'<time datetime="{local.isoformat()}">{escape(text)}</time>')  # noqa: S308


def receipt_html(m, other_read_at) -> SafeString:
    """✓ sent / ✓✓ read on one of my messages (its id lets the poll replace it)."""
    if other_read_at and m.created_at <= other_read_at:
        inner = '<i class="bi bi-check2-all text-primary" aria-hidden="true"></i> ' + escape(_("Read"))
    else:
        inner = '<i class="bi bi-check2" aria-hidden="true"></i> ' + escape(_("Sent"))
    return mark_safe(f'<span id="r{m.pk}" class="az-receipt" data-testid="receipt">{inner}</span>')  # noqa: S308


def messages_html(rows, *, viewer, participant: bool, other_read_at) -> SafeString:
    """The lines of a thread, oldest first, as `viewer` sees them."""
    viewer_id = getattr(viewer, "pk", None)
    staff = getattr(viewer, "is_staff", False)
    report_url = _url_maker("messaging:report")
    file_url = _url_maker("messaging:attachment")
    report = escape(_("Report"))
    flagged = escape(_("flagged"))
    time_html = _Times()
    out = []
    for m in rows:
        if not m.sender_id:
            out.append(format_html(
                '<div class="az-system" id="m{}" data-testid="system-line"><span><i class="bi bi-info-circle" '
                'aria-hidden="true"></i> {} · {}</span></div>', m.pk, m.body, time_html(m.created_at)))
            continue
        mine = participant and m.sender_id == viewer_id
        parts = [f'<div class="az-msg{" az-mine" if mine else ""}" id="m{m.pk}" data-testid="message">'
                 '<div class="az-bubble">']
        if m.body:
            parts.append(f'<div class="az-body" dir="auto">{linebreaksbr(m.body, autoescape=True)}</div>')
        if m.attachment_count:
            parts.append('<ul class="list-unstyled mb-0 mt-1 small">')
            for a in getattr(m, "files", ()):
                parts.append(format_html(
                    '<li><a href="{}" data-testid="attachment"><i class="bi bi-{}" aria-hidden="true"></i> {}</a> '
                    '<span class="az-muted">({})</span></li>',
                    file_url(a.pk), "image" if a.is_image else "paperclip", a.original_name,
                    fa_digits(filesizeformat(a.size))))
            parts.append("</ul>")
        parts.append(f'<div class="az-meta">{time_html(m.created_at)}')
        if mine:
            parts.append(" " + receipt_html(m, other_read_at))
        elif participant:
            parts.append(f' · <a class="az-muted" href="{report_url(m.pk)}" data-testid="report">{report}</a>')
        if m.flagged and staff:
            parts.append(f' · <span class="text-danger">{flagged}</span>')
        parts.append("</div></div></div>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def avatar_html(person) -> SafeString:
    profile = getattr(person, "expert_profile", None)
    if profile is not None and profile.avatar:
        return format_html('<img class="az-avatar az-avatar-sm" src="{}" alt="" loading="lazy">', profile.avatar.url)
    return format_html('<span class="az-avatar az-avatar-sm" aria-hidden="true">{}</span>', person.display_name[:1])


def _preview(body: str, length: int = 90) -> str:
    """`truncatechars:90`, without its character-by-character walk for the usual short message."""
    if len(body) <= length:  # combining marks only make the counted length shorter: never cut
        return unicodedata.normalize("NFC", body)  # as Truncator returns it
    return truncatechars(body, length)


def inbox_rows_html(rows, viewer) -> SafeString:
    """The inbox rows (`selectors.InboxRow`): the other person, what it is about, the last message, when,
    and the viewer's unread count."""
    url = _url_maker("messaging:conversation")
    you = escape(_("You:"))
    file_line = '<i class="bi bi-paperclip" aria-hidden="true"></i> ' + escape(_("(file)"))
    now = timezone.now()
    out = []
    for r in rows:
        if r.order_id:
            about = format_html('<i class="bi bi-bag-check" aria-hidden="true"></i> {}', r.order_title)
        else:
            about = escape(r.service_title or "")
        text = escape(_preview(r.last_body)) if r.last_body else file_line
        badge = (format_html(' <span class="badge rounded-pill text-bg-danger" data-testid="inbox-unread">{}</span>',
                             fa_digits(r.unread)) if r.unread else "")
        out.append(
            f'<li class="az-inbox-row{" az-unread" if r.unread else ""}">'
            f'<a class="d-flex gap-3 align-items-center p-3 text-reset text-decoration-none" href="{url(r.pk)}" '
            f'data-testid="inbox-row">{avatar_html(r.other)}<div class="flex-grow-1 min-w-0">'
            f'<div class="d-flex justify-content-between gap-2"><strong class="text-truncate">'
            f'{escape(r.other.display_name)}</strong><span class="small az-muted text-nowrap">'
            f'{escape(persian.relative_time(r.last_activity_at, now))}</span></div>'
            f'<div class="small az-muted text-truncate">{about}</div>'
            f'<div class="d-flex justify-content-between gap-2"><span class="text-truncate small">'
            f'{you + " " if r.mine else ""}{text}</span>{badge}</div></div></a></li>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
