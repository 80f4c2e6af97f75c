"""A chat simulator: plays Twilio's part for SMS and WhatsApp against a running hotline.

It signs every webhook as Twilio does, sends text and local files as media (served
from a loopback :class:`MediaPeer` at Twilio's media paths, with basic auth, failing
on request as a media host can), and returns the hotline's ``<Message>`` replies.
``hotline chat`` drives it.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

from devtools.loopback import LoopbackServer

# What WhatsApp and phones send for each file type; anything else goes as the guess.
_TYPES = {".ogg": "audio/ogg", ".opus": "audio/ogg", ".oga": "audio/ogg",
          ".amr": "audio/amr", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
          ".webp": "image/webp"}
_MEDIA_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<message>\w+)/Media/(?P<sid>ME\w+)$")


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or (
        "application/octet-stream")


@dataclass
class ServedMedia:
    path: Path
    content_type: str
    # Answer ``fail_status`` this many times first (a media host's bad minutes).
    fail_first: int = 0
    fail_status: int = 503
    # Answer with this status every time (a broken or forbidding media host).
    always_status: int | None = None
    hits: int = 0  # every authorised GET, answered or failed


@dataclass
class MediaPeer(LoopbackServer):
    """Serves local files as Twilio message media (``…/Messages/MM…/Media/ME…``)."""

    account_sid: str
    auth_token: str | None = None
    host: str = "127.0.0.1"
    files: dict[str, ServedMedia] = field(default_factory=dict)
    fetched: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._serve(_handler_for(self))

    def add(self, message_sid: str, path: Path, ctype: str | None = None, *,
            fail_first: int = 0, fail_status: int = 503,
            always_status: int | None = None) -> str:
        sid = _sid("ME")
        self.files[sid] = ServedMedia(path, ctype or content_type(path), fail_first,
                                      fail_status, always_status)
        return (f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/"
                f"{message_sid}/Media/{sid}")

    def served(self, url: str) -> ServedMedia:
        """The file behind a media URL this peer handed out."""
        return self.files[url.rsplit("/", 1)[-1]]

    def all_fetched(self) -> bool:
        return all(self.fetched.get(sid) for sid in self.files)


def _handler_for(peer: MediaPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            if peer.auth_token:
                token = base64.b64encode(f"{peer.account_sid}:{peer.auth_token}".encode())
                if self.headers.get("Authorization", "") != f"Basic {token.decode()}":
                    return self._answer(401, b"unauthorized")
            m = _MEDIA_PATH.match(self.path.split("?")[0])
            served = peer.files.get(m["sid"]) if m and m["account"] == peer.account_sid else None
            if served is None:
                return self._answer(404, b"not found")
            assert m is not None
            served.hits += 1
            if served.always_status:
                return self._answer(served.always_status, b"error")
            if served.fail_first > 0:
                served.fail_first -= 1
                return self._answer(served.fail_status, b"try again later")
            peer.fetched[m["sid"]] = peer.fetched.get(m["sid"], 0) + 1
            return self._answer(200, served.path.read_bytes(), served.content_type)

    return Handler


@dataclass
class Exchange:
    message_sid: str
    status: int
    replies: list[str]


class ChatSimulator:
    """One citizen writing to the hotline: ``send("1")``, ``send(media=[photo])``."""

    def __init__(self, base_url: str, auth_token: str, *, account_sid: str,
                 from_number: str = "+6281234567890", to_number: str = "+62215550112",
                 whatsapp: bool = False, profile_name: str | None = "Warga Uji",
                 sign: bool = True, peer: MediaPeer | None = None,
                 public_base_url: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.auth_token = auth_token
        self.account_sid = account_sid
        prefix = "whatsapp:" if whatsapp else ""
        self.sender = f"{prefix}{from_number}"
        self.recipient = f"{prefix}{to_number}"
        self.whatsapp = whatsapp
        self.profile_name = profile_name
        self.sign = sign
        self.peer = peer
        self.http = requests.Session()
        self.lock = threading.Lock()

    def form(self, text: str = "", media: list[Path] | None = None,
             message_sid: str | None = None, **serve: Any) -> dict[str, str]:
        """The webhook's form; ``serve`` goes to :meth:`MediaPeer.add` for each file
        (``fail_first=3``: the peer answers 503 three times before serving it)."""
        media = media or []
        sid = message_sid or _sid("MM" if media else "SM")
        form = {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": self.account_sid,
                "From": self.sender, "To": self.recipient, "Body": text,
                "NumMedia": str(len(media)), "NumSegments": "1", "ApiVersion": "2010-04-01"}
        if self.whatsapp:
            form["WaId"] = self.sender.removeprefix("whatsapp:+")
            if self.profile_name:
                form["ProfileName"] = self.profile_name
        for index, path in enumerate(media):
            if self.peer is None:
                raise ValueError("media needs a MediaPeer to serve the files")
            form[f"MediaUrl{index}"] = self.peer.add(sid, path, **serve)
            form[f"MediaContentType{index}"] = content_type(path)
        return form

    def post(self, path: str, form: dict[str, str], *, token: str | None = None
             ) -> requests.Response:
        url = urljoin(self.base_url + "/", path.lstrip("/"))
        headers = {}
        if self.sign:
            signed = url
            if self.public_base_url:
                parts = urlsplit(url)
                signed = self.public_base_url + parts.path
            signature = RequestValidator(token or self.auth_token).compute_signature(signed, form)
            headers["X-Twilio-Signature"] = signature
        return self.http.post(url, data=form, headers=headers, timeout=30)

    def send(self, text: str = "", media: list[Path] | None = None, *,
             message_sid: str | None = None, **serve: Any) -> Exchange:
        return self.send_form(self.form(text, media, message_sid, **serve))

    def send_form(self, form: dict[str, str]) -> Exchange:
        """Post a form as it is (tests change a field of :meth:`form` first)."""
        response = self.post("/messaging/inbound", form)
        replies: list[str] = []
        if response.status_code == 200 and response.content:
            root = ET.fromstring(response.content)
            replies = [(m.findtext("Body") or m.text or "").strip() for m in root.iter("Message")]
        return Exchange(form["MessageSid"], response.status_code, replies)

    def wait_for_media(self, seconds: float) -> bool:
        """Keep serving until the hotline has fetched every file (or time runs out)."""
        deadline = time.monotonic() + seconds
        while self.peer is not None and not self.peer.all_fetched():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


TICKET_NUMBER = re.compile(r"\b(\d{8})\b")


def ticket_number(replies: list[str]) -> str | None:
    """The last eight-digit number in the replies."""
    found = [m for r in replies for m in TICKET_NUMBER.findall(r)]
    return found[-1] if found else None
