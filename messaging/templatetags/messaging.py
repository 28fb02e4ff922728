from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def header_counts(context) -> dict:
    """Unread messages and notifications of the signed-in user, from Redis (one read per request)."""
    from azmoodegan.shell import header_counts as counts

    return counts(context["request"])


@register.simple_tag(takes_context=True)
def order_thread(context, order) -> dict | None:
    """The order's conversation for the order page (created on first view), marked read for its viewer."""
    from .. import actions, selectors
    from ..forms import MessageForm
    from ..views import POLL_MS, _read_token

    user = context["request"].user
    conv = actions.order_conversation(order)
    participant = conv.has_participant(user)
    if not participant and not user.is_staff:
        return None
    conv.order = order
    if participant:
        actions.mark_read(conv, user)
    rows, more = selectors.latest_messages(conv)
    return {
        "conv": conv, "rows": rows, "more": more, "participant": participant, "form": MessageForm(),
        "last_id": rows[-1].pk if rows else 0, "read_token": _read_token(conv, user) if participant else "",
        "other_read_at": conv.other_read_at(user) if participant else None, "poll_ms": POLL_MS,
    }


@register.filter
def response_phrase(seconds):
    from ..stats import response_phrase as phrase

    return phrase(seconds)


@register.inclusion_tag("messaging/_response_line.html")
def expert_response(user_id):
    """The expert's measured responsiveness (one query), for the service page and the profile."""
    from ..models import ResponseStats

    stats = ResponseStats.objects.filter(expert_id=user_id).first()
    return {"stats": stats}


@register.simple_tag(takes_context=True)
def thread_lines(context, rows):
    """The message lines of a thread as the signed-in viewer sees them (see messaging/render.py)."""
    from ..render import messages_html

    return messages_html(rows, viewer=context["request"].user, participant=context.get("participant", False),
                         other_read_at=context.get("other_read_at"))


@register.simple_tag(takes_context=True)
def older_lines(context):
    """The thread's lines (`rows`) as `thread_lines` writes them, after the element that loads older ones on
    scroll if there are more (`more`)."""
    from ..render import messages_html, older_html

    rows = context["rows"]
    lines = messages_html(rows, viewer=context["request"].user, participant=context.get("participant", False),
                          other_read_at=context.get("other_read_at"))
    return older_html(context["conv"].pk, rows, context.get("more", False)) + lines


@register.simple_tag(takes_context=True)
def poller(context, oob=False):
    """The thread's poller and the composer's hidden `after` (see `render.poller_html`)."""
    from ..render import poller_html

    return poller_html(context["conv"].pk, context.get("last_id", ""), context.get("read_token", ""),
                       context.get("poll_ms", ""), oob=oob)


@register.simple_tag
def receipt(m, other_read_at):
    from ..render import receipt_html

    return receipt_html(m, other_read_at)


@register.simple_tag(takes_context=True)
def inbox_rows(context, conversations):
    from ..render import inbox_rows_html

    return inbox_rows_html(conversations, context["request"].user)


@register.simple_tag
def avatar(person):
    from ..render import avatar_html

    return avatar_html(person)


_UNBOUND_FIELDS: dict = {}


@register.simple_tag
def composer_field(form, name: str):
    """A composer field's widget (styled, unless hidden). An empty composer (most page views) is the same HTML for everyone
    in a language, so it is rendered once per process and language; a submitted one is always rendered."""
    from django.utils.translation import get_language

    from azmoodegan.templatetags.forms import styled

    def render(field):
        return str(field) if field.is_hidden else styled(field)

    if form.is_bound:
        return render(form[name])
    key = (type(form), name, get_language())
    html = _UNBOUND_FIELDS.get(key)
    if html is None:
        html = _UNBOUND_FIELDS[key] = render(form[name])
    return html


_PK = 987654321  # a stand-in conversation id in the cached composer, replaced by the real one per request
_CSRF_SLOT = "azcsrfslot"
_EMPTY_COMPOSERS: dict = {}


@register.simple_tag(takes_context=True)
def empty_composer(context):
    """`messaging/_composer.html` for an empty form and no warning (most page views). That HTML is the same for
    everyone in a language but for two things, put in per request: the conversation's id (in its URLs) and
    the viewer's CSRF token (`{% csrf_token %}` on the page's own context). Nothing of the viewer is kept."""
    from django.template.defaulttags import CsrfTokenNode
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    from ..forms import MessageForm

    key = get_language()
    parts = _EMPTY_COMPOSERS.get(key)
    if parts is None:
        html = render_to_string("messaging/_composer.html", {
            "conv": {"pk": _PK}, "form": MessageForm(), "warning": None, "participant": True,
            "csrf_token": _CSRF_SLOT,
        })
        before, after = html.split(f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_SLOT}">')
        parts = _EMPTY_COMPOSERS[key] = (before.split(str(_PK)), after.split(str(_PK)))
    pk = str(context["conv"].pk)
    return mark_safe(pk.join(parts[0]) + CsrfTokenNode().render(context) + pk.join(parts[1]))  # noqa: S308
