"""Personal data at the pokja's door: an anonim description, internal notes, the desk's
remarks on a ticket (Keterangan)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.agents.conftest import pokja_named, reload
from tickets.models import Status, Ticket, TicketEvent, Transcript

MACHINE = "Nama saya Budi Hartono dari RT 3 Sukamaju. Jalan di depan sekolah rusak parah."
REWRITTEN = "Jalan di depan sekolah di Sukamaju rusak parah."


@pytest.fixture
def with_transcript(db):
    def add(ticket: Ticket) -> Ticket:
        db.add(Transcript(ticket=ticket, text=MACHINE, words=[], engine="test"))
        db.commit()
        return reload(db, ticket)

    return add


def _textarea(page: str) -> str:
    start = page.index('<textarea name="description"')
    return page[page.index(">", start) + 1:page.index("</textarea>", start)]


def _forward(agent, db, ticket: Ticket, code: str = "PUPR", **form: str):  # type: ignore[no-untyped-def]
    return agent.post(f"/console/tiket/{ticket.number}/teruskan", {
        "description": REWRITTEN, "pokja_id": str(pokja_named(db, code).id), **form})


# --- c. an anonim ticket's description ------------------------------------------------

def test_an_anonim_description_is_not_prefilled_with_the_transcript_and_a_warning_shows(
        operator, make_ticket, with_transcript):
    anonim = with_transcript(make_ticket(description=None, anonim=True))
    page = operator.get(f"/console/tiket/{anonim.number}").get_data(as_text=True)
    assert _textarea(page) == ""
    assert 'id="anonim-warning"' in page and "tanpa nama, nomor telepon" in page
    assert "Budi Hartono" in page  # the operator still reads the transcript above the form
    named = with_transcript(make_ticket(description=None))
    page = operator.get(f"/console/tiket/{named.number}").get_data(as_text=True)
    assert _textarea(page) == MACHINE and 'id="anonim-warning"' not in page


def test_an_anonim_ticket_is_not_forwarded_with_the_transcript_word_for_word(
        operator, pokja, make_ticket, with_transcript, db):
    ticket = with_transcript(make_ticket(description=None, anonim=True, reporter_name=None))
    response = _forward(operator, db, ticket, description=MACHINE, anonim="1")
    assert response.status_code == 422
    assert "uraian masih sama dengan transkrip rekaman" in response.get_data(as_text=True)
    assert reload(db, ticket).status is Status.AWAITING_VERIFICATION
    assert _forward(operator, db, ticket, anonim="1").status_code == 302
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert REWRITTEN in page and "Budi" not in page


def test_an_anonim_description_with_the_reporters_phone_is_not_forwarded(
        operator, make_ticket, db):
    ticket = make_ticket(anonim=True)  # reporter +6281234567890
    response = _forward(operator, db, ticket, anonim="1",
                        description="Jalan rusak, hubungi 0812 3456 7890.")
    assert response.status_code == 422
    assert "memuat nomor telepon pelapor" in response.get_data(as_text=True)


# --- d. notes --------------------------------------------------------------------------

def test_the_call_centres_internal_notes_are_not_shown_to_the_pokja(operator, pokja,
                                                                     make_ticket):
    ticket = make_ticket(Status.FORWARDED)
    operator.post(f"/console/tiket/{ticket.number}/catatan",
                  {"note": "Pak Budi minta ditelepon sore di rumahnya."})
    assert "Pak Budi minta ditelepon" in operator.get(
        f"/console/tiket/{ticket.number}").get_data(as_text=True)
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Pak Budi minta ditelepon" not in page


def test_the_forwarding_note_is_read_by_the_pokja_it_was_forwarded_to_only(
        operator, pokja, pokja2, make_ticket, db):
    ticket = make_ticket()
    _forward(operator, db, ticket, note="Untuk PUPR: cek gorong-gorong juga.")
    assert "Untuk PUPR: cek gorong-gorong juga." in pokja.get(
        f"/console/tiket/{ticket.number}").get_data(as_text=True)
    pokja.post(f"/console/tiket/{ticket.number}/kembalikan", {"note": "Ini soal puskesmas."})
    _forward(operator, db, ticket, code="DINKES", note="Untuk Dinkes: puskesmas pembantu.")
    page = pokja2.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Untuk Dinkes: puskesmas pembantu." in page
    assert "Untuk PUPR" not in page and "Ini soal puskesmas." not in page


def test_a_pokja_note_is_read_by_its_pokja_and_the_call_centre_not_another_pokja(
        operator, pokja, pokja2, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    pokja.post(f"/console/tiket/{ticket.number}/catatan", {"note": "Tim survei hari Senin."})
    event = db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                                 TicketEvent.kind == "note")).one()
    assert event.internal and event.shared_with_pokja_id == pokja_named(db, "PUPR").id
    for agent in (pokja, operator):
        assert "Tim survei hari Senin." in agent.get(
            f"/console/tiket/{ticket.number}").get_data(as_text=True)
    pokja.post(f"/console/tiket/{ticket.number}/kembalikan", {"note": "Bukan jalan kami."})
    _forward(operator, db, ticket, code="DINKES")
    page = pokja2.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Tim survei hari Senin." not in page


# --- e. the desk's remarks (Keterangan) -------------------------------------------------

def test_a_postponement_note_stays_with_the_call_centre(operator, pokja, make_ticket, db):
    ticket = make_ticket()
    operator.post(f"/console/tiket/{ticket.number}/tunda",
                  {"note": "Minta alamat rumah Pak Budi, RT 3 RW 2."})
    operator.post(f"/console/tiket/{ticket.number}/lanjutkan", {"note": "Alamat sudah ada."})
    _forward(operator, db, ticket)
    assert reload(db, ticket).status_note is None  # not carried onto the forwarded ticket
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "RT 3 RW 2" not in page and "Alamat sudah ada." not in page
    assert "Ditunda (perlu informasi)" in page  # the status trail itself stays
    assert "RT 3 RW 2" in operator.get(f"/console/tiket/{ticket.number}").get_data(
        as_text=True)


def test_a_return_note_is_a_remark_for_the_call_centre_not_the_next_pokja(
        operator, pokja, pokja2, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    pokja.post(f"/console/tiket/{ticket.number}/kembalikan",
               {"note": "Pelapor Pak Budi bilang ini soal puskesmas."})
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Keterangan call center: Pelapor Pak Budi bilang ini soal puskesmas." in page
    _forward(operator, db, ticket, code="DINKES")
    page = pokja2.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Keterangan" not in page and "Pak Budi bilang" not in page


def test_a_pokja_never_sees_the_desks_keterangan_in_the_header(pokja, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED, status_note="Catatan meja: pelapor kerabat camat.")
    db.commit()
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "kerabat camat" not in page
