"""Notification kinds of the reviews app (imported from ReviewsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Email, register

register("review_invite", _("Order “%(title)s” is complete: share your experience in a review"), icon="star")
register("review_reminder", _("%(days)s days left to review order “%(title)s”"), icon="star")
register("review_received", _("%(author)s reviewed order “%(title)s”; write your review to see it"),
         email=Email.NONE, icon="star")
register("review_published", _("The reviews of order “%(title)s” are published"), icon="star-fill")
register("review_reply", _("%(author)s replied to your review"), email=Email.NONE, icon="reply")
