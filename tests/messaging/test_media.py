"""Voice notes and photos: downloaded off the request path from the allowed host only,
kept when their bytes are what was accepted (with their sha256), refused politely
otherwise, and nothing already sent is lost."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from media.models import Attachment, AttachmentStatus
from notify.models import OutboxMessage
from tests.audio_samples import HTML, encode
from tests.conftest import espeak_wav
from tickets.models import Status, Ticket, TranscriptionStatus

TEXT = "Sampah menumpuk di pasar Cibeber."


@pytest.fixture(scope="session")
def voice_note(tmp_path_factory) -> Path:
    """A WhatsApp-like voice note: Ogg Opus, 16 kHz mono, made from espeak-ng speech."""
    folder = tmp_path_factory.mktemp("voice")
    wav = espeak_wav("Sampah di pasar belum diangkut selama satu minggu.",
                     folder / "pesan.wav", rate=16000)
    return encode(wav, folder / "pesan.ogg", "-c:a", "libopus", "-b:a", "24k")


@pytest.fixture(scope="session")
def photo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("photo") / "foto.jpg"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=gray:s=64x48", "-frames:v", "1", str(target)], check=True)
    return target


def _start(chat) -> None:
    for text in ("Halo", "1", "5", "2"):
        assert chat.send(text).status == 200


def _ticket(db, number: str) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def test_text_voice_note_and_photo_make_one_ticket(citizen, db, app, voice_note, photo,
                                                    settings):
    chat = citizen(whatsapp=True)
    _start(chat)
    assert "Diterima" in chat.send(TEXT).replies[0]
    assert "Diterima" in chat.send(media=[voice_note]).replies[0]
    assert "Diterima" in chat.send("Fotonya:", media=[photo]).replies[0]
    number = ticket_number(chat.send("SELESAI").replies)
    assert number

    ticket = _ticket(db, number)
    attachments = db.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                             .order_by(Attachment.id)).all()
    assert [a.kind.value for a in attachments] == ["audio", "image"]
    for attachment, source in zip(attachments, (voice_note, photo), strict=True):
        assert attachment.status is AttachmentStatus.STORED
        assert attachment.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        stored = settings.recordings_dir / attachment.path
        assert stored.read_bytes() == source.read_bytes()
        assert stored.name.startswith("msg-")  # named by the server
    assert attachments[0].content_type == "audio/ogg"
    assert attachments[1].content_type == "image/jpeg"
    # SPEECH_ENGINE=none here: the voice note waits for an operator to listen.
    assert attachments[0].transcript_status == "manual"
    assert ticket.transcription_status is TranscriptionStatus.MANUAL
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcript.text == f"{TEXT}\nFotonya:"

    from hotline.cli import cli

    with app.app_context():
        result = app.test_cli_runner().invoke(cli, ["tickets", "show", number, "--json"])
    shown = json.loads(result.output)
    assert shown["channel"] == "whatsapp"
    assert [(a["kind"], a["content_type"]) for a in shown["attachments"]] == [
        ("audio", "audio/ogg"), ("image", "image/jpeg")]
    assert shown["attachments"][1]["sha256"] == attachments[1].sha256


@pytest.mark.parametrize("declared", ["application/pdf", "video/mp4", "text/html"])
def test_unaccepted_media_get_a_polite_reply_and_the_conversation_goes_on(
        citizen, db, tmp_path, declared):
    chat = citizen()
    _start(chat)
    chat.send(TEXT)
    document = tmp_path / "surat.bin"
    document.write_bytes(b"%PDF-1.4 not a complaint photo")
    form = chat.form("", [document])
    form["MediaContentType0"] = declared
    exchange = chat.send_form(form)
    assert exchange.status == 200
    reply = exchange.replies[0]
    assert "pesan suara dan foto" in reply and "tetap tersimpan" in reply
    number = ticket_number(chat.send("SELESAI").replies)
    ticket = _ticket(db, number)
    assert ticket.transcript.text == TEXT
    assert db.scalars(select(Attachment)).all() == []


def test_an_html_page_where_audio_was_promised_is_not_kept(citizen, db, tmp_path, photo):
    chat = citizen(whatsapp=True)
    _start(chat)
    fake = tmp_path / "pesan.ogg"
    fake.write_bytes(HTML)
    chat.send(TEXT)
    chat.send(media=[fake])
    chat.send(media=[photo])
    number = ticket_number(chat.send("SELESAI").replies)
    ticket = _ticket(db, number)
    audio, image = db.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert audio.status is AttachmentStatus.FAILED and "audio" in (audio.error or "")
    assert audio.transcript_status == "failed"
    assert image.status is AttachmentStatus.STORED
    assert ticket.transcript.text == TEXT  # nothing already sent is lost
    assert ticket.transcription_status is TranscriptionStatus.FAILED
    told = db.scalars(select(OutboxMessage).where(
        OutboxMessage.event == f"attachment-{audio.id}-failed")).one()
    assert "tidak dapat kami terima" in told.body and told.channel == "whatsapp"


@pytest.mark.parametrize("env_overrides", [{"MESSAGE_MEDIA_MAX_BYTES": "2048"}])
def test_an_oversize_file_is_refused(citizen, db, voice_note, env_overrides):
    assert voice_note.stat().st_size > 2048
    chat = citizen()
    _start(chat)
    chat.send(media=[voice_note])
    attachment = db.scalars(select(Attachment)).one()
    db.refresh(attachment)
    assert attachment.status is AttachmentStatus.FAILED
    assert "lebih besar dari batas" in (attachment.error or "")


def test_a_media_url_off_the_twilio_host_is_never_fetched(citizen, db, photo):
    chat = citizen()
    _start(chat)
    form = chat.form("", [photo])
    form["MediaUrl0"] = ("https://evil.invalid/2010-04-01/Accounts/" + "AC" + "0" * 32
                         + "/Messages/MM" + "1" * 32 + "/Media/ME" + "2" * 32)
    chat.send_form(form)
    attachment = db.scalars(select(Attachment)).one()
    db.refresh(attachment)
    assert attachment.status is AttachmentStatus.FAILED
    assert "bukan dari Twilio" in (attachment.error or "")


@pytest.mark.parametrize("env_overrides", [{"MESSAGE_MAX_MEDIA": "1"}])
def test_media_per_ticket_are_capped(citizen, db, photo, env_overrides):
    chat = citizen()
    _start(chat)
    chat.send(media=[photo])
    reply = chat.send(media=[photo]).replies[0]
    assert "mencapai batas" in reply
    assert len(db.scalars(select(Attachment)).all()) == 1


def test_in_development_a_local_client_may_serve_media_from_any_loopback_path(
        citizen, db, photo):
    """A Twilio-like client on this machine need not copy Twilio's media paths (the
    development allow-list admits loopback, as for `hotline call`'s recordings)."""
    from http.server import BaseHTTPRequestHandler

    from devtools.loopback import LoopbackServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            body = photo.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(LoopbackServer):
        host = "127.0.0.1"

        def __init__(self):
            self._serve(Handler)

    with Server() as server:
        chat = citizen()
        _start(chat)
        form = chat.form("", [photo])
        form["MediaUrl0"] = f"{server.base_url}/files/foto.jpg?token=abc"
        assert "Diterima" in chat.send_form(form).replies[0]
    attachment = db.scalars(select(Attachment)).one()
    db.refresh(attachment)
    assert attachment.status is AttachmentStatus.STORED


def test_outside_development_only_twilios_media_paths_are_taken():
    from messaging.form import inbound

    form = {"MessageSid": "MM" + "1" * 32, "From": "whatsapp:+6281234567890",
            "Body": "", "NumMedia": "2", "MediaContentType0": "image/jpeg",
            "MediaUrl0": "http://127.0.0.1:9/files/foto.jpg", "MediaContentType1": "image/png",
            "MediaUrl1": ("https://api.twilio.com/2010-04-01/Accounts/AC" + "0" * 32
                          + "/Messages/MM" + "1" * 32 + "/Media/ME" + "2" * 32)}
    parsed = inbound(form, loopback_media=False)
    assert parsed.media[0].content_type == "invalid/url"  # refused politely, never fetched
    assert parsed.media[1].content_type == "image/png"
    assert inbound(form, loopback_media=True).media[0].content_type == "image/jpeg"
    # A local client's Twilio-shaped path naming its own account is a local file too.
    other = ("http://127.0.0.1:9/2010-04-01/Accounts/AC" + "9" * 32 + "/Messages/MM"
             + "1" * 32 + "/Media/ME" + "2" * 32)
    local = inbound({**form, "MediaUrl0": other}, loopback_media=True).media[0]
    assert local.url == other and local.content_type == "image/jpeg"
    # Without NumMedia (Twilio always sends it) the media URLs are counted.
    without = {k: v for k, v in form.items() if k != "NumMedia"}
    assert len(inbound(without, loopback_media=True).media) == 2
