"""A small HTTP server on a free loopback port, run from a thread: the base of the
simulators' Twilio-like peers (recordings, message media)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    """An HTTP handler served on a free loopback port from a thread.

    ``start()``/``stop()`` or a ``with`` block; subclasses call ``_serve`` once.
    """

    host: str

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer((self.host, 0), handler)
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (every test's teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
