from django.dispatch import Signal

# Sent after a transaction that created notifications for `user_id` commits.
notified = Signal()
