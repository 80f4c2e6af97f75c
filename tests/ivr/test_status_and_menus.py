"""The status line, the operator option and every invalid-input path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tickets import numbering
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, Ticket


@pytest.fixture
def filed(place_call, complaint_wav, db) -> Ticket:
    number = place_call("1", "1", "2", "1", recordings=[complaint_wav]).ticket_number
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def _answer(db, ticket: Ticket, text: str, *, rahasia: bool = False) -> None:
    ticket.rahasia = rahasia
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    ticket.answer = text
    transition(db, ticket, Status.ANSWERED, SYSTEM, tz="Asia/Jakarta")
    db.commit()


def _wrong_digit(number: str) -> str:
    return number[:3] + str((int(number[3]) + 1) % 10) + number[4:]


def test_the_status_line_speaks_the_status_of_a_known_ticket(place_call, filed):
    result = place_call("2", f"{filed.number}#", "2", "hangup")
    assert filed.number in result.digits_heard
    assert any("sedang diverifikasi" in line for line in result.heard)


def test_the_status_line_speaks_the_pokja_and_the_answer(place_call, filed, db):
    _answer(db, filed, "Jalan akan diperbaiki minggu depan oleh Dinas PUPR & tim desa.")
    result = place_call("2", f"{filed.number}#", "hangup")
    heard = result.transcript
    assert "telah dijawab" in heard
    assert "Pokja Infrastruktur (Dinas PUPR)" in heard
    # Escaped in TwiML, heard intact: the simulator parses the XML.
    assert "diperbaiki minggu depan oleh Dinas PUPR & tim desa." in heard


def test_a_rahasia_answer_is_never_spoken(place_call, filed, db):
    _answer(db, filed, "Isi jawaban rahasia", rahasia=True)
    result = place_call("2", f"{filed.number}#", "hangup")
    assert "telah dijawab" in result.transcript
    assert "Isi jawaban rahasia" not in result.transcript


def test_a_mistyped_number_is_called_invalid_and_asked_again(place_call, filed):
    typo = _wrong_digit(filed.number)
    assert not numbering.is_valid(typo)
    result = place_call("2", f"{typo}#", f"{filed.number}#", "hangup")
    assert any("tidak valid" in line for line in result.heard)
    assert any("sedang diverifikasi" in line for line in result.heard)


def test_an_unknown_number_is_told_apart_from_a_typo(place_call, filed):
    unknown = next(n for n in (numbering.new_number() for _ in range(100)) if n != filed.number)
    result = place_call("2", f"{unknown}#", "hangup")
    assert any("tidak ditemukan" in line for line in result.heard)
    assert not any("tidak valid" in line for line in result.heard)


def test_three_bad_numbers_end_the_call_politely(place_call):
    result = place_call("2", "123#", "9#", "12345#")
    assert "belum dapat memproses" in result.heard[-1]
    assert result.ended == "hangup"


def test_a_wrong_key_says_the_choice_is_not_available(place_call, complaint_wav):
    result = place_call("7", "1", "1", "2", "1", recordings=[complaint_wav])
    assert "Maaf, pilihan Anda tidak tersedia." in result.heard
    assert result.ticket_number is not None


def test_no_input_three_times_says_goodbye(place_call):
    result = place_call("-", "-", "-")
    assert result.heard.count("Maaf, kami tidak menerima pilihan Anda.") == 2
    assert "belum dapat memproses" in result.heard[-1]


def test_star_repeats_the_main_menu(place_call):
    result = place_call("*", "hangup")
    menus = [line for line in result.heard if line.startswith("Untuk menyampaikan pengaduan")]
    assert len(menus) == 2


def test_a_wrong_category_key_is_asked_again(place_call, complaint_wav):
    result = place_call("1", "9", "*", "4", "2", "1", recordings=[complaint_wav])
    assert "Maaf, pilihan Anda tidak tersedia." in result.heard
    assert result.ticket_number is not None


def _today_iso_weekday() -> int:
    return datetime.now(ZoneInfo("Asia/Jakarta")).isoweekday()


@pytest.mark.parametrize("env_overrides", [{"OFFICE_HOURS": "1-7 00:00-24:00"}])
def test_in_office_hours_zero_dials_the_operator(place_call, env_overrides):
    result = place_call("0")
    assert result.dialed == ["+62215550199"]
    assert any("disambungkan dengan operator" in line for line in result.heard)


@pytest.mark.parametrize("env_overrides", [{
    "OFFICE_HOURS": "{0}-{0} 08:00-16:00".format(_today_iso_weekday() % 7 + 1)
}])
def test_outside_office_hours_zero_offers_to_record_instead(place_call, complaint_wav):
    result = place_call("0", "1", "1", "2", "1", recordings=[complaint_wav])
    assert result.dialed == []
    assert any("operator kami melayani pada hari" in line for line in result.heard)
    assert result.ticket_number is not None


def test_the_greeting_names_the_agency_edited_in_the_console(place_call, db):
    from tickets.reference import set_hotline_setting

    set_hotline_setting(db, "agency_name", "Kabupaten Mamuju")
    db.commit()
    assert "Kabupaten Mamuju" in place_call("hangup").heard[0]


@pytest.mark.parametrize("env_overrides", [{"IVR_CACHE_SECONDS": "1"}])
def test_a_console_edit_reaches_callers_once_the_short_cache_expires(place_call, db, app,
                                                                     monkeypatch):
    from tickets.reference import set_hotline_setting

    now = [1000.0]
    cache = app.extensions["ivr"].cache
    for value in (cache.settings, cache.categories):
        monkeypatch.setattr(value, "clock", lambda: now[0])
        value.clear()  # loaded by an earlier test on the real clock: it would never expire
    assert "Pemerintah Kabupaten Uji" in place_call("hangup").heard[0]
    set_hotline_setting(db, "agency_name", "Kabupaten Polewali Mandar")
    db.commit()
    now[0] += 0.9
    assert "Pemerintah Kabupaten Uji" in place_call("hangup").heard[0]  # still cached
    now[0] += 0.2
    assert "Kabupaten Polewali Mandar" in place_call("hangup").heard[0]
