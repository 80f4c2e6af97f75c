"""Every step of the conversation and every wrong answer, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from devtools.chat_simulator import ticket_number
from messaging.models import Conversation, InboundMessage
from tickets.models import Category, Channel, Status, Ticket

TEXT = "Jalan di depan SD Sukamaju rusak parah dan berlubang sejak bulan lalu."


def _ticket(db, number: str) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def _say(chat, *messages: str) -> list[str]:
    """Send each message; the replies to the last one."""
    replies: list[str] = []
    for message in messages:
        exchange = chat.send(message)
        assert exchange.status == 200, message
        replies = exchange.replies
    return replies


@pytest.mark.parametrize("whatsapp", [True, False], ids=["whatsapp", "sms"])
def test_a_complaint_by_message_becomes_a_ticket(citizen, db, whatsapp):
    chat = citizen(whatsapp=whatsapp)
    greeting = _say(chat, "Halo")
    assert "Pemerintah Kabupaten Uji" in greeting[0] and "Balas 1" in greeting[0]
    categories = _say(chat, "1")[0]
    assert "1. Jalan dan jembatan" in categories
    assert "Rahasiakan identitas" in _say(chat, "1")[0]
    assert "SELESAI" in _say(chat, "2")[0]
    assert "Diterima" in _say(chat, TEXT)[0]
    assert "Diterima" in _say(chat, "Lokasinya di RT 03.")[0]
    done = _say(chat, "selesai")[0]
    number = ticket_number([done])
    assert number and f"STATUS {number}" in done

    ticket = _ticket(db, number)
    assert ticket.channel is (Channel.WHATSAPP if whatsapp else Channel.SMS)
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.category is not None and ticket.category.name == "Jalan dan jembatan"
    assert not ticket.anonim
    assert ticket.reporter_phone == "+6281234567890"
    assert ticket.transcript is not None
    assert ticket.transcript.text == f"{TEXT}\nLokasinya di RT 03."
    if whatsapp:
        assert ticket.reporter_name == "Warga Uji"

    status = _say(chat, f"STATUS {number}")
    assert f"Status tiket {number}" in status[0] and "diverifikasi" in status[0]


def test_a_first_message_that_picks_from_the_menu_is_taken(citizen, db):
    chat = citizen(whatsapp=True)
    first = _say(chat, "1")[0]
    assert "Selamat datang" in first and "1. Jalan dan jembatan" in first
    _say(chat, "2", "1", TEXT)
    number = ticket_number(_say(chat, "SELESAI"))
    ticket = _ticket(db, number)
    assert ticket.anonim and ticket.category.name == "Layanan kesehatan"


def test_wrong_answers_repeat_the_question_with_a_hint(citizen, db):
    chat = citizen()
    _say(chat, "Halo")
    wrong_menu = _say(chat, "7")[0]
    assert "tidak sesuai" in wrong_menu and "Balas 1" in wrong_menu
    _say(chat, "1")
    wrong_category = _say(chat, "99")[0]
    assert "tidak sesuai" in wrong_category and "1. Jalan dan jembatan" in wrong_category
    _say(chat, "1")
    wrong_anonim = _say(chat, "mungkin")[0]
    assert "tidak sesuai" in wrong_anonim and "Balas 1 ya, 2 tidak" in wrong_anonim
    _say(chat, "tidak")
    assert "Belum ada isi" in _say(chat, "SELESAI")[0]
    _say(chat, TEXT)
    assert "belum dikirim" in _say(chat, "MENU")[0]
    assert ticket_number(_say(chat, "SELESAI"))
    conv = db.scalars(select(Conversation)).one()
    assert conv.state == "menu"


def test_status_tells_a_typo_from_an_unknown_number(citizen, db):
    from tickets import numbering

    chat = citizen()
    _say(chat, "Halo")
    assert "Kirim delapan angka" in _say(chat, "2")[0]
    assert "delapan angka" in _say(chat, "nomor saya hilang")[0]
    good = numbering.new_number()
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert "tidak valid" in _say(chat, typo)[0]
    assert f"{good} tidak ditemukan" in _say(chat, good)[0]
    # A known ticket's answer is told once answered (and not rahasia).
    ticket = db.scalars(select(Ticket)).first()
    assert ticket is None or ticket.number != good


def test_status_tells_the_answer_of_an_answered_ticket(citizen, db, app):
    from tickets.lifecycle import SYSTEM, transition

    chat = citizen()
    _say(chat, "Halo", "1", "1", "2", TEXT)
    number = ticket_number(_say(chat, "SELESAI"))
    ticket = _ticket(db, number)
    for target in (Status.FORWARDED, Status.IN_PROGRESS):
        transition(db, ticket, target, SYSTEM, tz="Asia/Jakarta")
    ticket.answer = "Jalan akan diperbaiki pekan depan."
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    reply = _say(chat, f"status {number}")[0]
    assert "telah dijawab" in reply and "diperbaiki pekan depan" in reply
    assert "Pokja" in reply or "ditangani" in reply
    # Another number reads the status alone, as the phone tells it (issue 19, item 4).
    stranger = citizen(from_number="+6289999999999")
    reply = " ".join(_say(stranger, f"status {number}"))
    assert "telah dijawab" in reply and "diperbaiki pekan depan" not in reply
    assert "empat angka terakhir" in reply


def test_batal_cancels_the_complaint_in_progress(citizen, db):
    chat = citizen()
    _say(chat, "Halo", "1", "1", "2", TEXT)
    cancelled = _say(chat, "BATAL")[0]
    assert "dibatalkan" in cancelled and "Balas 1" in cancelled
    assert "tidak sesuai" in _say(chat, "SELESAI")[0]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Ticket)) == 0


def test_berhenti_stops_updates_but_complaints_are_still_taken(citizen, db):
    chat = citizen(whatsapp=True)
    _say(chat, "Halo", "1", "1", "2", TEXT)
    first = ticket_number(_say(chat, "SELESAI"))
    assert "tidak akan lagi menerima" in _say(chat, "BERHENTI")[0]
    assert _ticket(db, first).contact_opt_out
    _say(chat, "1", "1", "2", TEXT)
    second = ticket_number(_say(chat, "SELESAI"))
    assert second and second != first
    assert _ticket(db, second).contact_opt_out
    assert "lagi" in _say(chat, "MULAI")[0]


def test_a_message_too_long_is_refused_and_not_stored(citizen, db, settings):
    chat = citizen()
    _say(chat, "Halo", "1", "1", "2")
    limit = settings.messaging.max_chars
    assert f"lebih dari {limit} huruf" in _say(chat, "a" * (limit + 1))[0]
    assert "Belum ada isi" in _say(chat, "SELESAI")[0]


@pytest.mark.parametrize("env_overrides", [{"MESSAGE_RATE_LIMIT": "5"}], indirect=False)
def test_a_flood_is_answered_once_and_not_stored(citizen, db, env_overrides):
    chat = citizen()
    replies = [chat.send(f"pesan {i}").replies for i in range(9)]
    assert all(r for r in replies[:5])
    assert "terlalu banyak pesan" in replies[5][0]
    assert replies[6:] == [[], [], []]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(InboundMessage)) == 5


def test_no_categories_is_said_plainly(citizen, db):
    for category in db.scalars(select(Category)):
        category.ivr_digit = None
    db.commit()
    chat = citizen()
    _say(chat, "Halo")
    assert "belum dapat diterima" in _say(chat, "1")[0]
