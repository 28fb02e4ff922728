"""Notification kinds of the money layer (the email is sent by escrow itself through the outbox)."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Email, register

register("withdrawal_paid", _("Your withdrawal was paid to your bank account."), email=Email.NONE, icon="bank")
register("withdrawal_failed", _("Your withdrawal could not be paid and was returned to your wallet."),
         email=Email.NONE, icon="exclamation-circle")
