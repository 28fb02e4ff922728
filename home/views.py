"""Account trust (mobile, photo, identity, details, vacation), sign-in by code, portfolio, saved
services and the dashboards."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from azmoodegan.persian import to_persian_digits
from services.models import Service

from . import photos, selectors, vacation, verification
from .exceptions import HomeError
from .forms import CodeForm, DetailsForm, IdentityForm, MobileForm, PhotoForm, PortfolioForm, VacationForm
from .models import PortfolioItem, Profile, SavedService

SESSION_MOBILE = "home_pending_mobile"
SESSION_LOGIN_MOBILE = "home_login_mobile"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "-"


def _profile(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def _settings_page(request, status=200, **forms):
    profile = _profile(request.user)
    pending = request.session.get(SESSION_MOBILE)
    context = {
        "profile": profile, "pending_mobile": pending,
        "mobile_form": MobileForm(initial={"mobile": pending or profile.mobile}),
        "code_form": CodeForm(), "photo_form": PhotoForm(),
        "identity_form": IdentityForm(initial={"national_code": profile.national_code}),
        "details_form": DetailsForm(initial={"education": profile.education}),
        "vacation_form": VacationForm(initial={
            "vacation_start": _jalali(profile.vacation_start), "vacation_end": _jalali(profile.vacation_end),
            "vacation_message": profile.vacation_message}),
        "on_vacation": profile.on_vacation(),
    }
    context.update(forms)
    return render(request, "home/settings.html", context, status=status)


def _jalali(day):
    if not day:
        return ""
    import jdatetime

    return to_persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


@login_required
def trust_settings(request):
    return _settings_page(request)


@login_required
@require_POST
def mobile_send(request):
    form = MobileForm(request.POST)
    if form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            if Profile.objects.filter(mobile=mobile, mobile_verified_at__isnull=False).exclude(
                    user=request.user).exists():
                raise HomeError(_("This mobile number is already verified on another account."), field="mobile")
            verification.send_code(mobile=mobile, purpose="verify", user_id=request.user.pk, ip=client_ip(request))
        except HomeError as exc:
            form.add_error(exc.field, exc.message)
        else:
            request.session[SESSION_MOBILE] = mobile
            messages.success(request, _("We texted a 6-digit code to %(m)s.") % {"m": to_persian_digits(mobile)})
            return redirect("home:settings")
    return _settings_page(request, mobile_form=form, status=400)


@login_required
@require_POST
def mobile_verify(request):
    form = CodeForm(request.POST)
    mobile = request.session.get(SESSION_MOBILE)
    if mobile is None:
        messages.error(request, _("No code was sent to this number. Please ask for a code first."))
        return redirect("home:settings")
    if form.is_valid():
        try:
            verification.verify_mobile(user=request.user, mobile=mobile, code=form.cleaned_data["code"])
        except HomeError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(SESSION_MOBILE, None)
            messages.success(request, _("Your mobile number is verified."))
            return redirect("home:settings")
    return _settings_page(request, code_form=form, status=400)


@require_http_methods(["GET", "POST"])
def login_by_code(request):
    """Sign in with a code texted to a verified mobile, instead of a password."""
    if request.user.is_authenticated:
        return redirect("home")
    mobile = request.session.get(SESSION_LOGIN_MOBILE)
    mobile_form, code_form = MobileForm(initial={"mobile": mobile}), CodeForm()
    if request.method == "POST" and "code" in request.POST and mobile:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                verification.check_code(mobile=mobile, purpose="login", code=code_form.cleaned_data["code"])
            except HomeError as exc:
                code_form.add_error("code", exc.message)
            else:
                user = verification.user_for_verified_mobile(mobile)
                if user is None:
                    code_form.add_error("code", _("No account has this verified mobile number."))
                elif _has_two_step(user):
                    # A texted code must not get round two-step sign-in.
                    code_form.add_error("code", _("Your account uses two-step sign-in: please sign in with your "
                                                  "email and password."))
                else:
                    request.session.pop(SESSION_LOGIN_MOBILE, None)
                    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                    messages.success(request, _("You are signed in."))
                    return redirect(request.GET.get("next") if _safe_next(request) else "home")
    elif request.method == "POST":
        mobile_form = MobileForm(request.POST)
        if mobile_form.is_valid():
            number = mobile_form.cleaned_data["mobile"]
            try:
                if verification.user_for_verified_mobile(number) is None:
                    raise HomeError(_("No account has this verified mobile number. Sign in with your email and "
                                      "password, then verify your mobile in your account."), field="mobile")
                verification.send_code(mobile=number, purpose="login", user_id=None, ip=client_ip(request))
            except HomeError as exc:
                mobile_form.add_error("mobile", exc.message)
            else:
                request.session[SESSION_LOGIN_MOBILE] = number
                mobile = number
                messages.success(request, _("We texted a 6-digit code to %(m)s.") % {"m": to_persian_digits(number)})
    return render(request, "home/login_code.html", {"mobile_form": mobile_form, "code_form": code_form,
                                                    "mobile": mobile})


def _has_two_step(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exists()


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.GET.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, {request.get_host()})


@login_required
@require_POST
def photo_upload(request):
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        photos.set_photo(user=request.user, upload=form.cleaned_data["photo"])
        messages.success(request, _("Your photo was saved."))
        return redirect("home:settings")
    return _settings_page(request, photo_form=form, status=400)


@login_required
@require_POST
def identity_submit(request):
    form = IdentityForm(request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            profile = Profile.objects.select_for_update().get(pk=_profile(request.user).pk)
            upload = form.cleaned_data["id_card"]
            profile.id_card.save(upload.name, upload, save=False)
            profile.national_code = form.cleaned_data["national_code"]
            profile.identity = Profile.Identity.PENDING
            profile.identity_checked_at = None
            profile.save()
        messages.success(request, _("Thank you. Staff will check your ID card soon."))
        return redirect("home:settings")
    return _settings_page(request, identity_form=form, status=400)


@login_required
@require_POST
def details_save(request):
    form = DetailsForm(request.POST)
    if form.is_valid():
        Profile.objects.filter(pk=_profile(request.user).pk).update(education=form.cleaned_data["education"])
        vacation.refresh_public_pages()
        messages.success(request, _("Saved."))
        return redirect("home:settings")
    return _settings_page(request, details_form=form, status=400)


@login_required
@require_POST
def vacation_save(request):
    if "end" in request.POST:
        vacation.vacation_end(user=request.user)
        messages.success(request, _("Welcome back! Your services can be ordered again."))
        return redirect("home:settings")
    form = VacationForm(request.POST)
    if form.is_valid():
        try:
            vacation.vacation_set(user=request.user, start=form.cleaned_data["vacation_start"],
                                  end=form.cleaned_data["vacation_end"],
                                  message=form.cleaned_data["vacation_message"])
        except HomeError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Vacation mode is set."))
            return redirect("home:settings")
    return _settings_page(request, vacation_form=form, status=400)


# --- Portfolio ---------------------------------------------------------------------------------


def _expert_or_redirect(request):
    return None if request.user.is_expert else redirect("accounts:become_expert")


@login_required
@require_http_methods(["GET", "POST"])
def portfolio(request):
    if (response := _expert_or_redirect(request)) is not None:
        return response
    items = list(PortfolioItem.objects.filter(owner=request.user).select_related("service"))
    form = PortfolioForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the owner's row so two uploads at once cannot both be the 12th.
            get_user_model().objects.select_for_update().filter(pk=request.user.pk).first()
            if PortfolioItem.objects.filter(owner=request.user).count() >= PortfolioItem.MAX_ITEMS:
                form.add_error(None, _("A portfolio holds at most %(n)s items; remove one to add another.")
                               % {"n": to_persian_digits(PortfolioItem.MAX_ITEMS)})
            else:
                item = form.save(commit=False)
                item.owner = request.user
                from azmoodegan.uploads import clean_image

                item.image = clean_image(form.cleaned_data["image"], max_side=1200, name="portfolio")
                item.save()
                vacation.refresh_public_pages()
                messages.success(request, _("Added to your portfolio."))
                return redirect("home:portfolio")
    return render(request, "home/portfolio.html", {"items": items, "form": form,
                                                   "full": len(items) >= PortfolioItem.MAX_ITEMS,
                                                   "max_items": PortfolioItem.MAX_ITEMS},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_edit(request, pk: int):
    item = get_object_or_404(PortfolioItem, pk=pk, owner=request.user)
    form = PortfolioForm(request.POST or None, request.FILES or None, instance=item, owner=request.user)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        upload = request.FILES.get("image")
        if upload is not None:
            from azmoodegan.uploads import clean_image

            item.image = clean_image(upload, max_side=1200, name="portfolio")
        item.save()
        vacation.refresh_public_pages()
        messages.success(request, _("Saved."))
        return redirect("home:portfolio")
    return render(request, "home/portfolio_edit.html", {"form": form, "item": item},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def portfolio_delete(request, pk: int):
    item = get_object_or_404(PortfolioItem, pk=pk, owner=request.user)
    item.delete()
    vacation.refresh_public_pages()
    messages.success(request, _("Removed from your portfolio."))
    return redirect("home:portfolio")


# --- Saved services ------------------------------------------------------------------------------


@login_required
@require_POST
def saved_toggle(request, service_id: int):
    service = get_object_or_404(Service, pk=service_id, status=Service.Status.PUBLISHED)
    deleted, _rows = SavedService.objects.filter(user=request.user, service=service).delete()
    saved = not deleted
    if saved:
        try:
            with transaction.atomic():
                SavedService.objects.create(user=request.user, service=service)
        except IntegrityError:
            pass  # saved twice at once: it is saved
    if request.htmx:
        return render(request, "home/_heart.html", {"service_id": service.pk, "saved": saved})
    messages.success(request, _("Saved.") if saved else _("Removed from your saved services."))
    return redirect(request.POST.get("next") or "home:saved")


@login_required
def saved_list(request):
    from services.selectors import with_card_data

    qs = with_card_data(Service.objects.filter(saves__user=request.user, status=Service.Status.PUBLISHED)
                        .order_by("-saves__created_at", "-pk"))
    page = Paginator(qs, 24).get_page(request.GET.get("page"))
    return render(request, "home/saved.html", {"page": page, "services": list(page.object_list),
                                               "saved_ids": {s.pk for s in page.object_list}})


# --- Dashboards ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    if (response := _expert_or_redirect(request)) is not None:
        return response
    from azmoodegan import shell

    from .dashboard_html import dashboard_html

    # The header's unread counts come in the same cache round trip as the dashboard's figures.
    header_keys = shell.header_count_keys(request.user.pk)
    data = selectors.expert_dashboard(request.user, also=list(header_keys.values()))
    shell.seed_header_counts(request, request.user.pk, data["also"])
    profile = request.user.expert_profile
    return render(request, "home/dashboard.html", {"d": data, "now": timezone.now(), "profile": profile,
                                                   "content": dashboard_html(data, profile)})


@staff_member_required
def staff_dashboard(request):
    return render(request, "home/staff_dashboard.html", {"d": selectors.staff_dashboard()})


def portfolio_public_item(request, user_id: int, pk: int):
    item = PortfolioItem.objects.filter(pk=pk, owner_id=user_id, owner__is_active=True).first()
    if item is None:
        raise Http404
    return render(request, "home/portfolio_item.html", {"item": item})


@staff_member_required
def id_card_image(request, user_id: int):
    """The private ID card image, for staff only (linked from the admin)."""
    from django.http import FileResponse

    profile = get_object_or_404(Profile, user_id=user_id)
    if not profile.id_card:
        raise Http404
    import mimetypes

    content_type = mimetypes.guess_type(profile.id_card.name)[0] or "application/octet-stream"
    response = FileResponse(profile.id_card.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
