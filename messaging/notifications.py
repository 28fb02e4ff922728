"""Notification kinds produced by messaging (new messages) and, for the order thread, by order events."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Email, register

register("message_received", _("%(sender)s sent you a message: %(preview)s"), email=Email.DIGEST, icon="chat-dots")

# Order events, shown in-app to the other party; orders sends its own emails for these.
ORDER_EVENT_KINDS = {
    "paid": register("order_paid", _("Order “%(title)s” was paid"), email=Email.NONE, icon="credit-card"),
    "requirements": register("order_requirements", _("Requirements were sent for “%(title)s”"), email=Email.NONE,
                             icon="list-check"),
    "delivered": register("order_delivered", _("“%(title)s” was delivered"), email=Email.NONE, icon="box-seam"),
    "revision": register("order_revision", _("A revision was asked for “%(title)s”"), email=Email.NONE,
                         icon="arrow-repeat"),
    "confirmed": register("order_confirmed", _("The delivery of “%(title)s” was confirmed"), email=Email.NONE,
                          icon="check2-circle"),
    "auto_completed": register("order_auto_completed", _("“%(title)s” was completed automatically"),
                               email=Email.NONE, icon="check2-circle"),
    "cancelled": register("order_cancelled", _("Order “%(title)s” was cancelled"), email=Email.NONE, icon="x-circle"),
    "extension_requested": register("order_extension_requested", _("More time was asked for “%(title)s”"),
                                    email=Email.NONE, icon="hourglass-split"),
    "extension_accepted": register("order_extension_accepted", _("The request for more time on “%(title)s” was accepted"),
                                   email=Email.NONE, icon="hourglass-split"),
    "extension_declined": register("order_extension_declined", _("The request for more time on “%(title)s” was declined"),
                                   email=Email.NONE, icon="hourglass-split"),
    "disputed": register("order_disputed", _("A dispute was opened on “%(title)s”"), email=Email.NONE,
                         icon="exclamation-octagon"),
    "resolved": register("order_resolved", _("The dispute on “%(title)s” was decided"), email=Email.NONE,
                         icon="exclamation-octagon"),
}

# Wallet: a withdrawal reached the bank (escrow sends no email of its own for it).
register("withdrawal_paid", _("Your withdrawal of %(amount)s was paid to your bank account"), email=Email.DIGEST,
         icon="bank")
