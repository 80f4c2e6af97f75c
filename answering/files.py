"""Files a pokja attaches to its answer: a repair photo or a letter (image or PDF).

Checked as the desk's uploads are (:mod:`media.uploads`: the kind from the file's own
bytes, never from its name or the browser's declared type; the size capped), named by
the server and written durably under RECORDINGS_DIR. Every file of a request is checked
before any is written, and before the answer itself is saved, so a refused file writes
nothing and the page comes back with what was typed. The files show on the console's
ticket page, on the public answer page once the ticket is published (never for a
rahasia one: those are never published), and as links in the reporter's message.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from answering.models import AnswerFile
from media import uploads
from media.attachments import NotAccepted
from media.recordings import inside, write_durably
from tickets import followup
from tickets.clock import utcnow
from tickets.db import after_commit
from tickets.errors import InvalidInput, NotFound
from tickets.lifecycle import AT_POKJA, Actor, Principal, record_event
from tickets.models import Role, Ticket
from tickets.permissions import require_pokja_of, require_role, viewable_ticket

FIELD = "lampiran"
MAX_FILES = 5
ROLES = (Role.POKJA, Role.HEAD, Role.SUPERVISOR)


@dataclass(frozen=True)
class Incoming:
    """A file as the request carried it: the browser's name and the bytes read (at most
    one byte over the cap, so a larger file is refused without reading it all)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    name: str
    upload: uploads.Upload


def clean_name(filename: str, extension: str) -> str:
    """The uploader's file name as shown: its last part, plain characters, the extension
    the bytes say (a ``surat.exe`` that is a PDF is shown as ``surat.exe.pdf``)."""
    stem = re.sub(r"[^A-Za-z0-9._ -]", "_", Path(filename or "").name)[:80].strip(" .")
    stem = stem or "berkas"
    return stem if stem.lower().endswith(extension) else f"{stem}{extension}"


def check(files: list[Incoming]) -> list[Checked]:
    """Every file checked, or ``InvalidInput("lampiran")`` naming the first refused one."""
    checked = []
    for incoming in files:
        if not incoming.filename and not incoming.data:
            continue  # the empty file field of a form sent without a file
        try:
            upload = uploads.check(incoming.data)
        except NotAccepted as refused:
            shown = Path(incoming.filename or "berkas").name[:80]
            raise InvalidInput(FIELD, f"Lampiran \"{shown}\" ditolak: {refused.reason}. "
                                      "Pilih berkasnya lagi (foto JPG, PNG, WebP atau PDF); "
                                      "isian lain tetap tersimpan di formulir.") from None
        checked.append(Checked(clean_name(incoming.filename, upload.format.extension), upload))
    return checked


def files_of(session: Session, ticket: Ticket) -> list[AnswerFile]:
    return list(session.scalars(select(AnswerFile).where(AnswerFile.ticket_id == ticket.id)
                                .order_by(AnswerFile.id)))


def _attachable(session: Session, user: Principal, number: str) -> Ticket:
    require_role(user, *ROLES)
    ticket = viewable_ticket(session, user, number)
    require_pokja_of(user, ticket)
    if ticket.status not in AT_POKJA:
        raise InvalidInput(FIELD, "Lampiran jawaban hanya dapat diubah selama tiket "
                                  "ditindaklanjuti.")
    if followup.pending_draft(session, ticket) is not None:
        # The head approves the answer with the files it was submitted with.
        raise InvalidInput(FIELD, "Jawaban tiket ini sedang menunggu persetujuan pimpinan "
                                  "OPD; lampirannya tidak dapat diubah sampai diputuskan.")
    return ticket


def attach(session: Session, user: Principal, number: str, checked: list[Checked],
           media_dir: Path) -> list[AnswerFile]:
    """Write the checked files and their rows; an audit event names them. Called after
    the answer was accepted, so a refused answer writes no file."""
    if not checked:
        return []
    ticket = _attachable(session, user, number)
    have = session.scalar(select(func.count()).select_from(AnswerFile).where(
        AnswerFile.ticket_id == ticket.id)) or 0
    if have + len(checked) > MAX_FILES:
        raise InvalidInput(FIELD, f"Paling banyak {MAX_FILES} lampiran per jawaban (sudah "
                                  f"ada {have}). Hapus yang tidak perlu lebih dahulu.")
    now, rows = utcnow(), []
    for item in checked:
        relative = (Path(f"{now.year:04d}/{now.month:02d}")
                    / f"ans-{ticket.id}-{secrets.token_hex(6)}{item.upload.format.extension}")
        write_durably(media_dir, relative, item.upload.data)
        rows.append(AnswerFile(ticket_id=ticket.id, path=relative.as_posix(),
                               file_name=item.name, content_type=item.upload.format.content_type,
                               size=len(item.upload.data), sha256=item.upload.sha256,
                               uploaded_by_id=user.id))
    session.add_all(rows)
    record_event(session, ticket, Actor.of(user), "edit",
                 "Lampiran jawaban ditambahkan: " + ", ".join(r.file_name for r in rows) + ".")
    session.flush()
    return rows


def remove(session: Session, user: Principal, number: str, file_id: int | None,
           media_dir: Path) -> AnswerFile:
    """Take a file off the answer (while the pokja still works on it); the stored file
    is deleted once the change has committed."""
    ticket = _attachable(session, user, number)
    row = session.get(AnswerFile, file_id) if file_id else None
    if row is None or row.ticket_id != ticket.id:
        raise NotFound("Lampiran tidak ditemukan.")
    session.delete(row)
    record_event(session, ticket, Actor.of(user), "edit",
                 f"Lampiran jawaban dihapus: {row.file_name}.")
    session.flush()
    after_commit(session, lambda: discard(media_dir, row.path))
    return row


def discard(media_dir: Path, relative: str) -> None:
    """Delete a stored file (a removed attachment, or one whose answer was refused)."""
    try:
        inside(media_dir, Path(relative)).unlink(missing_ok=True)
    except ValueError:
        pass


def stored(media_dir: Path, row: AnswerFile) -> tuple[Path, str] | None:
    """The file and the type its own bytes announce, or None (missing or not accepted)."""
    return uploads.stored_file(media_dir, row.path)


def file_of(session: Session, ticket: Ticket, file_id: int) -> AnswerFile:
    row = session.get(AnswerFile, file_id)
    if row is None or row.ticket_id != ticket.id:
        raise NotFound("Lampiran tidak ditemukan.")
    return row


def public_links(public_base_url: str | None) -> Callable[[Session, Ticket], list[str]]:
    """The public addresses of a ticket's answer files (``/jawaban/<nomor>/lampiran/<id>``,
    the site's route), for the reporter's message; none without PUBLIC_BASE_URL, none for
    a rahasia ticket (never published)."""
    base = (public_base_url or "").rstrip("/")

    def links(session: Session, ticket: Ticket) -> list[str]:
        if not base or ticket.rahasia:
            return []
        return [f"{base}/jawaban/{ticket.number}/lampiran/{row.id}"
                for row in files_of(session, ticket)]

    return links


def public_name(row: AnswerFile, index: int) -> str:
    """The name a published file goes by: "Foto 1", "Surat 2 (PDF)". The uploader's own
    file name may name a person ("surat untuk Budi.pdf"), so the public never reads it."""
    return f"Foto {index}" if row.content_type.startswith("image/") else f"Surat {index} (PDF)"
