"""A Twilio REST peer on loopback: serves call recordings as Twilio's media URLs do.

The call simulator hands the IVR a ``RecordingUrl`` on this server, so the
recording download runs over real HTTP (basic auth, ``.wav``/``.mp3`` suffix,
404 until the file is "ready", DELETE once stored) without reaching Twilio.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from devtools.loopback import LoopbackServer

_RECORDING_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Recordings/(?P<sid>RE\w+)(?P<ext>\.\w+)?$"
)


@dataclass
class Served:
    path: Path
    # Answer 404 this many times first, as Twilio does before the file is ready.
    not_ready: int = 0
    # Answer with this status every time (a broken media server).
    always_status: int | None = None
    # Serve with this Content-Type instead of the one the extension selects.
    content_type: str | None = None
    # Answer 302 to this URL instead of serving (Twilio may redirect media to storage).
    redirect_to: str | None = None
    # False: no Content-Length, the body ends when the connection closes.
    send_length: bool = True
    hits: int = 0
    fetched: bool = False
    deleted: bool = False
    # The Authorization header of every GET ("" when none was sent).
    authorizations: list[str] = field(default_factory=list)


@dataclass
class RecordingPeer(LoopbackServer):
    account_sid: str
    auth_token: str | None = None
    host: str = "127.0.0.1"
    recordings: dict[str, Served] = field(default_factory=dict)
    log: list[tuple[str, str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._serve(_handler_for(self))

    def add(self, sid: str, path: Path, *, not_ready: int = 0,
            always_status: int | None = None, content_type: str | None = None,
            redirect_to: str | None = None, send_length: bool = True) -> str:
        """Serve ``path`` as recording ``sid``; returns its RecordingUrl (no extension)."""
        self.recordings[sid] = Served(path, not_ready, always_status, content_type,
                                      redirect_to, send_length)
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"


def _handler_for(peer: RecordingPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _authorized(self) -> bool:
            if not peer.auth_token:
                return True
            expected = base64.b64encode(f"{peer.account_sid}:{peer.auth_token}".encode()).decode()
            return self.headers.get("Authorization", "") == f"Basic {expected}"

        def _answer(self, status: int, body: bytes = b"", ctype: str = "text/plain", *,
                    send_length: bool = True, location: str | None = None) -> None:
            peer.log.append((self.command, self.path, status))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if location:
                self.send_header("Location", location)
            if send_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _lookup(self) -> tuple[Served | None, str]:
            m = _RECORDING_PATH.match(self.path.split("?")[0])
            if not m or m["account"] != peer.account_sid:
                return None, ""
            return peer.recordings.get(m["sid"]), m["ext"] or ""

        def do_GET(self) -> None:  # noqa: N802
            if not self._authorized():
                return self._answer(401, b"unauthorized")
            served, ext = self._lookup()
            if served is None or served.deleted:
                return self._answer(404, b"not found")
            served.hits += 1
            served.authorizations.append(self.headers.get("Authorization", ""))
            if served.redirect_to:
                return self._answer(302, location=served.redirect_to)
            if served.always_status:
                return self._answer(served.always_status, b"error")
            if served.not_ready > 0:
                served.not_ready -= 1
                return self._answer(404, b"not ready")
            ctype = served.content_type or ("audio/mpeg" if ext == ".mp3" else "audio/x-wav")
            served.fetched = True
            return self._answer(200, served.path.read_bytes(), ctype,
                                send_length=served.send_length)

        def do_DELETE(self) -> None:  # noqa: N802
            if not self._authorized():
                return self._answer(401, b"unauthorized")
            served, _ = self._lookup()
            if served is None:
                return self._answer(404, b"not found")
            served.deleted = True
            return self._answer(204)

    return Handler
