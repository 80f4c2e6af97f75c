"""The operator's desk in the console: finding a caller, their history, a pokja's
hand-back, who else has the ticket open, conflicts that keep what was typed, and
"simpan & berikutnya"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tickets import clock
from tickets.models import Call, Category, Pokja, Status, Ticket

from .conftest import reload

BUDI = "+6281234567890"
FORMATS = ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890",
           "+62 812 3456 7890", "0812 3456 7890"]


def _numbers(page: str) -> set[str]:
    return set(re.findall(r'href="/console/tiket/(\d+)"', page))


@pytest.mark.parametrize("typed", FORMATS)
def test_the_queue_finds_every_ticket_of_a_caller_by_phone_in_any_format(
        operator, make_ticket, typed):
    mine = {make_ticket().number, make_ticket(Status.FORWARDED).number,
            make_ticket(Status.ANSWERED).number}
    other = make_ticket(reporter_phone="+6285712345678").number
    page = operator.get("/console/antrean", query_string={"status": "semua", "q": typed})
    assert page.status_code == 200
    found = _numbers(page.get_data(as_text=True))
    assert mine <= found and other not in found


def test_the_queue_finds_a_reporter_by_name_and_a_ticket_by_number(operator, make_ticket):
    siti = make_ticket(reporter_name="Siti Aminah", reporter_phone="+6285712345678")
    budi = make_ticket()
    by_name = operator.get("/console/antrean", query_string={"status": "semua", "q": "aminah"})
    assert _numbers(by_name.get_data(as_text=True)) == {siti.number}
    by_number = operator.get("/console/antrean",
                             query_string={"status": "semua", "q": budi.number})
    assert _numbers(by_number.get_data(as_text=True)) == {budi.number}


def test_the_ticket_page_tells_a_repeat_caller_with_their_earlier_tickets(
        operator, make_ticket, db):
    earlier = make_ticket(Status.ANSWERED, created_at=clock.utcnow() - timedelta(days=40))
    make_ticket(reporter_phone="+6285712345678")  # another caller
    call = Call(call_sid="CA" + "7" * 32, from_number=BUDI)
    db.add(call)
    db.commit()
    now = make_ticket(call_id=call.id)
    page = html.unescape(operator.get(f"/console/tiket/{now.number}").get_data(as_text=True))
    assert "Pelapor ini sudah 2 kali melapor" in page  # a walk-in: "Pelapor"
    history = page[page.index('id="riwayat-pelapor"'):]
    assert f'href="/console/tiket/{earlier.number}"' in history
    assert "Sudah dijawab" in history or "dijawab" in history.lower()
    assert "tiket ini" in history  # the call that made this ticket


def test_a_pokja_never_sees_the_history_of_an_anonim_ticket(
        pokja, operator, make_ticket):
    make_ticket(Status.FORWARDED)
    anonim = make_ticket(Status.FORWARDED, anonim=True)
    page = pokja.get(f"/console/tiket/{anonim.number}").get_data(as_text=True)
    assert 'id="riwayat-pelapor"' not in page and "melapor" not in page
    # The call centre does see it, anonim or not.
    desk = html.unescape(operator.get(f"/console/tiket/{anonim.number}").get_data(as_text=True))
    assert "ini sudah 2 kali melapor" in desk


def test_a_handed_back_ticket_is_marked_in_the_queue_and_can_be_filtered(
        operator, pokja, make_ticket):
    returned = make_ticket(Status.FORWARDED)
    waiting = make_ticket()
    response = pokja.post(f"/console/tiket/{returned.number}/kembalikan",
                          {"note": "Jalan provinsi, bukan wewenang PUPR."})
    assert response.status_code == 302
    label = ("Dikembalikan oleh Pokja Infrastruktur (Dinas PUPR): "
             "Jalan provinsi, bukan wewenang PUPR.")
    queue = html.unescape(operator.get("/console/antrean").get_data(as_text=True))
    assert label in queue and {returned.number, waiting.number} <= _numbers(queue)
    only = operator.get("/console/antrean", query_string={"dikembalikan": "1"})
    assert _numbers(only.get_data(as_text=True)) == {returned.number}
    ticket = html.unescape(operator.get(f"/console/tiket/{returned.number}")
                           .get_data(as_text=True))
    assert label in ticket


def test_someone_else_with_the_ticket_open_is_named_until_their_page_goes(
        operator, supervisor, make_ticket, monkeypatch):
    ticket = make_ticket()
    t0 = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: t0)
    beat = f"/console/tiket/{ticket.number}/hadir"
    assert operator.post(beat).get_json() == {"others": []}
    assert supervisor.post(beat).get_json() == {"others": ["Operator Call Center"]}
    page = supervisor.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Sedang dibuka oleh Operator Call Center" in page
    # The operator's page stops beating: after the expiry they are no longer named.
    monkeypatch.setattr(clock, "utcnow", lambda: t0 + timedelta(minutes=2))
    assert supervisor.post(beat).get_json() == {"others": []}
    # Leaving says so at once.
    operator.post(beat)
    assert supervisor.post(beat).get_json() == {"others": ["Operator Call Center"]}
    operator.post(beat, {"pergi": "1"})
    assert supervisor.post(beat).get_json() == {"others": []}


def test_the_heartbeat_of_a_ticket_one_may_not_see_is_refused(pokja, make_ticket):
    ticket = make_ticket()  # still at the call centre
    assert pokja.post(f"/console/tiket/{ticket.number}/hadir").status_code == 404


def _changed_meanwhile(db, ticket: Ticket, **fields: object) -> str:
    """The version the agent's page was rendered from, then someone else's save."""
    before = str(reload(db, ticket).version)
    fresh = reload(db, ticket)
    for key, value in {"description": "Diubah oleh rekan: jalan rusak di depan pasar.",
                       **fields}.items():
        setattr(fresh, key, value)
    db.commit()
    return before


TYPED = "Ketikan saya yang panjang tentang jembatan ambles di Dusun Krajan"

# action -> (status, who, the typed form, the diff shown for)
FORMS = {
    "simpan": (Status.AWAITING_VERIFICATION, "operator",
               {"description": TYPED, "priority": "2", "note": "catatan penerusan saya"},
               "description"),
    "teruskan": (Status.AWAITING_VERIFICATION, "operator",
                 {"description": TYPED, "priority": "2", "note": "catatan penerusan saya"},
                 "description"),
    "tunda": (Status.AWAITING_VERIFICATION, "operator", {"note": TYPED}, None),
    "tolak": (Status.AWAITING_VERIFICATION, "operator",
              {"reason": "not_our_authority", "note": TYPED,
               "reporter_message": "Hubungi kantor desa saya"}, None),
    "duplikat": (Status.AWAITING_VERIFICATION, "operator", {"original": "12345678"}, None),
    "lapor": (Status.AWAITING_VERIFICATION, "operator",
              {"classification": "pengaduan", "title": TYPED, "lapor_tracking_id": ""},
              "title"),
    "jawab": (Status.FORWARDED, "pokja", {"answer": TYPED}, "answer"),
    "draf": (Status.FORWARDED, "pokja", {"answer": TYPED}, "answer"),
    "kembalikan": (Status.FORWARDED, "pokja", {"note": TYPED}, None),
    "ringkasan": (Status.ANSWERED, "operator", {"public_summary": TYPED, "address": ""},
                  "public_summary"),
}


@pytest.mark.parametrize("action", sorted(FORMS))
def test_a_conflicting_save_keeps_what_was_typed_and_shows_the_difference(
        action, agent, make_ticket, db):
    status, who, form, diffed = FORMS[action]
    ticket = make_ticket(status)
    version = _changed_meanwhile(db, ticket, answer="Jawaban rekan.", title="Judul rekan",
                                 public_summary="Ringkasan rekan.")
    response = agent(who).post(f"/console/tiket/{ticket.number}/{action}",
                               {**form, "version": version})
    assert response.status_code == 409, action
    page = html.unescape(response.get_data(as_text=True))
    assert "Tiket ini telah diubah" in page
    assert "isian Anda masih ada di formulir di bawah" in page and "muat ulang" not in page
    for name, value in form.items():
        if value and name not in ("priority", "classification"):
            assert value in page, f"{action}: {name} lost"
    if diffed:
        diff = page[page.index('id="perbedaan"'):]
        assert f'id="beda-{diffed}"' in diff and "<ins>" in diff and "<del>" in diff
    # Nothing of the refused save was kept.
    after = reload(db, ticket)
    assert TYPED not in " ".join(str(v) for v in (
        after.description, after.answer, after.title, after.public_summary,
        after.status_note))


def test_a_conflicting_save_of_the_anonim_text_for_the_pokja_keeps_it(
        operator, make_ticket, db):
    ticket = make_ticket(anonim=True)
    version = _changed_meanwhile(db, ticket)
    for action, field in (("teks-samaran", "outward_text"), ("samaran", "added")):
        response = operator.post(f"/console/tiket/{ticket.number}/{action}",
                                 {field: TYPED, "version": version})
        assert response.status_code == 409
        assert TYPED in html.unescape(response.get_data(as_text=True)), action


def test_resaving_after_a_conflict_keeps_the_typed_text(operator, make_ticket, db):
    ticket = make_ticket()
    version = _changed_meanwhile(db, ticket)
    refused = operator.post(f"/console/tiket/{ticket.number}/simpan",
                            {"description": TYPED, "priority": "2", "version": version})
    fresh = re.search(r'name="version" value="(\d+)"', refused.get_data(as_text=True))
    assert fresh and fresh.group(1) != version
    saved = operator.post(f"/console/tiket/{ticket.number}/simpan",
                          {"description": TYPED, "priority": "2", "version": fresh.group(1)})
    assert saved.status_code == 302
    assert reload(db, ticket).description == TYPED


def test_simpan_and_next_walks_the_queue_with_its_filters(operator, make_ticket, db):
    first, second = make_ticket(), make_ticket()
    other = make_ticket(code="DLH")  # filtered out
    third = make_ticket()
    pupr = db.scalar(select(Category.id).join(Pokja).where(Pokja.code == "PUPR"))
    operator.get("/console/antrean", query_string={"category_id": str(pupr)})
    seen = []
    current = first
    for _ in range(3):
        # Posted as the ticket page would (token and version from it): opening the queue
        # again, as Agent.post does for its token, would change the queue's filters.
        page = operator.get(f"/console/tiket/{current.number}").get_data(as_text=True)
        response = operator.client.post(f"/console/tiket/{current.number}/simpan", data={
            "description": "Jalan berlubang di desa.", "category_id": str(pupr),
            "priority": "2", "berikutnya": "1",
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "version": re.search(r'name="version" value="(\d+)"', page).group(1)})
        assert response.status_code == 302
        target = response.headers["Location"]
        seen.append(target.rsplit("/", 1)[-1])
        current = db.scalars(select(Ticket).where(Ticket.number == seen[-1])).one()
    # Oldest first, the DLH ticket skipped, and from the last one round to the first.
    assert seen == [second.number, third.number, first.number]
    assert other.number not in seen


def test_forward_and_next_leaves_the_queue_when_it_is_empty(operator, make_ticket, db):
    only = make_ticket()
    operator.get("/console/antrean")
    pokja_id = db.scalar(select(Pokja.id).where(Pokja.code == "PUPR"))
    response = operator.post(f"/console/tiket/{only.number}/teruskan", {
        "description": "Jalan berlubang.", "category_id": str(reload(db, only).category_id),
        "pokja_id": str(pokja_id), "priority": "2", "berikutnya": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/antrean")
    assert reload(db, only).status is Status.FORWARDED
    queue = operator.get("/console/antrean").get_data(as_text=True)
    assert "Tidak ada tiket berikutnya" in queue
