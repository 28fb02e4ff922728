"""A local fake of Zarinpal's REST v4 API, speaking its documented JSON, for adapter tests.

Runs a threaded http.server on 127.0.0.1 on a free port. Merchant ids starting with "bad" get
-9 (validation), "inactive" get -11. `fake.pay(authority, amount=None)` plays the payer paying
at the bank; `fake.delay` makes every answer slower (timeouts); `fake.fail_with_500` answers 500.
"""

from __future__ import annotations

import itertools
import threading

from tests.fake_http import FakeJsonService


class FakeZarinpal(FakeJsonService):
    def __init__(self):
        super().__init__()
        self.sessions: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- the bank ------------------------------------------------------------------------------

    @staticmethod
    def error(code: int, message: str, status: int = 400):
        return status, {"data": [], "errors": {"code": code, "message": message, "validations": []}}

    def merchant_error(self, merchant_id: str):
        if not merchant_id or merchant_id.startswith("bad"):
            return self.error(-9, "The input params invalid, validation error.")
        if merchant_id.startswith("inactive"):
            return self.error(-11, "Terminal is not active.")
        return None

    def pay(self, authority: str, amount: int | None = None):
        """The payer paid at the bank (optionally a different amount than requested)."""
        with self._lock:
            session = self.sessions[authority]
            session["paid"] = True
            if amount is not None:
                session["amount"] = amount

    def handle(self, path: str, body: dict):
        error = self.merchant_error(str(body.get("merchant_id", "")))
        if error:
            return error
        if path.endswith("/pg/v4/payment/request.json"):
            amount = body.get("amount")
            if not isinstance(amount, int) or amount < 1000 or body.get("currency") not in (None, "IRR", "IRT"):
                return self.error(-9, "The input params invalid, validation error.")
            authority = f"A{next(self._ids):035d}"
            with self._lock:
                self.sessions[authority] = {"amount": amount, "paid": False, "verified": False,
                                            "callback_url": body.get("callback_url")}
            return 200, {"data": {"code": 100, "message": "Success", "authority": authority,
                                  "fee_type": "Merchant", "fee": 0}, "errors": []}
        if path.endswith("/pg/v4/payment/verify.json"):
            with self._lock:
                session = self.sessions.get(str(body.get("authority")))
                if session is None:
                    return self.error(-54, "Invalid authority.")
                if not session["paid"]:
                    return self.error(-51, "Session is not valid, session is not active paid try.")
                if session["amount"] != body.get("amount"):
                    return self.error(-50, "Session is not valid, amounts values is not the same.")
                code = 101 if session["verified"] else 100
                session["verified"] = True
            return 200, {"data": {"code": code, "message": "Verified" if code == 100 else "Verified before",
                                  "card_hash": "1EBE3EBEBE35C7EC0F8D6EE4F2F859107A87822CA179BC9528767EA7B5489B69",
                                  "card_pan": "502229******5995", "ref_id": 201, "fee_type": "Merchant",
                                  "fee": 0}, "errors": []}
        if path.endswith("/pg/v4/payment/unVerified.json"):
            with self._lock:
                rows = [{"authority": a, "amount": s["amount"], "callback_url": s["callback_url"],
                         "referer": "", "date": "2026-11-25 17:33:27"}
                        for a, s in self.sessions.items() if s["paid"] and not s["verified"]]
            return 200, {"data": {"code": 100, "message": "Success", "authorities": rows}, "errors": []}
        return 404, {"data": [], "errors": {"code": -1, "message": "not found"}}
