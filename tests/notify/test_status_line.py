"""The status line (main menu 2): status, pokja, and the answer unless rahasia."""

from __future__ import annotations

from tickets.models import Status

from .conftest import make_ticket

S = Status


def _listen(place_call, number: str) -> str:
    return place_call("2", number + "#", "hangup").transcript


def test_the_status_line_speaks_the_answer_of_an_answered_ticket(db, move, place_call):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan & gorong-gorong sudah diperbaiki.")
    heard = _listen(place_call, ticket.number)
    assert "telah dijawab" in heard
    assert "ditangani oleh Pokja Infrastruktur (Dinas PUPR)" in heard
    assert "Jawaban atas pengaduan Anda: Jalan & gorong-gorong sudah diperbaiki." in heard


def test_the_status_line_keeps_a_rahasia_answer_to_itself(db, move, place_call):
    ticket = make_ticket(db, whatsapp=None, rahasia=True)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Isi rahasia.")
    heard = _listen(place_call, ticket.number)
    assert "telah dijawab" in heard and "Isi rahasia" not in heard


def test_a_forwarded_ticket_names_its_pokja_and_has_no_answer_yet(db, move, place_call):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED)
    heard = _listen(place_call, ticket.number)
    assert "diteruskan ke kelompok kerja" in heard
    assert "Pokja Infrastruktur" in heard and "Jawaban" not in heard


def test_a_new_ticket_is_being_verified_and_names_no_pokja(db, place_call):
    ticket = make_ticket(db, whatsapp=None)
    heard = _listen(place_call, ticket.number)
    assert "sedang diverifikasi" in heard and "Pokja" not in heard


def test_a_mistyped_number_is_told_apart_from_an_unknown_one(db, place_call):
    ticket = make_ticket(db, whatsapp=None)
    typo = ticket.number[:-1] + str((int(ticket.number[-1]) + 1) % 10)
    assert "tidak valid" in _listen(place_call, typo)


def test_the_reporter_can_stop_updates_from_the_status_line(db, move, place_call, twilio):
    ticket = make_ticket(db, whatsapp=None)
    heard = place_call("2", ticket.number + "#", "3", "hangup").transcript
    assert "berhenti menerima SMS" in heard and "tidak akan lagi menerima" in heard
    db.refresh(ticket)
    assert ticket.contact_opt_out is True
    move(ticket, S.FORWARDED)
    assert twilio.sent(to=ticket.reporter_phone) == []


def test_only_the_reporters_own_phone_is_offered_the_opt_out(db, place_call):
    ticket = make_ticket(db, whatsapp=None)
    heard = place_call("2", ticket.number + "#", "3", "hangup",
                       from_number="+6289999999999").transcript
    assert "berhenti menerima" not in heard and "tidak tersedia" in heard
    db.refresh(ticket)
    assert ticket.contact_opt_out is False
