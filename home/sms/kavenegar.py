"""Kavenegar's REST API: `POST https://api.kavenegar.com/v1/{API-KEY}/verify/lookup.json`.

Form fields `receptor`, `token` and `template` (a verification template approved in the Kavenegar
panel, with `%token` in its text). Every answer is JSON `{"return": {"status", "message"},
"entries": [...]}`; `return.status` is 200 on success, else an error code (also the HTTP status):
400 missing parameters, 401 account disabled, 403 invalid API key, 411 invalid receptor,
412 invalid sender, 418 not enough credit, 422 invalid characters, 424 template not found,
426 the IP is not allowed, 428 voice unsupported, 431 bad code structure, 432 code parameter missing;
414 (too many requests) and 5xx are temporary.
"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings

from .base import SmsBackend, SmsError, SmsUnavailable

logger = logging.getLogger(__name__)

API = "https://api.kavenegar.com"
TEMPORARY = {414, 429, 500, 502, 503, 504}


class KavenegarBackend(SmsBackend):
    name = "kavenegar"

    def __init__(self, *, api_key: str | None = None, template: str | None = None, base_url: str | None = None,
                 timeout: float | None = None):
        self.api_key = api_key or getattr(settings, "KAVENEGAR_API_KEY", "")
        self.template = template or getattr(settings, "KAVENEGAR_TEMPLATE", "") or "azmoodegan-verify"
        self.base_url = (base_url or getattr(settings, "KAVENEGAR_BASE_URL", "") or API).rstrip("/")
        self.timeout = timeout if timeout is not None else getattr(settings, "KAVENEGAR_TIMEOUT", 10)

    def send_code(self, mobile: str, code: str) -> str:
        url = f"{self.base_url}/v1/{self.api_key}/verify/lookup.json"
        try:
            response = httpx.post(url, data={"receptor": mobile, "token": code, "template": self.template},
                                  timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise SmsUnavailable("timeout", str(exc)) from exc
        except httpx.HTTPError as exc:
            raise SmsUnavailable("network", str(exc)) from exc
        try:
            body = response.json()
            status = int(body["return"]["status"])
            message = str(body["return"].get("message", ""))
        except (ValueError, KeyError, TypeError) as exc:
            if response.status_code >= 500:
                raise SmsUnavailable(f"http_{response.status_code}", "") from exc
            raise SmsUnavailable("bad_json", response.text[:200]) from exc
        if status == 200:
            entries = body.get("entries") or [{}]
            return str(entries[0].get("messageid", ""))
        logger.warning("kavenegar refused %s: %s %s", mobile, status, message)
        if status in TEMPORARY or response.status_code >= 500:
            raise SmsUnavailable(str(status), message)
        raise SmsError(str(status), message)
