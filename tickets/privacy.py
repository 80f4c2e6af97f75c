"""An anonim ticket's description must not identify its reporter before it leaves the desk.

The pokja reads the verified description and receives it by e-mail; for an anonim
ticket it never sees the recording, the machine transcript or the reporter's name and
number. The voice menu asks callers to say their name, so the transcript nearly always
does: the console does not pre-fill an anonim description with it, and this check
refuses a forward whose description still carries the reporter's name or phone number
or is the machine transcript word for word. It is a safety net for the obvious cases,
not a guarantee: the operator reads the text for anything else that identifies the
reporter (an address, a relative, a job).
"""

from __future__ import annotations

import re

from tickets.errors import InvalidInput
from tickets.models import Ticket

_DIGIT_RUN = re.compile(r"\+?\d[\d\s.()-]{5,}\d")
_IDENTIFYING = ("Tiket anonim: uraian masih {what}. Hapus identitas pelapor dari uraian "
                "sebelum meneruskan ke pokja.")


def _words(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _national(phone: str | None) -> str | None:
    """The digits a person would write of an E.164 Indonesian number: 8123… (no 0/+62)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = digits[2:]
    return digits if len(digits) >= 6 else None


def identifying_problem(ticket: Ticket, text: str | None) -> str | None:
    """What in ``text`` visibly names ``ticket``'s reporter ("menyebut nama pelapor",
    "memuat nomor telepon pelapor"), or None."""
    words = _words(text)
    name = _words(ticket.reporter_name)
    if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words):
        return "menyebut nama pelapor"
    national = _national(ticket.reporter_phone)
    if national and any(national in re.sub(r"\D", "", run)
                        for run in _DIGIT_RUN.findall(text or "")):
        return "memuat nomor telepon pelapor"
    return None


def require_anonymised(ticket: Ticket) -> None:
    """Raise InvalidInput("description") when the description visibly names the reporter."""
    text = _words(ticket.description)
    problem = identifying_problem(ticket, ticket.description)
    if problem:
        raise InvalidInput("description", _IDENTIFYING.format(what=problem))
    transcript = ticket.transcript
    if transcript is not None and _words(transcript.text) and _words(transcript.text) == text:
        raise InvalidInput("description", _IDENTIFYING.format(
            what="sama dengan transkrip rekaman, yang biasanya menyebut nama pelapor"))
