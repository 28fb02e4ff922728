import logging

from .base import SmsBackend

logger = logging.getLogger("home.sms")

# Every message sent, newest last (tests and the development server read the code from here).
OUTBOX: list[tuple[str, str]] = []


class ConsoleBackend(SmsBackend):
    """Development and tests: the message goes to the log (the `make run` console)."""

    name = "console"

    def send_code(self, mobile: str, code: str) -> str:
        OUTBOX.append((mobile, code))
        del OUTBOX[:-100]
        text = f"آزمودگان — کد تأیید شما: {code}"
        logger.warning("SMS to %s: %s", mobile, text)
        print(f"[sms] to {mobile}: {text}", flush=True)  # noqa: T201 - the development console
        return f"console-{len(OUTBOX)}"
