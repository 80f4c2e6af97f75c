"""A Twilio REST peer on loopback for Messages and Calls, answering as Twilio does.

POST ``/2010-04-01/Accounts/{sid}/Messages.json`` and ``Calls.json`` answer 201
with the resource JSON the twilio library parses; GET on the same paths lists
what was accepted (filtered by To/From, as the reconciler asks). It can be told
to fail the next requests with 5xx (transient), to reject a number with 400 and
a Twilio error code (permanent), and to hold a request open (to kill a worker
mid-delivery), either after accepting the message or dropping it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from devtools.loopback import LoopbackServer

_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/(?P<kind>Messages|Calls)\.json$")


@dataclass
class Hold:
    # True: the provider has the message before the hang (our commit is what gets lost);
    # False: the request is lost in transit and the provider never has it.
    accept_first: bool
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class TwilioRestPeer(LoopbackServer):
    account_sid: str
    auth_token: str | None = None
    host: str = "127.0.0.1"
    hold_timeout: float = 30.0
    # Everything accepted, in order: dicts with sid, kind, to, from, body/twiml, callback.
    accepted: list[dict[str, str]] = field(default_factory=list)
    # Every request: (method, path, form) for assertions.
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_statuses: list[int] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)
    holds: list[Hold] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._serve(_handler_for(self))

    def stop(self) -> None:
        for hold in self.holds:
            hold.release.set()
        super().stop()

    def reset(self) -> None:
        """Forget everything scripted and accepted: one peer serves many tests."""
        with self._lock:
            for hold in self.holds:
                hold.release.set()
            for kept in (self.accepted, self.requests, self.fail_statuses, self.holds):
                kept.clear()
            self.rejected.clear()

    # --- scripting ---------------------------------------------------------------------

    def fail_next(self, times: int, status: int = 503) -> None:
        self.fail_statuses.extend([status] * times)

    def reject(self, number: str, code: int = 21211) -> None:
        self.rejected[number] = code

    def hold_next(self, *, accept_first: bool = True) -> Hold:
        hold = Hold(accept_first)
        self.holds.append(hold)
        return hold

    def sent(self, kind: str = "Messages", to: str | None = None) -> list[dict[str, str]]:
        return [m for m in self.accepted
                if m["kind"] == kind and (to is None or m["to"] == to)]

    # --- behaviour -----------------------------------------------------------------------

    def _resource(self, kind: str, form: dict[str, str]) -> dict[str, str]:
        prefix = "SM" if kind == "Messages" else "CA"
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return {
            "sid": prefix + secrets.token_hex(16), "account_sid": self.account_sid,
            "kind": kind, "to": form.get("To", ""), "from": form.get("From", ""),
            "body": form.get("Body", ""), "twiml": form.get("Twiml", ""),
            "status_callback": form.get("StatusCallback", ""),
            "status": "queued", "date_created": now, "date_updated": now,
            # The peer "sends" at once, so DateSent filters find the message.
            "date_sent": now, "direction": "outbound-api", "api_version": "2010-04-01",
        }


def _json(resource: dict[str, str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {k: v for k, v in resource.items()
                                  if k not in ("kind", "twiml", "status_callback")}
    if resource["kind"] == "Calls":
        out.pop("body", None)
        out.pop("date_sent", None)
    return out


def _handler_for(peer: TwilioRestPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _authorized(self) -> bool:
            if not peer.auth_token:
                return True
            expected = base64.b64encode(
                f"{peer.account_sid}:{peer.auth_token}".encode()).decode()
            return self.headers.get("Authorization", "") == f"Basic {expected}"

        def _send(self, status: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client died while we held the request
                pass

        def _error(self, status: int, code: int, message: str) -> None:
            self._send(status, {"code": code, "message": message, "status": status,
                                "more_info": f"https://www.twilio.com/docs/errors/{code}"})

        def _route(self) -> tuple[str, dict[str, str]] | None:
            split = urlsplit(self.path)
            m = _PATH.match(split.path)
            if not m or m["account"] != peer.account_sid:
                return None
            return m["kind"], {k: v[-1] for k, v in parse_qs(split.query).items()}

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            route = self._route()
            with peer._lock:
                peer.requests.append(("POST", self.path, form))
                fail = peer.fail_statuses.pop(0) if peer.fail_statuses else None
                hold = next((h for h in peer.holds if not h.holding.is_set()), None)
                if hold is not None:
                    hold.holding.set()
            if not self._authorized():
                return self._error(401, 20003, "Authenticate")
            if route is None:
                return self._error(404, 20404, "The requested resource was not found")
            kind, _ = route
            if fail is not None:
                return self._error(fail, 20500, "Internal Server Error")
            to = form.get("To", "").removeprefix("whatsapp:")
            if to in peer.rejected:
                code = peer.rejected[to]
                return self._error(400, code, f"The 'To' number {to} is not a valid phone number.")
            resource = peer._resource(kind, form)
            if hold is not None and hold.accept_first:
                with peer._lock:
                    peer.accepted.append(resource)
            if hold is not None:
                hold.release.wait(peer.hold_timeout)
                if not hold.accept_first:  # lost in transit: the provider never had it
                    return self._error(503, 20500, "Service Unavailable")
            else:
                with peer._lock:
                    peer.accepted.append(resource)
            return self._send(201, _json(resource))

        def do_GET(self) -> None:  # noqa: N802
            route = self._route()
            with peer._lock:
                peer.requests.append(("GET", self.path, {}))
            if not self._authorized():
                return self._error(401, 20003, "Authenticate")
            if route is None:
                return self._error(404, 20404, "The requested resource was not found")
            kind, query = route
            with peer._lock:
                found = [r for r in reversed(peer.accepted) if r["kind"] == kind
                         and r["to"] == query.get("To", r["to"])
                         and r["from"] == query.get("From", r["from"])]
            key = "messages" if kind == "Messages" else "calls"
            self._send(200, {key: [_json(r) for r in found], "end": max(0, len(found) - 1),
                             "first_page_uri": self.path, "next_page_uri": None, "page": 0,
                             "page_size": 100, "start": 0, "uri": self.path})

    return Handler
