"""The reporter's "answered" message links the photos and letters of the pokja's answer
(public addresses that open once the answer is published), never for a rahasia ticket."""

from __future__ import annotations

import pytest

from answering.models import AnswerFile
from tickets.models import Status

from .conftest import CALLER, make_ticket, notify_env

S = Status
BASE = "https://pengaduan.example.go.id"


@pytest.fixture
def env_overrides(twilio, mailbox) -> dict[str, str]:
    return {**notify_env(twilio, mailbox), "PUBLIC_BASE_URL": BASE}


def _with_file(db, **kw):  # type: ignore[no-untyped-def]
    ticket = make_ticket(db, **kw)
    row = AnswerFile(ticket_id=ticket.id, path="2026/12/ans-x.png", file_name="foto.png",
                     content_type="image/png", size=72, sha256="0" * 64)
    db.add(row)
    db.commit()
    return ticket, row


def test_the_answered_sms_links_the_answer_files(db, move, twilio):
    ticket, row = _with_file(db)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Sudah diperbaiki.")
    answered = twilio.sent(to=CALLER)[-1]["body"]
    assert f"{BASE}/jawaban/{ticket.number}/lampiran/{row.id}" in answered
    assert "dapat dibuka setelah jawaban dipublikasikan" in answered


def test_a_rahasia_answer_links_no_file(db, move, twilio):
    ticket, _ = _with_file(db, rahasia=True)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Sudah diperbaiki.")
    assert all("/lampiran/" not in m["body"] for m in twilio.sent(to=CALLER))


def test_without_files_the_answered_sms_is_unchanged(db, move, twilio):
    ticket = make_ticket(db)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Sudah diperbaiki.")
    assert "lampiran" not in twilio.sent(to=CALLER)[-1]["body"].lower()
