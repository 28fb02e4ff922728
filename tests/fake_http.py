"""A local HTTP service for adapter tests: a threaded http.server on 127.0.0.1 on a free port that
records each POST and answers JSON from `handle(path, body)`. `delay` makes every answer slower
(timeouts); `fail_with_500` answers 500 with `ERROR_BODY`. Subclasses speak one outside API."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeJsonService:
    ERROR_BODY: tuple[bytes, str] = (b'{"error": "internal"}', "application/json")

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.delay = 0.0
        self.fail_with_500 = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = fake.parse(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                fake.requests.append((self.path, body))
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.fail_with_500:
                    self._send(500, *fake.ERROR_BODY)
                    return
                status, payload = fake.handle(self.path, body)
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _send(self, status, data, ctype):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll interval: `stop()` (server.shutdown) waits for the loop to notice, 0.5 s by default.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def parse(self, raw: bytes) -> dict:
        """The request body as a dict (JSON by default)."""
        return json.loads(raw or b"{}")

    def handle(self, path: str, body: dict) -> tuple[int, dict]:
        raise NotImplementedError
