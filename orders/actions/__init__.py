"""Every write that changes an order: one function per business operation (DESIGN.md §4).

Each status change runs in one transaction with the order row locked (SELECT … FOR UPDATE),
goes through `Order.transition_to` (which refuses moves outside the map and writes an
`OrderEvent`), moves the money in the same transaction through `escrow.actions`, and queues
emails with `transaction.on_commit`.

Lock order, to stay free of deadlocks: payment row (escrow) → order row → ledger accounts.
Nothing here locks a payment while holding an order, and no gateway is called holding a lock:
`order_pay_start` commits first and then asks the bank; `order_payment_callback` calls escrow's
`payment_verify`, whose success signal moves the order inside escrow's own transaction.

The functions live in modules by topic and are all importable from here (`orders.actions.X`):
`checkout` (create, pay), `fulfilment` (requirements, delivery, revision), `closing` (confirm,
auto-complete, cancel), `extensions`, `disputes`, `notify` (emails to the parties).
"""

from .cancellation import (
    order_cancellation_answer,
    order_cancellation_lapse,
    order_cancellation_request,
    order_cancellation_withdraw,
)
from .checkout import (
    checkout_total,
    on_payment_succeeded,
    order_checkout,
    order_create,
    order_expire_unpaid,
    order_pay_from_wallet,
    order_pay_start,
    order_payment_callback,
    payment_outcome,
    payment_went_to_wallet,
)
from .closing import order_auto_complete, order_cancel, order_confirm
from .disputes import (
    Settlement,
    dispute_settlement,
    dispute_shareable,
    order_dispute_open,
    order_dispute_resolve,
    order_dispute_respond,
)
from .extensions import order_extension_decide, order_extension_request, order_extension_withdraw
from .fulfilment import (
    order_deliver,
    order_request_revision,
    order_save_requirements_draft,
    order_submit_requirements,
)
from .notify import order_email
from .offers import order_create_from_offer

__all__ = [
    "checkout_total",
    "order_cancellation_answer",
    "order_cancellation_lapse",
    "order_cancellation_request",
    "order_cancellation_withdraw",
    "order_checkout",
    "order_dispute_respond",
    "order_expire_unpaid",
    "payment_outcome",
    "payment_went_to_wallet",
    "Settlement",
    "dispute_settlement",
    "dispute_shareable",
    "on_payment_succeeded",
    "order_auto_complete",
    "order_cancel",
    "order_confirm",
    "order_create",
    "order_create_from_offer",
    "order_deliver",
    "order_dispute_open",
    "order_dispute_resolve",
    "order_email",
    "order_extension_decide",
    "order_extension_request",
    "order_extension_withdraw",
    "order_pay_from_wallet",
    "order_pay_start",
    "order_payment_callback",
    "order_request_revision",
    "order_save_requirements_draft",
    "order_submit_requirements",
]
