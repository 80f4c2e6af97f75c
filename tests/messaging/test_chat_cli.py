"""`hotline chat` plays Twilio's part from the command line: signs, sends text and local
files as media from a loopback URL, prints the replies."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotline.cli import cli
from media.models import Attachment
from tests.audio_samples import encode, wav_bytes
from tickets.models import Ticket


def test_a_scripted_whatsapp_chat_files_a_ticket_with_its_voice_note(app, live_server, db,
                                                                     tmp_path):
    (tmp_path / "t.wav").write_bytes(wav_bytes(1.0))
    voice = encode(tmp_path / "t.wav", tmp_path / "pesan.ogg", "-c:a", "libopus")
    with app.app_context():
        result = app.test_cli_runner().invoke(cli, [
            "chat", "--url", live_server, "--whatsapp", "-m", "1", "-m", "1", "-m", "2",
            "-m", "Jalan longsor di desa Sukamaju", "--media", str(voice), "-m", "SELESAI"])
    assert result.exit_code == 0, result.output
    assert "by WhatsApp as whatsapp:+6281234567890" in result.output
    assert "> [pesan.ogg]" in result.output
    number = re.findall(r"nomor tiket (\d{8})", result.output)[-1]
    ticket = db.scalars(select(Ticket).where(Ticket.number == number)).one()
    assert ticket.channel.value == "whatsapp"
    attachment = db.scalars(select(Attachment)).one()
    assert attachment.ticket_id == ticket.id and attachment.sha256


def test_an_unsigned_chat_is_refused(app, live_server):
    with app.app_context():
        result = app.test_cli_runner().invoke(cli, ["chat", "--url", live_server,
                                                    "--unsigned", "-m", "Halo"])
    assert result.exit_code != 0 and "HTTP 403" in result.output
