"""Canned replies: placeholders checked on save and filled per user and ticket; who sees
which reply; the admin's list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from answering import canned
from answering.models import CannedReply
from tests.agents.conftest import make_ticket, pokja_named, user_named  # noqa: F401
from tickets.errors import InvalidInput, PermissionDenied
from tickets.models import Category, Status


def test_the_five_placeholders_are_accepted():
    assert canned.check_placeholders("{nomor} {nama} {tanggal} {kategori} {pokja}") == [
        "nomor", "nama", "tanggal", "kategori", "pokja"]


@pytest.mark.parametrize("text, shown", [
    ("Yth. {nama_lengkap}", "{nama_lengkap}"),
    ("Tiket {Nomor}", "{Nomor}"),
    ("{nomor.__class__}", "{nomor.__class__}"),
    ("{nomor[0]}", "{nomor[0]}"),
    ("{nomor!r}", "{nomor!r}"),
    ("{nomor:>10}", "{nomor:>10}"),
    ("{}", "{}"),
])
def test_an_unknown_placeholder_is_refused_with_its_name_and_the_list(text, shown):
    with pytest.raises(InvalidInput) as refused:
        canned.check_placeholders(text)
    assert refused.value.field == "body"
    assert f"Placeholder {shown} tidak dikenal" in refused.value.message
    assert "{nomor}, {nama}, {tanggal}, {kategori}, {pokja}" in refused.value.message


@pytest.mark.parametrize("text", ["Tiket {nomor", "Tiket nomor}", "{ {nomor}"])
def test_a_lone_brace_is_refused_in_indonesian(text):
    with pytest.raises(InvalidInput, match="Kurung kurawal tidak berpasangan|tidak dikenal"):
        canned.check_placeholders(text)


def test_doubled_braces_write_a_brace():
    assert canned.check_placeholders("Kode {{A}} untuk {nomor}") == ["nomor"]
    assert canned.fill("Kode {{A}} untuk {nomor}", {"nomor": "1234"}) == "Kode {A} untuk 1234"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_whatever_passes_the_check_fills_without_error(text):
    try:
        canned.check_placeholders(text)
    except InvalidInput:
        return
    values = {name: f"<{name}>" for name in canned.PLACEHOLDERS}
    filled = canned.fill(text, values)
    assert "{nomor}" not in filled.replace("{{", "")


def _reply(db, title: str, body: str, pokja=None, category=None) -> CannedReply:
    reply = CannedReply(title=title, body=body, pokja_id=pokja.id if pokja else None,
                        category_id=category.id if category else None, active=True)
    db.add(reply)
    db.commit()
    return reply


def test_a_pokja_sees_global_replies_its_own_and_its_categorys_not_anothers(
        db, make_ticket):  # noqa: F811
    ticket = make_ticket(Status.FORWARDED)
    pupr, dinkes = pokja_named(db, "PUPR"), pokja_named(db, "DINKES")
    other_category = db.scalars(select(Category).where(
        Category.id != ticket.category_id)).first()
    _reply(db, "Umum", "Terima kasih, tiket {nomor}.")
    _reply(db, "PUPR", "PUPR menindaklanjuti {kategori}.", pokja=pupr)
    _reply(db, "PUPR kategori", "Untuk {kategori}.", pokja=pupr, category=ticket.category)
    _reply(db, "PUPR kategori lain", "x", pokja=pupr, category=other_category)
    _reply(db, "DINKES", "y", pokja=dinkes)
    pokja = user_named(db, "pokja")
    shown = canned.for_ticket(db, pokja, ticket, "Asia/Jakarta")
    assert [r.title for r in shown] == ["PUPR", "PUPR kategori", "Umum"]
    assert shown[2].text == f"Terima kasih, tiket {ticket.number}."
    assert shown[0].text == f"PUPR menindaklanjuti {ticket.category.name}."
    # The call centre writes to reporters: only the global replies.
    operator = user_named(db, "operator")
    assert [r.title for r in canned.for_ticket(db, operator, ticket, "Asia/Jakarta")] == ["Umum"]


def test_nama_never_fills_an_anonim_reporters_name_for_a_pokja(db, make_ticket):  # noqa: F811
    _reply(db, "Salam", "Yth. {nama}, tiket {nomor} di {pokja}.")
    anonim = make_ticket(Status.FORWARDED, anonim=True)
    named = make_ticket(Status.FORWARDED)
    pokja, operator = user_named(db, "pokja"), user_named(db, "operator")
    (for_pokja,) = canned.for_ticket(db, pokja, anonim, "Asia/Jakarta")
    assert "Budi" not in for_pokja.text and for_pokja.text.startswith("Yth. Bapak/Ibu,")
    (for_desk,) = canned.for_ticket(db, operator, anonim, "Asia/Jakarta")
    assert for_desk.text.startswith("Yth. Budi Santoso,")  # the desk writes to the reporter
    (ordinary,) = canned.for_ticket(db, pokja, named, "Asia/Jakarta")
    assert ordinary.text.startswith("Yth. Budi Santoso,") and "Pokja" in ordinary.text


def test_only_the_admin_manages_canned_replies(db):
    form = canned.ReplyForm("Salam", "Tiket {nomor}", None, None)
    with pytest.raises(PermissionDenied):
        canned.create(db, user_named(db, "operator"), form)
    admin = user_named(db, "admin")
    reply = canned.create(db, admin, form)
    updated = canned.update(db, admin, reply.id, canned.ReplyForm(
        "Salam baru", "Tiket {nomor} - {tanggal}", pokja_named(db, "PUPR").id, None, False))
    assert (updated.title, updated.active) == ("Salam baru", False)
    with pytest.raises(InvalidInput, match="tidak dikenal"):
        canned.update(db, admin, reply.id, canned.ReplyForm("Salam", "{no_tiket}", None, None))
    assert canned.delete(db, admin, reply.id) == "Salam baru"
    assert db.scalars(select(CannedReply)).all() == []


@pytest.mark.parametrize("form, field", [
    (canned.ReplyForm("", "x", None, None), "title"),
    (canned.ReplyForm("x", "  ", None, None), "body"),
    (canned.ReplyForm("x", "y", 99999, None), "pokja_id"),
    (canned.ReplyForm("x", "y", None, 99999), "category_id"),
])
def test_a_reply_form_is_checked_field_by_field(db, form, field):
    with pytest.raises(InvalidInput) as refused:
        canned.create(db, user_named(db, "admin"), form)
    assert refused.value.field == field
