"""Publishing as an explicit step of the call centre, and /jawaban: the list (search,
category, pages), one answer and the Atom feed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from portal.publishing import PublicText, publish, save_public_text, unpublish
from tests.agents.conftest import reload
from tests.portal.conftest import ANSWER, SUMMARY
from tickets.errors import InvalidInput, PermissionDenied, StaleTicket
from tickets.models import Status

TZ = "Asia/Jakarta"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_an_operator_writes_the_summary_and_publishes_it_with_the_answer(
        app, operator, make_ticket, db):
    ticket = make_ticket(Status.ANSWERED, answer=ANSWER)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert 'name="public_summary"' in page and "Publikasikan ringkasan dan jawaban" in page
    # The summary starts empty: never pre-filled with the transcript or the description.
    assert '<textarea name="public_summary" rows="4"></textarea>' in page
    response = operator.post(f"/console/tiket/{ticket.number}/publikasikan",
                             {"public_summary": SUMMARY, "address": "Desa Sukamaju"})
    assert response.status_code == 302
    ticket = reload(db, ticket)
    assert ticket.answer_published and ticket.published_at and ticket.published_by_id
    assert ticket.events[-1].note == "Jawaban dipublikasikan."
    public = app.test_client().get(f"/jawaban/{ticket.number}").get_data(as_text=True)
    assert SUMMARY in public and ANSWER in public and "Desa Sukamaju" in public
    assert operator.post(f"/console/tiket/{ticket.number}/cabut-publikasi").status_code == 302
    assert reload(db, ticket).answer_published is False
    assert app.test_client().get(f"/jawaban/{ticket.number}").status_code == 404


def test_a_summary_naming_the_reporter_is_refused_beside_its_field(operator, make_ticket, db):
    ticket = make_ticket(Status.ANSWERED)
    for text in ("Laporan Budi Santoso soal jalan.", "Hubungi 0812-3456-7890 untuk info."):
        response = operator.post(f"/console/tiket/{ticket.number}/publikasikan",
                                 {"public_summary": text})
        assert response.status_code == 422
        assert "identitas pelapor" in response.get_data(as_text=True)
    assert reload(db, ticket).answer_published is False


def test_the_domain_enforces_every_publishing_rule(db, make_ticket):
    from tests.agents.conftest import user_named

    supervisor = user_named(db, "supervisor")
    secret = make_ticket(Status.ANSWERED, rahasia=True)
    with pytest.raises(PermissionDenied):
        publish(db, supervisor, secret.number, PublicText(SUMMARY), version=None, tz=TZ)
    db.rollback()
    open_one = make_ticket(Status.FORWARDED)
    with pytest.raises(InvalidInput):
        publish(db, supervisor, open_one.number, PublicText(SUMMARY), version=None, tz=TZ)
    db.rollback()
    answered = make_ticket(Status.ANSWERED)
    with pytest.raises(InvalidInput):
        publish(db, supervisor, answered.number, PublicText(""), version=None, tz=TZ)
    db.rollback()
    with pytest.raises(StaleTicket):
        save_public_text(db, supervisor, answered.number, PublicText(SUMMARY),
                         version=answered.version - 1, tz=TZ)
    db.rollback()
    with pytest.raises(PermissionDenied):
        unpublish(db, user_named(db, "pokja"), answered.number, version=None, tz=TZ)


def test_a_ticket_made_rahasia_after_publishing_disappears(app, published, db):
    ticket = published()
    reload(db, ticket).rahasia = True
    db.commit()
    client = app.test_client()
    assert client.get(f"/jawaban/{ticket.number}").status_code == 404
    assert ticket.number not in client.get("/jawaban").get_data(as_text=True)


def test_the_answers_page_searches_filters_and_pages_newest_first(app, published, db):
    from datetime import timedelta

    from tickets.clock import utcnow

    first = published(summary="Sampah menumpuk di pasar.", code="DLH")
    tickets = [published(summary=f"Jalan rusak nomor {i}.") for i in range(11)]
    for age, t in enumerate(reversed([first, *tickets])):
        reload(db, t).published_at = utcnow() - timedelta(hours=age)
    db.commit()
    client = app.test_client()
    page1 = client.get("/jawaban").get_data(as_text=True)
    assert page1.count("<article") == 10 and "Halaman 1" in page1 and 'rel="next"' in page1
    assert page1.index("Jalan rusak nomor 10") < page1.index("Jalan rusak nomor 9")
    assert "Sampah menumpuk" not in page1
    page2 = client.get("/jawaban?halaman=2").get_data(as_text=True)
    assert "Sampah menumpuk" in page2 and 'rel="prev"' in page2 and 'rel="next"' not in page2
    assert page2.count("<article") == 2
    found = client.get("/jawaban?q=SAMPAH").get_data(as_text=True)
    assert found.count("<article") == 1 and "Sampah menumpuk" in found
    by_category = client.get(f"/jawaban?kategori={first.category_id}").get_data(as_text=True)
    assert by_category.count("<article") == 1 and "Sampah menumpuk" in by_category
    assert client.get("/jawaban?halaman=abc").status_code == 404
    assert client.get("/jawaban/12345678").status_code == 404


def test_the_atom_feed_lists_published_answers(app, published):
    ticket = published()
    response = app.test_client().get("/jawaban.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}summary") == SUMMARY
    assert ANSWER in entries[0].findtext(f"{ATOM}content", "")
    assert entries[0].find(f"{ATOM}link").get("href", "").endswith(  # type: ignore[union-attr]
        f"/jawaban/{ticket.number}")


def test_the_home_page_tells_how_to_report_from_the_hotline_settings(app, admin):
    admin.post("/console/admin/pengaturan", {
        "agency_name": "Pemerintah Kabupaten Mamuju", "office_hours": "1-6 07:30-15:00",
        "operator_number": "+62215550199", "tts_voice": "Google.id-ID-Standard-A",
        "record_max_seconds": "180"})
    text = app.test_client().get("/").get_data(as_text=True)
    assert "Pemerintah Kabupaten Mamuju" in text
    assert "Senin sampai Sabtu, pukul 07:30-15:00 WIB" in text
    assert "(021) 5550100" in text and "tel:+62215550100" in text
    assert "wa.me/6281122334455" in text and "0811-2233-4455" in text
    assert "3 hari kerja" in text and "nomor tiket" in text


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"HOTLINE_NUMBER": "+62215550100", "PUBLIC_WHATSAPP_NUMBER": "+6281122334455"}


def test_public_pages_carry_the_security_headers_and_load_only_their_own_assets(app):
    client = app.test_client()
    for path in ("/", "/lacak", "/jawaban"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        body = response.get_data(as_text=True)
        assert "http://" not in body.replace("http://localhost", "")
        assert "https://" not in body.replace("https://wa.me", "")
        assert "<script" not in body and "style=" not in body
    css = client.get("/static/public/public.css")
    assert css.status_code == 200 and "url(" not in css.get_data(as_text=True)


def test_tickets_show_json_tells_the_publication(app, published):
    import json

    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from hotline.cli import cli

    ticket = published(address="Desa Sukamaju")
    result = CliRunner().invoke(cli, ["tickets", "show", ticket.number, "--json"],
                                obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["published"] is True and row["public_summary"] == SUMMARY
    assert row["address"] == "Desa Sukamaju" and row["published_at"].endswith("Z")


def test_the_search_takes_percent_and_underscore_literally(app, published):
    percent = published(summary="Tarif air naik 50% tanpa pemberitahuan.")
    plain = published(summary="Tarif air naik 500 rupiah tanpa pemberitahuan.")
    underscored = published(summary="Kode ruas jalan JL_12 rusak berat.")
    other = published(summary="Kode ruas jalan JLX12 rusak berat.")
    client = app.test_client()
    page = client.get("/jawaban?q=50%25").get_data(as_text=True)
    assert percent.number in page and plain.number not in page
    page = client.get("/jawaban?q=JL_12").get_data(as_text=True)
    assert underscored.number in page and other.number not in page
    page = client.get("/jawaban?q=%25").get_data(as_text=True)
    assert percent.number in page and plain.number not in page


def test_an_anonim_answer_is_masked_and_not_found_by_the_hidden_name(
        app, published, db):
    from tickets.models import Transcript

    ticket = published(summary="Jalan berlubang di depan SD.",
                       answer="Jalan di depan rumah Pak Hartono sudah ditambal.", anonim=True)
    db.add(Transcript(ticket=ticket, engine="test", words=[],
                      text="nama saya hartono dari rt 2 jalan berlubang"))
    db.commit()
    client = app.test_client()
    page = client.get(f"/jawaban/{ticket.number}").get_data(as_text=True)
    assert "Pak [disamarkan] sudah ditambal" in page and "Hartono" not in page
    assert ticket.number not in client.get("/jawaban?q=hartono").get_data(as_text=True)
    assert ticket.number in client.get("/jawaban?q=ditambal").get_data(as_text=True)
    assert "Hartono" not in client.get("/jawaban.atom").get_data(as_text=True)


def test_open311_reads_an_anonim_summary_masked(app, published, db):
    from tickets.models import Transcript

    ticket = published(summary="Jalan berlubang, kata warga bernama Hartono.", anonim=True)
    db.add(Transcript(ticket=ticket, engine="test", words=[],
                      text="nama saya hartono dari rt 2 jalan berlubang"))
    db.commit()
    (request,) = app.test_client().get(f"/open311/v2/requests/{ticket.number}.json").get_json()
    assert request["description"] == "Jalan berlubang, kata warga bernama [disamarkan]."
