"""The console shows the channel (and filters on it) and a message ticket's conversation:
text, voice notes with their transcript, photos, through an authenticated route that
serves what the bytes are, only to who may see the reporter."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from devtools.chat_simulator import ticket_number
from media.models import Attachment
from tests.audio_samples import encode, wav_bytes
from tickets.lifecycle import SYSTEM, transition
from tickets.models import Status, Ticket


@pytest.fixture
def media(tmp_path):
    photo = tmp_path / "foto.png"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=red:s=32x24", "-frames:v", "1", str(photo)], check=True)
    (tmp_path / "t.wav").write_bytes(wav_bytes(1.0))
    voice = encode(tmp_path / "t.wav", tmp_path / "pesan.ogg", "-c:a", "libopus")
    return photo, voice


def _file(citizen, db, media, anonim: str = "2") -> Ticket:
    photo, voice = media
    chat = citizen(whatsapp=True)
    for text in ("Halo", "1", "1", anonim, "Gorong-gorong tersumbat di jalan Melati."):
        chat.send(text)
    chat.send(media=[photo])
    chat.send(media=[voice])
    number = ticket_number(chat.send("SELESAI").replies)
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def test_the_ticket_page_shows_the_conversation(citizen, db, media, operator):
    ticket = _file(citizen, db, media)
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Percakapan WhatsApp" in page
    assert "Gorong-gorong tersumbat di jalan Melati." in page
    photo, voice = db.scalars(select(Attachment).order_by(Attachment.id)).all()
    route = f"/console/tiket/{ticket.number}/lampiran"
    assert f'<img class="photo" src="{route}/{photo.id}"' in page
    assert f'<audio controls preload="metadata" src="{route}/{voice.id}"' in page

    served = operator.get(f"/console/tiket/{ticket.number}/lampiran/{photo.id}")
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    assert served.data == media[0].read_bytes()
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    audio = operator.get(f"/console/tiket/{ticket.number}/lampiran/{voice.id}")
    assert audio.headers["Content-Type"] == "audio/ogg"
    assert operator.get(f"/console/tiket/{ticket.number}/lampiran/99999").status_code == 404


def test_a_voice_note_transcript_is_clickable(citizen, db, media, operator):
    ticket = _file(citizen, db, media)
    voice = db.scalars(select(Attachment).where(Attachment.kind == "audio")).one()
    voice.transcript = "gorong gorong"
    voice.transcript_words = [{"word": "gorong", "start": 0.2, "confidence": 0.9},
                              {"word": "gorong", "start": 0.6, "confidence": 0.3}]
    db.commit()
    page = operator.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert '<span class="w" data-start="0.2">gorong</span>' in page
    assert '<span class="w low" data-start="0.6">gorong</span>' in page


def test_the_queue_shows_and_filters_the_channel(citizen, db, media, operator):
    ticket = _file(citizen, db, media)
    whatsapp = operator.get("/console/antrean?channel=whatsapp").get_data(as_text=True)
    assert ticket.number in whatsapp and 'data-label="Saluran">WhatsApp</td>' in whatsapp
    assert ticket.number not in operator.get("/console/antrean?channel=phone").get_data(
        as_text=True)
    assert operator.get("/console/antrean?channel=merpati").status_code == 422


def test_an_anonim_tickets_attachments_are_closed_to_the_pokja(citizen, db, media, pokja,
                                                               client_anonymous):
    ticket = _file(citizen, db, media, anonim="1")
    transition(db, ticket, Status.FORWARDED, SYSTEM, tz="Asia/Jakarta")
    db.commit()
    photo = db.scalars(select(Attachment).order_by(Attachment.id)).first()
    page = pokja.get(f"/console/tiket/{ticket.number}").get_data(as_text=True)
    assert "Percakapan" not in page
    assert pokja.get(f"/console/tiket/{ticket.number}/lampiran/{photo.id}").status_code == 403
    anonymous = client_anonymous.get(f"/console/tiket/{ticket.number}/lampiran/{photo.id}")
    assert anonymous.status_code == 302 and "/console/masuk" in anonymous.headers["Location"]


@pytest.fixture
def client_anonymous(app):
    return app.test_client()
