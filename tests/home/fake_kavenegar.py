"""A local fake of Kavenegar's REST API (verify/lookup.json), speaking its documented JSON.

API keys starting with "bad" get 403, "poor" 418 (no credit), "busy" 414 (too many requests);
receptors not starting with 09 get 411. `delay` slows every answer (timeouts), `fail_with_500` answers 500.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.fake_http import FakeJsonService


class FakeKavenegar(FakeJsonService):
    ERROR_BODY = (b"<html>Internal Server Error</html>", "text/html")

    def parse(self, raw: bytes) -> dict:
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

    @staticmethod
    def error(status: int, message: str):
        return status, {"return": {"status": status, "message": message}, "entries": None}

    def handle(self, path: str, form: dict):
        parts = path.strip("/").split("/")  # v1/{key}/verify/lookup.json
        if len(parts) != 4 or parts[0] != "v1" or parts[2:] != ["verify", "lookup.json"]:
            return self.error(404, "متد پیدا نشد")
        key = parts[1]
        if not key or key.startswith("bad"):
            return self.error(403, "کد شناسائی API-Key معتبر نمی‌باشد")
        if key.startswith("poor"):
            return self.error(418, "اعتبار حساب شما کافی نیست")
        if key.startswith("busy"):
            return self.error(414, "حجم درخواست بیشتر از حد مجاز است")
        if not form.get("template"):
            return self.error(424, "الگوی مورد نظر پیدا نشد")
        receptor = form.get("receptor", "")
        if not receptor.startswith("09") or len(receptor) != 11:
            return self.error(411, "دریافت کننده نامعتبر است")
        if not form.get("token"):
            return self.error(432, "پارامتر کد در متن پیام پیدا نشد")
        return 200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [{
            "messageid": 8792343 + len(self.requests), "message": f"کد تأیید شما: {form['token']}", "status": 5,
            "statustext": "ارسال به مخابرات", "sender": "10004346", "receptor": receptor, "date": 1356619709, "cost": 120,
        }]}
