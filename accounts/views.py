from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import actions
from .exceptions import AccountError
from .forms import ExpertProfileForm
from .models import ExpertProfile


@login_required
def become_expert(request):
    """متخصص شوید: a buyer fills an expert profile and may then list services."""
    if request.user.is_expert:
        return redirect("accounts:expert_profile_edit")
    form = ExpertProfileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.expert_profile_create(user=request.user, **form.profile_fields())
        except AccountError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Welcome aboard! Your expert profile is ready."))
            return redirect("accounts:expert_profile_edit")
    return render(request, "accounts/become_expert.html", {"form": form})


@login_required
def expert_profile_edit(request):
    profile = getattr(request.user, "expert_profile", None)
    if profile is None:
        return redirect("accounts:become_expert")
    form = ExpertProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        actions.expert_profile_update(profile=profile, actor=request.user, **form.profile_fields())
        messages.success(request, _("Your expert profile was saved."))
        return redirect("accounts:expert_profile_edit")
    return render(request, "accounts/expert_profile_edit.html", {"form": form, "profile": profile})


def expert_public(request, user_id: int):
    profile = get_object_or_404(ExpertProfile.objects.select_related("user", "user__home_profile"), user_id=user_id, user__is_active=True)
    return render(request, "accounts/expert_public.html", {"profile": profile})
