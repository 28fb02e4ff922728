"""Pages of the messaging app: inbox, a conversation (with polling and paging), attachments, blocks, reports."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orders import storage
from services.models import Service

from . import actions, cache, selectors
from .exceptions import ContactWarning, MessagingError
from .forms import MessageForm, ReportForm
from .models import Conversation

User = get_user_model()
POLL_MS = 4000  # every 4 s while the conversation is open (paused by htmx when the tab is hidden)


def _back(request, default="/"):
    ref = request.META.get("HTTP_REFERER") or ""
    return ref if ref.startswith(("/", request.build_absolute_uri("/"))) else default


@login_required
def inbox(request):
    page = selectors.inbox_page(request.user, request.GET.get("page"))
    return render(request, "messaging/inbox.html", {"page": page, "rows": page.object_list})


@login_required
def start(request, user_id: int):
    """«Contact the expert»: open (or continue) the conversation with this user, about a service if given."""
    other = get_object_or_404(User, pk=user_id, is_active=True)
    service = None
    service_id = request.GET.get("service", "")
    if service_id.isdigit():
        service = Service.objects.filter(pk=int(service_id), owner_id=other.pk).first()
    try:
        conv = actions.conversation_for(request.user, other, service)
    except MessagingError as exc:
        flash.error(request, exc.message)
        return redirect(service.get_absolute_url() if service else _back(request, "/"))
    return redirect(conv.get_absolute_url())


def _thread_context(request, conv: Conversation, *, form=None, warning=None) -> dict:
    """What the conversation page shows; `conv` comes from `selectors.conversation_page` (block states on it)."""
    user = request.user
    rows, more = selectors.latest_messages(conv)
    participant = conv.has_participant(user)
    other = conv.other(user) if participant else conv.expert
    blocked_by_me = participant and conv.order_id is None and user.pk in conv.blockers
    blocked_me = participant and conv.order_id is None and other.pk in conv.blockers
    return {
        "conv": conv, "other": other, "rows": rows, "more": more, "participant": participant,
        "form": form or MessageForm(), "warning": warning,
        "other_read_at": conv.other_read_at(user) if participant else None,
        "last_id": rows[-1].pk if rows else 0,
        "blocked_by_me": blocked_by_me, "blocked_me": blocked_me,
        "read_token": _read_token(conv, user) if participant else "", "poll_ms": POLL_MS,
    }


@login_required
@require_GET
def conversation(request, pk: int):
    conv = selectors.conversation_page(request.user, pk)
    if conv.has_participant(request.user):
        actions.mark_read(conv, request.user)
    return render(request, "messaging/conversation.html", _thread_context(request, conv))


@login_required
@require_POST
def send(request, pk: int):
    conv = selectors.conversation_for_user(request.user, pk, staff_ok=False)
    form = MessageForm(request.POST, request.FILES)
    warning = None
    if form.is_valid():
        try:
            message = actions.message_send(
                conv, request.user, form.cleaned_data["body"], form.cleaned_data["files"],
                confirm_contact=form.cleaned_data["confirm"],
            )
        except ContactWarning as exc:
            warning = exc
            data = request.POST.copy()
            data["confirm"] = "1"
            form = MessageForm(data)
            form.is_valid()
        except MessagingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if request.htmx:
                after = int(request.POST.get("after") or 0)
                rows = selectors.messages_after(conv, after) if after else [message]
                conv.refresh_from_db()
                return render(request, "messaging/_sent.html", {
                    "conv": conv, "form": MessageForm(), "rows": rows, "last_id": rows[-1].pk,
                    "other_read_at": conv.other_read_at(request.user), "participant": True,
                    "read_token": _read_token(conv, request.user), "poll_ms": POLL_MS,
                })
            return redirect(conv.get_absolute_url() + f"#m{message.pk}")
    if request.htmx:
        response = render(request, "messaging/_composer.html", {"conv": conv, "form": form, "warning": warning,
                                                               "participant": True})
        response.status_code = 200
        return response
    ctx = _thread_context(request, selectors.conversation_page(request.user, pk), form=form, warning=warning)
    return render(request, "messaging/conversation.html", ctx, status=200 if warning else 400)


@login_required
@require_GET
def poll(request, pk: int):
    """New messages and read receipts since `after`; 204 (no SQL beyond the session's user) if nothing changed."""
    state = cache.thread_state(pk)
    user = request.user
    if state is None or (user.pk not in (state["b"], state["e"]) and not user.is_staff):
        raise Http404
    after = request.GET.get("after", "0")
    after = int(after) if after.isdigit() else 0
    other_read_key = "er" if user.pk == state["b"] else "br"
    if state["last"] <= after and request.GET.get("r", "") == state[other_read_key]:
        return HttpResponse(status=204)
    conv = selectors.conversation_page(user, pk)  # the page's own prepared query (participants and staff)
    if conv.has_participant(user):
        actions.mark_read(conv, user)
    rows = selectors.messages_after(conv, after)
    recent = []
    if conv.has_participant(user):
        # Read receipts of my latest messages may have changed.
        recent = [m for m in selectors.latest_messages(conv, limit=20)[0] if m.sender_id == user.pk and m.pk <= after]
    return render(request, "messaging/_poll.html", {
        "conv": conv, "rows": rows, "receipts": recent, "participant": conv.has_participant(user),
        "last_id": rows[-1].pk if rows else after, "other_read_at": conv.other_read_at(user),
        "read_token": _read_token(conv, user), "poll_ms": POLL_MS,
    })


def _read_token(conv, user) -> str:
    value = conv.other_read_at(user)
    return value.isoformat() if value else ""


@login_required
@require_GET
def older(request, pk: int):
    conv = selectors.conversation_page(request.user, pk)  # the page's own prepared query (participants and staff)
    before = request.GET.get("before", "")
    if not before.isdigit():
        raise Http404
    rows, more = selectors.latest_messages(conv, before=int(before))
    return render(request, "messaging/_older.html", {
        "conv": conv, "rows": rows, "more": more, "participant": conv.has_participant(request.user),
        "other_read_at": conv.other_read_at(request.user) if conv.has_participant(request.user) else None,
    })


@login_required
@require_POST
def block(request, pk: int):
    conv = selectors.conversation_for_user(request.user, pk, staff_ok=False)
    other = conv.other(request.user)
    if request.POST.get("unblock"):
        actions.unblock_user(request.user, other)
        flash.success(request, _("%(name)s is no longer blocked.") % {"name": other.display_name})
    else:
        actions.block_user(request.user, other)
        flash.success(request, _("%(name)s can no longer send you messages.") % {"name": other.display_name})
    return redirect(conv.get_absolute_url())


@login_required
def report(request, message_id: int):
    message = selectors.message_for_user(request.user, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_message(message, request.user, form.cleaned_data["reason"], form.cleaned_data["note"])
        except MessagingError as exc:
            form.add_error(None, exc.message)
        else:
            flash.success(request, _("Thank you. Azmoodegan's team will look at this message."))
            return redirect(message.conversation.get_absolute_url())
    return render(request, "messaging/report.html", {"form": form, "message": message})


@login_required
@require_GET
def attachment(request, pk: int):
    """A private attachment for the conversation's two participants and staff; 404 for anyone else."""
    return storage.serve(selectors.attachment_for_user(request.user, pk))


@login_required
@require_GET
def unread_badge(request):
    return render(request, "messaging/_badge.html", {"count": cache.unread_total(request.user.pk)})
