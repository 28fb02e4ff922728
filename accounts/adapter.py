from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's email here, in Persian, and hand the sending to Celery."""
        from azmoodegan.sites import current_site

        context = {"current_site": current_site(), **context}  # «سلام از طرف آزمودگان», not «… !»
        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "html": html,
        }
        transaction.on_commit(lambda: send_email.delay(**payload))
