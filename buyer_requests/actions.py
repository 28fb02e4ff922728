"""Every write of buyer requests and offers.

Lock order, to stay free of deadlocks: request row → offer rows → (order creation). Every change of
an offer that belongs to a request locks the request first, so "accept" on two offers of one request
at once is serialised: exactly one wins, the other finds the request no longer open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.persian import format_toman, normalize_text, to_persian_digits
from messaging.actions import conversation_for, system_line
from messaging.contact import detect
from notifications.api import notify
from services.models import (
    MAX_DELIVERY_DAYS,
    MAX_PRICE_RIALS,
    MAX_REVISIONS,
    MIN_DELIVERY_DAYS,
    MIN_PRICE_RIALS,
    Service,
)

from .exceptions import ContactDetailsWarning, RequestError, RequestTransitionError
from .models import (
    MAX_OFFER_EXPIRY_DAYS,
    MAX_REQUEST_FILES,
    MIN_OFFER_EXPIRY_DAYS,
    REQUEST_DAYS,
    BuyerRequest,
    Offer,
    RequestEvent,
    RequestFile,
)

R = BuyerRequest.Status
OS = Offer.Status
NEW_ACCOUNT_AGE = dt.timedelta(days=1)


# --- helpers -------------------------------------------------------------------------------------


def _toman(rials: int) -> str:
    return format_toman(rials)


def _check_files(files) -> list[str]:
    from orders.exceptions import OrderFileError
    from orders.filecheck import check_file

    files = list(files or [])
    if len(files) > MAX_REQUEST_FILES:
        raise RequestError(_("You can attach at most %(n)s files.") % {"n": to_persian_digits(MAX_REQUEST_FILES)},
                           field="files", code="too_many")
    types = []
    for f in files:
        try:
            types.append(check_file(f))
        except OrderFileError as exc:
            raise RequestError(exc.message, field="files", code="bad_file") from None
    return types


def _check_budget(budget_min: int | None, budget_max: int | None) -> None:
    if not budget_min or budget_min <= 0:
        raise RequestError(_("Please enter the lowest budget."), field="budget_min", code="budget")
    if not budget_max or budget_max <= 0:
        raise RequestError(_("Please enter the highest budget."), field="budget_max", code="budget")
    if budget_max < budget_min:
        raise RequestError(_("The highest budget cannot be lower than the lowest."), field="budget_max",
                           code="budget_upside_down")


def _check_text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").replace("\r\n", "\n").strip()
    if len(title) < 5:
        raise RequestError(_("Please write a title of at least 5 characters."), field="title", code="title")
    if len(description) < 20:
        raise RequestError(_("Please describe what you need in at least 20 characters."), field="description",
                           code="description")
    return title, description


def _check_deadline(days: int | None) -> None:
    if days is None or not (MIN_DELIVERY_DAYS <= days <= MAX_DELIVERY_DAYS):
        raise RequestError(_("The deadline must be between 1 and 90 days."), field="deadline_days", code="deadline")


def _checked_request(title, description, budget_min, budget_max, deadline_days, files, confirm_contact):
    """A new request's fields checked: (title, description, files, their content types, the contact
    detection). Contact details not yet confirmed by the buyer raise `ContactDetailsWarning`."""
    title, description = _check_text(title, description)
    _check_budget(budget_min, budget_max)
    _check_deadline(deadline_days)
    files = list(files or [])
    types = _check_files(files)
    detection = detect(f"{title}\n{description}")
    if detection.flagged and not confirm_contact:
        raise ContactDetailsWarning(detection)
    return title, description, files, types, detection


def expert_category_ids(expert) -> set[int]:
    """Categories an expert may answer public requests in: those of their published services and their parents."""
    ids = set()
    for cat_id, parent_id in Service.objects.filter(owner=expert, status=Service.Status.PUBLISHED).values_list(
        "category_id", "category__parent_id"
    ):
        ids.add(cat_id)
        if parent_id:
            ids.add(parent_id)
    return ids


def _save_files(req: BuyerRequest, files, types) -> None:
    for f, ctype in zip(files, types, strict=True):
        f.seek(0)
        RequestFile.objects.create(request=req, file=f, original_name=(f.name or "file")[-255:], size=f.size or 0,
                                   content_type=ctype)


def _event(req: BuyerRequest, actor, note: str) -> None:
    RequestEvent.objects.create(request=req, actor=actor if getattr(actor, "pk", None) else None,
                                from_status=req.status, to_status=req.status, note=note)


# --- requests ------------------------------------------------------------------------------------


def request_create_public(*, buyer, category, title: str, description: str, budget_min: int, budget_max: int,
                          deadline_days: int, files: Sequence = (), confirm_contact: bool = False) -> BuyerRequest:
    """Post a public request to a category. New accounts and texts with contact details wait for staff."""
    if category is None:
        raise RequestError(_("Please choose a category."), field="category", code="category")
    title, description, files, types, detection = _checked_request(
        title, description, budget_min, budget_max, deadline_days, files, confirm_contact)
    young = buyer.date_joined and timezone.now() - buyer.date_joined < NEW_ACCOUNT_AGE
    moderation = BuyerRequest.Moderation.PENDING if (young or detection.flagged) else BuyerRequest.Moderation.APPROVED
    with transaction.atomic():
        req = BuyerRequest.objects.create(
            kind=BuyerRequest.Kind.PUBLIC, buyer=buyer, category=category, title=title, description=description,
            budget_min=budget_min, budget_max=budget_max, deadline_days=deadline_days, moderation=moderation,
            flag_kinds=list(detection.kinds), search_text=normalize_text(f"{title} {description}"),
            expires_at=timezone.now() + dt.timedelta(days=REQUEST_DAYS),
        )
        _save_files(req, files, types)
        RequestEvent.objects.create(request=req, actor=buyer, from_status="", to_status=R.OPEN,
                                    note="review" if moderation == BuyerRequest.Moderation.PENDING else "")
    return req


def request_create_custom(*, buyer, expert, service=None, title: str, description: str, budget_min: int,
                          budget_max: int, deadline_days: int, files: Sequence = (),
                          confirm_contact: bool = False) -> BuyerRequest:
    """Send a custom request to one expert; it appears as a line in their conversation."""
    if expert is None or not getattr(expert, "is_expert", False):
        raise RequestError(_("This expert cannot receive requests."), code="not_expert")
    if expert.pk == buyer.pk:
        raise RequestError(_("You cannot send a request to yourself."), code="self")
    title, description, files, types, detection = _checked_request(
        title, description, budget_min, budget_max, deadline_days, files, confirm_contact)
    from messaging.exceptions import MessagingError

    try:
        conversation = conversation_for(buyer, expert, service)
    except MessagingError as exc:
        raise RequestError(exc.message, code="blocked") from None
    with transaction.atomic():
        req = BuyerRequest.objects.create(
            kind=BuyerRequest.Kind.CUSTOM, buyer=buyer, expert=expert, service=service,
            category_id=service.category_id if service else None, conversation=conversation,
            title=title, description=description, budget_min=budget_min, budget_max=budget_max,
            deadline_days=deadline_days, flag_kinds=list(detection.kinds),
            search_text=normalize_text(f"{title} {description}"),
            expires_at=timezone.now() + dt.timedelta(days=REQUEST_DAYS),
        )
        _save_files(req, files, types)
        RequestEvent.objects.create(request=req, actor=buyer, from_status="", to_status=R.OPEN)
        line = system_line(conversation, _("Custom request “%(title)s”: budget %(low)s to %(high)s, within %(days)s days.")
                           % {"title": title, "low": _toman(budget_min), "high": _toman(budget_max),
                              "days": to_persian_digits(deadline_days)})
        BuyerRequest.objects.filter(pk=req.pk).update(message=line)
        req.message = line
        notify(expert, "request_custom_received", req, actor=buyer, buyer=buyer.display_name, title=title)
    return req


def _lock_request(request_id: int) -> BuyerRequest:
    try:
        return BuyerRequest.objects.select_for_update().get(pk=request_id)
    except BuyerRequest.DoesNotExist:
        raise RequestError(_("This request was not found."), code="not_found") from None


def _ensure_buyer(req: BuyerRequest, actor) -> None:
    if actor is None or actor.pk != req.buyer_id:
        raise RequestError(_("Only the buyer of this request can do this."), code="not_allowed")


def _ensure_open(req: BuyerRequest) -> None:
    if req.status != R.OPEN:
        raise RequestTransitionError(
            _("This request is “%(status)s”; this is no longer possible.") % {"status": req.get_status_display()},
            code="not_open",
        )
    if req.expires_at <= timezone.now():
        raise RequestTransitionError(_("This request has expired."), code="expired")


def _decline_others(req: BuyerRequest, *, actor, except_id: int | None, note: str) -> None:
    """Every offer still waiting on `req` is declined and its expert told politely."""
    for offer in Offer.objects.select_for_update().filter(request=req, status=OS.SENT).exclude(pk=except_id):
        offer.transition_to(OS.DECLINED, actor=actor, note=note)
        offer.save(update_fields=["status", "updated_at"])
        notify(offer.expert, "offer_declined", offer, actor=actor, title=req.title)


@transaction.atomic
def request_close(*, request_id: int, actor, reason: str = "") -> BuyerRequest:
    req = _lock_request(request_id)
    _ensure_buyer(req, actor)
    if req.status != R.OPEN:
        raise RequestTransitionError(code="not_open")
    req.transition_to(R.CLOSED, actor=actor, note=reason[:1000])
    req.save(update_fields=["status", "updated_at"])
    _decline_others(req, actor=actor, except_id=None, note="request closed")
    return req


@transaction.atomic
def request_extend(*, request_id: int, actor) -> BuyerRequest:
    """The buyer keeps a public request open 14 more days, once."""
    req = _lock_request(request_id)
    _ensure_buyer(req, actor)
    if not req.is_public or req.status != R.OPEN:
        raise RequestTransitionError(code="not_open")
    if req.extended:
        raise RequestError(_("A request can be extended only once."), code="extended")
    base = max(req.expires_at, timezone.now())
    req.expires_at = base + dt.timedelta(days=REQUEST_DAYS)
    req.extended = True
    req.expiry_warned = False
    req.save(update_fields=["expires_at", "extended", "expiry_warned", "updated_at"])
    _event(req, actor, "extended")
    return req


@transaction.atomic
def request_decline(*, request_id: int, actor, reason: str) -> BuyerRequest:
    """The expert of a custom request cannot take it on, and says why."""
    req = _lock_request(request_id)
    if req.kind != BuyerRequest.Kind.CUSTOM or actor is None or actor.pk != req.expert_id:
        raise RequestError(_("Only the expert this request was sent to can decline it."), code="not_allowed")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise RequestError(_("Please tell the buyer why, in a few words."), field="reason", code="reason")
    _ensure_open(req)
    req.transition_to(R.CLOSED, actor=actor, note=reason[:1000])
    req.save(update_fields=["status", "updated_at"])
    if req.conversation_id:
        system_line(req.conversation, _("The expert declined the request “%(title)s”: %(reason)s")
                    % {"title": req.title, "reason": reason})
    notify(req.buyer, "request_declined", req, actor=actor, expert=actor.display_name, title=req.title)
    return req


def request_expire_due(now=None) -> int:
    """Beat task: open requests past their expiry become expired (their waiting offers too)."""
    now = now or timezone.now()
    done = 0
    for pk in BuyerRequest.objects.filter(status=R.OPEN, expires_at__lte=now).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            req = _lock_request(pk)
            if req.status != R.OPEN or req.expires_at > now:
                continue
            req.transition_to(R.EXPIRED, note="expired")
            req.save(update_fields=["status", "updated_at"])
            for offer in Offer.objects.select_for_update().filter(request=req, status=OS.SENT):
                offer.transition_to(OS.EXPIRED, note="request expired")
                offer.save(update_fields=["status", "updated_at"])
            done += 1
    return done


def request_warn_expiring(now=None) -> int:
    """Beat task: tell buyers once that their public request closes within a day."""
    now = now or timezone.now()
    done = 0
    due = BuyerRequest.objects.filter(status=R.OPEN, kind=BuyerRequest.Kind.PUBLIC, expiry_warned=False,
                                      expires_at__gt=now, expires_at__lte=now + dt.timedelta(days=1))
    for pk in due.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            req = _lock_request(pk)
            if req.expiry_warned:
                continue
            req.expiry_warned = True
            req.save(update_fields=["expiry_warned"])
            notify(req.buyer, "request_expiring", req, title=req.title)
            done += 1
    return done


# --- moderation ----------------------------------------------------------------------------------


@transaction.atomic
def request_moderate(*, request_id: int, staff, approve: bool, reason: str = "") -> BuyerRequest:
    """Staff show a waiting request, or hide any request with a reason."""
    req = _lock_request(request_id)
    if approve:
        req.moderation, req.moderation_reason = BuyerRequest.Moderation.APPROVED, ""
    else:
        if not reason.strip():
            raise RequestError(_("Please write why it is hidden."), field="reason", code="reason")
        req.moderation, req.moderation_reason = BuyerRequest.Moderation.HIDDEN, reason.strip()
        notify(req.buyer, "request_hidden", req, actor=staff, title=req.title)
    req.save(update_fields=["moderation", "moderation_reason", "updated_at"])
    _event(req, staff, ("approved" if approve else f"hidden: {reason}")[:1000])
    return req


@transaction.atomic
def offer_hide(*, offer_id: int, staff, reason: str) -> Offer:
    if not reason.strip():
        raise RequestError(_("Please write why it is hidden."), field="reason", code="reason")
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    offer.hidden, offer.hidden_reason = True, reason.strip()
    offer.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    from .models import OfferEvent

    OfferEvent.objects.create(offer=offer, actor=staff, from_status=offer.status, to_status=offer.status,
                              note=f"hidden: {reason}"[:1000])
    return offer


# --- offers --------------------------------------------------------------------------------------


def _check_terms(*, title, description, price, delivery_days, revisions, expiry_days) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").replace("\r\n", "\n").strip()
    if len(title) < 5:
        raise RequestError(_("Please write a title of at least 5 characters."), field="title", code="title")
    if len(description) < 20:
        raise RequestError(_("Please describe what you will deliver in at least 20 characters."),
                           field="description", code="description")
    if price is None or price < MIN_PRICE_RIALS:
        raise RequestError(_("An offer must be at least %(min)s.") % {"min": _toman(MIN_PRICE_RIALS)}, field="price",
                           code="price_low")
    if price > MAX_PRICE_RIALS:
        raise RequestError(_("An offer can be at most %(max)s.") % {"max": _toman(MAX_PRICE_RIALS)}, field="price",
                           code="price_high")
    if delivery_days is None or not (MIN_DELIVERY_DAYS <= delivery_days <= MAX_DELIVERY_DAYS):
        raise RequestError(_("Delivery must be between 1 and 90 days."), field="delivery_days", code="days")
    if revisions is None or not (0 <= revisions <= MAX_REVISIONS):
        raise RequestError(_("Revisions must be between 0 and 10."), field="revisions", code="revisions")
    if expiry_days is None or not (MIN_OFFER_EXPIRY_DAYS <= expiry_days <= MAX_OFFER_EXPIRY_DAYS):
        raise RequestError(_("The offer must stay valid between 1 and 14 days."), field="expiry_days",
                           code="expiry")
    return title, description


def _pick_service(expert, service, category_ids: set[int] | None = None):
    qs = Service.objects.filter(owner=expert, status=Service.Status.PUBLISHED)
    if service is not None:
        if not qs.filter(pk=service.pk).exists():
            raise RequestError(_("Choose one of your published services."), field="service", code="service")
        return service
    if category_ids:
        found = qs.filter(Q(category_id__in=category_ids) | Q(category__parent_id__in=category_ids)).first()
        if found:
            return found
    found = qs.order_by("-published_at").first()
    if found is None:
        raise RequestError(_("You need a published service to send offers."), code="no_service")
    return found


def _check_offer_contact(title: str, description: str, confirm_contact: bool) -> list[str]:
    """Contact details in an offer are treated as in a message: a warning first; sent anyway, flagged for staff."""
    detection = detect(f"{title}\n{description}")
    if detection.flagged and not confirm_contact:
        raise ContactDetailsWarning(detection)
    return list(detection.kinds)


def offer_send(*, expert, title: str, description: str, price: int, delivery_days: int, revisions: int,
               expiry_days: int, request: BuyerRequest | None = None, conversation=None, service=None,
               confirm_contact: bool = False) -> Offer:
    """An expert answers a request (public or custom) with an offer, or sends one inside a conversation.

    Raises `ContactDetailsWarning` if the text seems to share contact details and the expert has not
    confirmed; with `confirm_contact` the offer is sent with `flag_kinds` set (the staff queue).
    """
    title, description = _check_terms(title=title, description=description, price=price,
                                      delivery_days=delivery_days, revisions=revisions, expiry_days=expiry_days)
    flag_kinds = _check_offer_contact(title, description, confirm_contact)
    with transaction.atomic():
        if request is not None:
            req = _lock_request(request.pk)
            if req.buyer_id == expert.pk:
                raise RequestError(_("You cannot send an offer on your own request."), code="own_request")
            _ensure_open(req)
            if req.is_public:
                if not req.is_shown:
                    raise RequestError(_("This request was not found."), code="not_found")
                cats = expert_category_ids(expert)
                if req.category_id not in cats:
                    raise RequestError(_("Only experts with a published service in this category can send offers."),
                                       code="category")
                service = _pick_service(expert, service, {req.category_id})
            else:
                if req.expert_id != expert.pk:
                    raise RequestError(_("This request was not sent to you."), code="not_allowed")
                service = _pick_service(expert, service or req.service)
            if Offer.objects.filter(request=req, expert=expert).exclude(status=OS.WITHDRAWN).exists():
                raise RequestError(_("You have already sent an offer on this request; you can edit it."),
                                   code="twice")
            buyer = req.buyer
            conversation = req.conversation if not req.is_public else None
        else:
            if conversation is None or not conversation.has_participant(expert) or conversation.expert_id != expert.pk:
                raise RequestError(_("You can send an offer only in a conversation with a buyer."), code="not_allowed")
            req, buyer = None, conversation.buyer
            service = _pick_service(expert, service or conversation.service)
        try:
            with transaction.atomic():
                offer = Offer.objects.create(
                    request=req, expert=expert, buyer=buyer, service=service, conversation=conversation,
                    title=title, description=description, price=price, delivery_days=delivery_days,
                    revisions=revisions, expires_at=timezone.now() + dt.timedelta(days=expiry_days),
                    flag_kinds=flag_kinds,
                )
        except IntegrityError:
            raise RequestError(_("You have already sent an offer on this request; you can edit it."),
                               code="twice") from None
        from .models import OfferEvent

        OfferEvent.objects.create(offer=offer, actor=expert, from_status="", to_status=OS.SENT)
        if req is not None:
            req.offer_count += 1
            req.save(update_fields=["offer_count", "updated_at"])
        if conversation is not None:
            line = system_line(conversation, _("Offer “%(title)s”: %(price)s, delivery in %(days)s days.")
                               % {"title": title, "price": _toman(price), "days": to_persian_digits(delivery_days)})
            Offer.objects.filter(pk=offer.pk).update(message=line)
            offer.message = line
        notify(buyer, "offer_received", offer, actor=expert, expert=expert.display_name, title=title)
    return offer


def _lock_offer(offer_id: int) -> tuple[BuyerRequest | None, Offer]:
    """Lock the offer's request (if any) and then the offer."""
    request_id = Offer.objects.filter(pk=offer_id).values_list("request_id", flat=True).first()
    req = _lock_request(request_id) if request_id else None
    try:
        offer = Offer.objects.select_for_update().get(pk=offer_id)
    except Offer.DoesNotExist:
        raise RequestError(_("This offer was not found."), code="not_found") from None
    return req, offer


@transaction.atomic
def offer_update(*, offer_id: int, expert, title: str, description: str, price: int, delivery_days: int,
                 revisions: int, expiry_days: int, confirm_contact: bool = False) -> Offer:
    req, offer = _lock_offer(offer_id)
    if offer.expert_id != expert.pk:
        raise RequestError(_("This offer was not found."), code="not_found")
    if offer.status != OS.SENT:
        raise RequestTransitionError(_("Only an offer still waiting for the buyer can be edited."), code="not_sent")
    if req is not None:
        _ensure_open(req)
    title, description = _check_terms(title=title, description=description, price=price,
                                      delivery_days=delivery_days, revisions=revisions, expiry_days=expiry_days)
    found = _check_offer_contact(title, description, confirm_contact)
    # What the buyer was once shown stays in the staff queue, even if edited away afterwards.
    offer.flag_kinds = sorted(set(offer.flag_kinds or []) | set(found))
    changes = []
    for field, value in (("title", title), ("description", description), ("price", price),
                         ("delivery_days", delivery_days), ("revisions", revisions)):
        if getattr(offer, field) != value:
            changes.append(field)
            setattr(offer, field, value)
    offer.expires_at = timezone.now() + dt.timedelta(days=expiry_days)
    offer.save()
    from .models import OfferEvent

    OfferEvent.objects.create(offer=offer, actor=expert, from_status=OS.SENT, to_status=OS.SENT,
                              note="edited: " + ",".join(changes))
    return offer


@transaction.atomic
def offer_withdraw(*, offer_id: int, expert) -> Offer:
    req, offer = _lock_offer(offer_id)
    if offer.expert_id != expert.pk:
        raise RequestError(_("This offer was not found."), code="not_found")
    if offer.status != OS.SENT:
        raise RequestTransitionError(_("Only an offer still waiting for the buyer can be withdrawn."), code="not_sent")
    offer.transition_to(OS.WITHDRAWN, actor=expert)
    offer.save(update_fields=["status", "updated_at"])
    if req is not None and req.offer_count:
        req.offer_count -= 1
        req.save(update_fields=["offer_count", "updated_at"])
    if offer.conversation_id:
        system_line(offer.conversation, _("The offer “%(title)s” was withdrawn.") % {"title": offer.title})
    return offer


@transaction.atomic
def offer_decline(*, offer_id: int, buyer, reason: str = "") -> Offer:
    req, offer = _lock_offer(offer_id)
    if offer.buyer_id != buyer.pk:
        raise RequestError(_("This offer was not found."), code="not_found")
    if offer.status != OS.SENT:
        raise RequestTransitionError(_("This offer is no longer waiting for an answer."), code="not_sent")
    offer.transition_to(OS.DECLINED, actor=buyer, note=(reason or "")[:1000])
    offer.decline_reason = (reason or "").strip()[:1000]
    offer.save(update_fields=["status", "decline_reason", "updated_at"])
    if offer.conversation_id:
        system_line(offer.conversation, _("The buyer declined the offer “%(title)s”.") % {"title": offer.title})
    notify(offer.expert, "offer_declined", offer, actor=buyer, title=offer.title)
    return offer


def offer_mark_viewed(offer: Offer, user) -> None:
    if user.pk == offer.buyer_id and offer.viewed_at is None:
        offer.viewed_at = timezone.now()
        Offer.objects.filter(pk=offer.pk, viewed_at__isnull=True).update(viewed_at=offer.viewed_at)


def offers_mark_viewed(request: BuyerRequest, user) -> None:
    if user.pk == request.buyer_id:
        Offer.objects.filter(request=request, viewed_at__isnull=True).update(viewed_at=timezone.now())


@transaction.atomic
def offer_accept(*, offer_id: int, buyer, expected_total: int | None = None):
    """The buyer accepts an offer: it becomes a `pending_payment` order (paid next through escrow).

    The request (if any) is locked first: of two offers accepted at once, exactly one wins.
    The other waiting offers of the request are declined and their experts told. `expected_total`
    is the total the buyer saw: if the expert edited the offer meanwhile, nothing is accepted.
    """
    from escrow.actions import buyer_fee_calculate
    from orders.actions import order_create_from_offer

    req, offer = _lock_offer(offer_id)
    if offer.buyer_id != buyer.pk:
        raise RequestError(_("This offer was not found."), code="not_found")
    if offer.hidden:
        raise RequestError(_("This offer is no longer available."), code="hidden")
    if offer.status != OS.SENT:
        raise RequestTransitionError(
            _("This offer is “%(status)s” and can no longer be accepted.") % {"status": offer.get_status_display()},
            code="not_sent",
        )
    if offer.expires_at <= timezone.now():
        raise RequestTransitionError(_("This offer has expired."), code="expired")
    if req is not None:
        _ensure_open(req)
    if expected_total is not None and int(expected_total) != offer.price + buyer_fee_calculate(offer.price):
        raise RequestError(_("The expert changed this offer while you were looking at it. Please check the new "
                             "terms and pay again."), code="price_changed")
    order = order_create_from_offer(buyer=buyer, offer=offer)
    offer.transition_to(OS.ACCEPTED, actor=buyer, note=f"order:{order.pk}")
    offer.order = order
    offer.save(update_fields=["status", "order", "updated_at"])
    if req is not None:
        req.transition_to(R.ACCEPTED, actor=buyer, note=f"offer:{offer.pk}")
        req.save(update_fields=["status", "updated_at"])
        _decline_others(req, actor=buyer, except_id=offer.pk, note="another offer was accepted")
    if offer.conversation_id:
        system_line(offer.conversation, _("The buyer accepted the offer “%(title)s”.") % {"title": offer.title})
    notify(offer.expert, "offer_accepted", order, actor=buyer, title=offer.title)
    return offer, order


def offer_expire_due(now=None) -> int:
    """Beat task: offers past their expiry that were never answered become expired."""
    now = now or timezone.now()
    done = 0
    for pk in Offer.objects.filter(status=OS.SENT, expires_at__lte=now).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            req, offer = _lock_offer(pk)
            if offer.status != OS.SENT or offer.expires_at > now:
                continue
            offer.transition_to(OS.EXPIRED, note="expired")
            offer.save(update_fields=["status", "updated_at"])
            done += 1
    return done


def digest_send(today=None) -> int:
    """Beat task (daily): one notification per expert with yesterday's new requests in their categories."""
    from django.contrib.auth import get_user_model

    from .models import DigestSent

    now = timezone.now()
    today = today or timezone.localdate(now)
    since = now - dt.timedelta(days=1)
    new = BuyerRequest.objects.filter(kind=BuyerRequest.Kind.PUBLIC, status=R.OPEN,
                                      moderation=BuyerRequest.Moderation.APPROVED, created_at__gte=since)
    counts: dict[int, int] = {}
    for cat_id in new.values_list("category_id", flat=True):
        counts[cat_id] = counts.get(cat_id, 0) + 1
    if not counts:
        return 0
    sent = 0
    experts: dict[int, set[int]] = {}
    for owner_id, cat_id, parent_id in Service.objects.filter(status=Service.Status.PUBLISHED).filter(
        Q(category_id__in=counts) | Q(category__parent_id__in=counts)
    ).values_list("owner_id", "category_id", "category__parent_id"):
        experts.setdefault(owner_id, set()).update(c for c in (cat_id, parent_id) if c in counts)
    users = get_user_model().objects.in_bulk(list(experts))
    for expert_id, cats in experts.items():
        count = sum(counts[c] for c in cats)
        with transaction.atomic():
            _row, created = DigestSent.objects.get_or_create(expert_id=expert_id, day=today,
                                                             defaults={"count": count})
            if not created:
                continue
            from django.urls import reverse

            notify(users[expert_id], "requests_digest", url=reverse("buyer_requests:board"),
                   count=to_persian_digits(count))
            sent += 1
    return sent

