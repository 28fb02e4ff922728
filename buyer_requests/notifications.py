"""Notification kinds produced by buyer requests and offers."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Email, register

register("request_custom_received", _("%(buyer)s sent you a custom request: %(title)s"), email=Email.DIGEST,
         icon="envelope-paper")
register("offer_received", _("%(expert)s sent you an offer: %(title)s"), email=Email.DIGEST, icon="tag")
register("offer_accepted", _("Your offer “%(title)s” was accepted"), email=Email.DIGEST, icon="check2-circle")
register("offer_declined", _("Your offer “%(title)s” was not chosen this time"), email=Email.DIGEST, icon="x-circle")
register("request_declined", _("%(expert)s cannot take on your request “%(title)s”"), email=Email.DIGEST,
         icon="x-circle")
register("request_expiring", _("Your request “%(title)s” closes tomorrow"), email=Email.DIGEST, icon="hourglass-split")
register("requests_digest", _("%(count)s new requests in your categories today"), email=Email.DIGEST, icon="inbox")
register("request_hidden", _("Your request “%(title)s” was hidden by Azmoodegan"), email=Email.DIGEST,
         icon="eye-slash")
