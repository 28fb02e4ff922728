"""Signals other apps listen to.

`payment_succeeded(sender=Payment, payment, transfer)` is sent inside the transaction that credits
the order's escrow, with the payment row locked: the orders app moves the order to
`awaiting_requirements` in its receiver, so money and status commit together (also when the
credit comes from reconciliation, with no buyer present). A receiver must not call the network;
if it raises, the credit rolls back and the payment stays `verifying` for reconciliation.
"""

from django.dispatch import Signal

payment_succeeded = Signal()
