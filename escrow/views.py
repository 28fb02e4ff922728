"""Pages of the money layer: the sandbox bank and the wallet."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from . import selectors
from .gateways.sandbox import callback_redirect, charge_decide
from .models import SandboxCharge


@require_http_methods(["GET", "POST"])
def sandbox_pay(request, authority: str):
    """The sandbox "bank" page: shows the amount and merchant; pay or cancel sends the payer back to us."""
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


@login_required
def wallet(request):
    """کیف پول: available and pending balances and every ledger line of the signed-in user."""
    return render(request, "escrow/wallet.html", {
        "balances": selectors.wallet_summary(request.user),
        "clearance_days": settings.CLEARANCE_DAYS,
        "page_obj": selectors.wallet_lines(request.user, page=request.GET.get("page", 1)),
    })
