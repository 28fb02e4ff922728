from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions
from .forms import PreferenceForm, emailable_kinds
from .models import Notification

PAGE = 30


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user).select_related("actor").order_by("-created_at", "-id")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark one notice read and go to what it is about (POST: a link never changes state on GET)."""
    row = actions.mark_read(request.user, pk)
    if request.POST.get("stay"):
        return redirect("notifications:list")
    target = row.url or "/notifications/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/notifications/"
    return redirect(target)


@login_required
@require_POST
def read_all(request):
    n = actions.mark_all_read(request.user)
    if n:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    pref = actions.preference_for(request.user)
    all_kinds = [name for name, _text in emailable_kinds()]
    initial = {"digest_enabled": pref.digest_enabled, "kinds": [k for k in all_kinds if k not in pref.muted_kinds]}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["kinds"])
        actions.set_preference(request.user, digest_enabled=form.cleaned_data["digest_enabled"],
                               muted_kinds=[k for k in all_kinds if k not in chosen])
        messages.success(request, _("Your email preferences were saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
