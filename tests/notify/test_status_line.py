"""The status line (main menu 2): status, pokja, and the answer unless rahasia; the
details only from the reporter's number or after the last four digits of it."""

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
    # Another phone skips the last-four-digits question (*), then tries key 3.
    heard = place_call("2", ticket.number + "#", "*", "3", "hangup",
                       from_number="+6289999999999").transcript
    assert "berhenti menerima" not in heard and "tidak tersedia" in heard
    db.refresh(ticket)
    assert ticket.contact_opt_out is False


# --- the second factor (issue 19, item 4): the same rule as /lacak -------------------------

STRANGER = "+6289999999999"


def _listen_from(place_call, number: str, *keys: str) -> str:
    return place_call("2", number + "#", *keys, "hangup", from_number=STRANGER).transcript


def test_another_phone_hears_the_status_alone_and_is_asked_for_the_last_four_digits(
        db, move, place_call):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan sudah diperbaiki.")
    heard = _listen_from(place_call, ticket.number, "-")
    assert "telah dijawab" in heard
    assert "empat angka terakhir nomor telepon" in heard
    assert "Jalan sudah diperbaiki" not in heard and "Pokja Infrastruktur" not in heard
    # No digits: the caller keeps to the status and gets the after-status menu.
    assert "Untuk menanyakan tiket lain, tekan 1." in heard


def test_the_last_four_digits_of_the_reporters_number_open_the_full_answer(
        db, move, place_call):
    ticket = make_ticket(db, whatsapp=None)  # reported from +6281234567890
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan sudah diperbaiki.")
    heard = _listen_from(place_call, ticket.number, "7890#")
    assert "Jawaban atas pengaduan Anda: Jalan sudah diperbaiki." in heard
    assert "ditangani oleh Pokja Infrastruktur (Dinas PUPR)" in heard


def test_wrong_digits_three_times_keep_the_details_back(db, move, place_call):
    ticket = make_ticket(db, whatsapp=None)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan sudah diperbaiki.")
    heard = _listen_from(place_call, ticket.number, "1111#", "2222#", "3333#")
    assert heard.count("tidak cocok dengan nomor pelapor") == 2
    assert "hanya dapat kami sampaikan kepada pelapor" in heard
    assert "Jalan sudah diperbaiki" not in heard


def test_a_rejection_reason_is_told_only_with_the_second_factor(db, move, place_call):
    from sqlalchemy import select

    from accounts.models import User
    from tickets import workflow

    ticket = make_ticket(db, whatsapp=None)
    operator = db.scalars(select(User).where(User.username == "operator")).one()
    workflow.reject(db, operator, ticket.number, "not_our_authority", None,
                    reporter_message="Silakan lapor ke UPT Jalan Provinsi.", version=None,
                    tz="Asia/Jakarta")
    db.commit()
    limited = _listen_from(place_call, ticket.number, "*")
    assert "tidak dapat kami tindak lanjuti" in limited
    assert "Alasannya" not in limited and "UPT Jalan Provinsi" not in limited
    full = _listen_from(place_call, ticket.number, "7890#")
    assert "Alasannya: Bukan wewenang" in full and "UPT Jalan Provinsi" in full


def test_a_ticket_without_a_reporters_number_tells_the_status_and_points_to_the_operator(
        db, move, place_call):
    ticket = make_ticket(db, whatsapp=None, phone=None)
    move(ticket, S.FORWARDED, S.ANSWERED, answer="Jalan sudah diperbaiki.")
    heard = _listen_from(place_call, ticket.number)
    assert "telah dijawab" in heard and "hubungi operator kami" in heard
    assert "empat angka terakhir" not in heard and "Jalan sudah diperbaiki" not in heard
