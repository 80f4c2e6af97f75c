"""A call simulator: plays Twilio's part against a running hotline server.

It signs every request as Twilio does, follows <Gather>, <Record>, <Redirect>,
<Dial> and <Hangup>, takes the caller's keys from a list (or asks on the
terminal), serves a local audio file as the recording through a loopback
:class:`~devtools.recording_peer.RecordingPeer`, and reports what the caller heard.
"""

from __future__ import annotations

import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

from devtools.recording_peer import RecordingPeer

HANGUP = "hangup"
NO_INPUT = ("", "-")


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@dataclass
class CallResult:
    call_sid: str
    heard: list[str] = field(default_factory=list)
    digits_heard: list[str] = field(default_factory=list)
    requests: list[tuple[str, int]] = field(default_factory=list)
    dialed: list[str] = field(default_factory=list)
    recording_sids: list[str] = field(default_factory=list)
    ended: str = ""

    @property
    def ticket_number(self) -> str | None:
        """The last eight-digit number read to the caller digit by digit."""
        numbers = [d for d in self.digits_heard if len(d) == 8]
        return numbers[-1] if numbers else None

    @property
    def transcript(self) -> str:
        return "\n".join(self.heard)


class CallError(Exception):
    pass


# Indonesian text-to-speech speaks about 150 words a minute; a ticket number is read
# digit by digit (say-as digits), each digit a word.
WORDS_PER_SECOND = 2.5


def spoken_seconds(line: str) -> float:
    """About how long Twilio's voice takes to say ``line`` (what the caller heard)."""
    return len(line.split()) / WORDS_PER_SECOND


class CallSimulator:
    def __init__(
        self,
        base_url: str,
        auth_token: str,
        *,
        account_sid: str,
        keys: Iterable[str] = (),
        recordings: Iterable[Path | None] = (),
        from_number: str = "+6281234567890",
        to_number: str = "+62215550112",
        ask: Callable[[str], str] | None = None,
        echo: Callable[[str], None] | None = None,
        sign: bool = True,
        recording_ready_after: int = 0,
        status_callback: str | None = "/ivr/call-status",
        max_steps: int = 60,
        peer: RecordingPeer | None = None,
        public_base_url: str | None = None,
        pace: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Behind the TLS proxy Twilio signs the public URL, and the hotline checks the
        # signature against PUBLIC_BASE_URL: sign that, post to ``base_url``.
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.auth_token = auth_token
        self.account_sid = account_sid
        self.keys = list(keys)
        self.recordings = list(recordings)
        self.from_number = from_number
        self.to_number = to_number
        self.ask = ask
        self.echo = echo or (lambda line: None)
        self.sign = sign
        self.recording_ready_after = recording_ready_after
        self.status_callback = status_callback
        self.max_steps = max_steps
        self.peer = peer
        # Called with the seconds a real call spends on a prompt (spoken_seconds) and on
        # each recording (its length): ``time.sleep`` plays the call at its real pace
        # (benchmarks/pipeline.py --realtime); None, the default, plays it at once.
        self.pace = pace
        self.http = requests.Session()
        self.result = CallResult(call_sid=_sid("CA"))

    # --- Twilio's side of the HTTP exchange ---------------------------------------------

    def _params(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        params = {
            "CallSid": self.result.call_sid,
            "AccountSid": self.account_sid,
            "From": self.from_number,
            "To": self.to_number,
            "Direction": "inbound",
            "CallStatus": "in-progress",
            "ApiVersion": "2010-04-01",
        }
        params.update(extra or {})
        return params

    def post(self, url: str, params: dict[str, str]) -> requests.Response:
        full = urljoin(self.base_url + "/", url)
        headers = {}
        if self.sign:
            signed = full
            if self.public_base_url:
                parts = urlsplit(full)
                signed = self.public_base_url + parts.path + (
                    f"?{parts.query}" if parts.query else "")
            headers["X-Twilio-Signature"] = RequestValidator(self.auth_token).compute_signature(
                signed, params
            )
        response = self.http.post(full, data=params, headers=headers, timeout=15)
        self.result.requests.append((full, response.status_code))
        return response

    def _fetch_twiml(self, url: str, params: dict[str, str]) -> ET.Element:
        response = self.post(url, params)
        if response.status_code != 200:
            raise CallError(f"{url} answered HTTP {response.status_code}")
        try:
            return ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise CallError(f"{url} did not answer TwiML: {exc}") from exc

    # --- the caller ---------------------------------------------------------------------

    def _hear(self, element: ET.Element) -> None:
        if element.tag == "Say":
            parts = [element.text or ""]
            for child in element:
                if child.tag == "say-as" and child.get("interpret-as") == "digits":
                    digits = (child.text or "").strip()
                    self.result.digits_heard.append(digits)
                    parts.append(" ".join(digits))
                else:
                    parts.append("".join(child.itertext()))
                parts.append(child.tail or "")
            line = " ".join(" ".join(parts).split())
            self.result.heard.append(line)
            self.echo(f"  🔊 {line}")
            if self.pace is not None:
                self.pace(spoken_seconds(line))
        elif element.tag == "Play":
            self.result.heard.append(f"[audio {element.text}]")
            self.echo(f"  🎵 {element.text}")

    def _press(self, prompt: str) -> str:
        if self.keys:
            key = self.keys.pop(0)
        elif self.ask is not None:
            key = self.ask(prompt)
        else:
            key = HANGUP
        self.echo(f"  ☎  {'(diam)' if key in NO_INPUT else key}")
        return key

    def _next_recording(self) -> Path | None:
        return self.recordings.pop(0) if self.recordings else None

    def run(self, wait_for_download: float = 0.0) -> CallResult:
        """Play the call. With ``wait_for_download``, keep serving the recordings until
        the hotline has fetched them (or that many seconds pass), as Twilio keeps them."""
        own_peer = self.peer is None
        peer = self.peer or RecordingPeer(self.account_sid, self.auth_token).start()
        try:
            self._run(peer)
            deadline = time.monotonic() + wait_for_download
            while time.monotonic() < deadline and not self._all_fetched(peer):
                time.sleep(0.2)
        finally:
            if own_peer:
                peer.stop()
        return self.result

    def _all_fetched(self, peer: RecordingPeer) -> bool:
        served = [peer.recordings[sid] for sid in self.result.recording_sids]
        return all(s.fetched for s in served)

    def _run(self, peer: RecordingPeer) -> None:
        url = "/ivr/voice"
        doc = self._fetch_twiml(url, self._params(extra={"CallStatus": "ringing"}))
        for _ in range(self.max_steps):
            step = self._execute(doc, url, peer)
            if step is None:
                break
            url, params, after = step
            doc = self._fetch_twiml(url, params)
            if after is not None:
                after()
        else:
            raise CallError(f"the call did not end within {self.max_steps} steps")
        if self.status_callback:
            self.post(self.status_callback, self._params({"CallStatus": "completed"}))

    def _execute(self, doc: ET.Element, current: str, peer: RecordingPeer):  # type: ignore[no-untyped-def]
        """Run one TwiML document; return the next request, or None when the call ends."""
        resolve = lambda target: urljoin(current, target)  # noqa: E731
        for verb in doc:
            if verb.tag in ("Say", "Play"):
                self._hear(verb)
            elif verb.tag == "Gather":
                for child in verb:
                    self._hear(child)
                key = self._press("Tekan tombol (Enter = diam, 'hangup' = tutup): ")
                if key == HANGUP:
                    return self._hang_up()
                finish = verb.get("finishOnKey", "#")
                digits = "" if key in NO_INPUT else key.rstrip(finish) if finish else key
                if digits:
                    action = verb.get("action") or current
                    return resolve(action), self._params({"Digits": digits}), None
            elif verb.tag == "Record":
                step = self._record(verb, current, peer)
                if step is not None:
                    return step
            elif verb.tag == "Redirect":
                return resolve((verb.text or "").strip()), self._params(), None
            elif verb.tag == "Dial":
                number = "".join(verb.itertext()).strip()
                self.result.dialed.append(number)
                self.echo(f"  📞 menyambungkan ke {number}")
                if verb.get("action"):
                    return resolve(verb.get("action")), self._params(
                        {"DialCallStatus": "completed", "DialCallDuration": "30"}
                    ), None
                return self._end("dial")
            elif verb.tag in ("Hangup", "Reject"):
                return self._end("hangup")
        return self._end("end")

    def _record(self, verb: ET.Element, current: str, peer: RecordingPeer):  # type: ignore[no-untyped-def]
        audio = self._next_recording()
        self.echo(f"  ⏺  merekam: {audio if audio else '(tidak ada suara)'}")
        if audio is None:
            return None  # Twilio skips the action URL when the recording is empty
        sid = _sid("RE")
        self.result.recording_sids.append(sid)
        duration = _duration_seconds(audio)
        if self.pace is not None:
            self.pace(duration)  # the caller speaks; the action follows the recording
        recording_url = peer.add(sid, audio, not_ready=self.recording_ready_after)
        params = self._params({
            "RecordingUrl": recording_url, "RecordingSid": sid,
            "RecordingDuration": str(duration), "Digits": "#",
        })
        callback = verb.get("recordingStatusCallback")
        after = None
        if callback:
            cb_url = urljoin(current, callback)
            cb_params = {
                "AccountSid": self.account_sid, "CallSid": self.result.call_sid,
                "RecordingSid": sid, "RecordingUrl": recording_url,
                "RecordingStatus": "completed", "RecordingDuration": str(duration),
                "RecordingChannels": "1", "RecordingSource": "RecordVerb",
            }
            # Twilio posts the status callback once the file is processed, after the action.
            after = lambda: self.post(cb_url, cb_params)  # noqa: E731
        action = urljoin(current, verb.get("action") or current)
        return action, params, after

    def _hang_up(self) -> None:
        self.echo("  ☎  (penelepon menutup telepon)")
        return self._end("caller")

    def _end(self, how: str) -> None:
        self.result.ended = how
        return None


def _duration_seconds(path: Path) -> int:
    import wave

    try:
        with wave.open(str(path)) as wav:
            return max(1, round(wav.getnframes() / wav.getframerate()))
    except (wave.Error, EOFError, ZeroDivisionError):
        return 1
