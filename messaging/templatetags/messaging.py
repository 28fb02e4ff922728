from django import template

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
