"""Pages of the money layer: the sandbox bank and the wallet (with withdrawals)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from azmoodegan.persian import format_toman

from . import selectors
from .actions import payout_request, withdrawal_minimum
from .exceptions import EscrowError
from .forms import WithdrawForm
from .gateways.sandbox import callback_redirect, charge_decide
from .models import SandboxCharge


@require_http_methods(["GET", "POST"])
def sandbox_pay(request, authority: str):
    """The sandbox "bank" page: shows the amount and merchant; pay or cancel sends the payer back to us."""
    if settings.PAYMENT_GATEWAY != "sandbox":
        raise Http404
    charge = get_object_or_404(SandboxCharge, authority=authority)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in {"pay", "cancel"}:
            charge = charge_decide(authority=authority, pay=action == "pay")
            return HttpResponseRedirect(callback_redirect(charge))
    decided = charge.status != SandboxCharge.Status.PENDING
    return render(request, "escrow/sandbox_pay.html", {
        "charge": charge, "decided": decided, "return_url": callback_redirect(charge) if decided else "",
    })


def _profile_sheba(user) -> str:
    profile = getattr(user, "expert_profile", None)
    return (profile.sheba if profile is not None else "") or ""


def _wallet_page(request, form: WithdrawForm, *, status: int = 200):
    balances = selectors.wallet_summary(request.user)
    return render(request, "escrow/wallet.html", {
        "balances": balances,
        "clearance_days": settings.CLEARANCE_DAYS,
        "page_obj": selectors.wallet_lines(request.user, page=request.GET.get("page", 1)),
        "withdrawals": selectors.wallet_withdrawals(request.user),
        "form": form,
        "withdraw_min": withdrawal_minimum(),
        "can_withdraw": balances["available"] >= withdrawal_minimum(),
    }, status=status)


@login_required
def wallet(request):
    """کیف پول: balances, the withdrawal form, withdrawals with their state, and every ledger line."""
    return _wallet_page(request, WithdrawForm(profile_sheba=_profile_sheba(request.user)))


@login_required
@require_POST
def withdraw(request):
    """Ask to withdraw: the amount is reserved at once; a double submit (same form key) asks once."""
    form = WithdrawForm(request.POST, profile_sheba=_profile_sheba(request.user))
    if form.is_valid():
        try:
            payout = payout_request(
                user=request.user, amount=form.amount_rials(), sheba=form.cleaned_data["sheba"],
                idempotency_key=f"{request.user.pk}:{form.cleaned_data['key']}",
            )
        except EscrowError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _(
                "Your withdrawal of %(amount)s was registered. It is paid to your bank account in the next "
                "transfer batch, usually within one working day.") % {"amount": format_toman(payout.amount)})
            return redirect("escrow:wallet")
    return _wallet_page(request, form)
