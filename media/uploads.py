"""Files an operator uploads at the desk: a screenshot of a post, a photo brought to the
desk, a letter's scan. Checked and kept like message media (:mod:`media.attachments`):
the kind comes from the bytes, never from the browser's declared type or the file's
name (images JPEG/PNG/WebP by their magic bytes, PDF by ``%PDF-``), the size is capped,
and the file is named by the server and written durably under RECORDINGS_DIR.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from media.attachments import MediaFormat, NotAccepted, image_format
from media.recordings import inside, write_durably

PDF = MediaFormat(".pdf", "application/pdf")
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
ACCEPTED = "image/jpeg,image/png,image/webp,application/pdf"


@dataclass(frozen=True)
class Upload:
    """A checked upload, not yet written: the bytes and what they are."""

    data: bytes
    format: MediaFormat

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class StoredUpload:
    path: str  # relative to RECORDINGS_DIR
    content_type: str
    size: int
    sha256: str


def upload_format(head: bytes) -> MediaFormat | None:
    if head[:5] == b"%PDF-":
        return PDF
    return image_format(head)


def check(data: bytes) -> Upload:
    """The upload if its bytes are an accepted image or PDF within the size cap, else
    ``NotAccepted`` with the reason in Indonesian (shown beside the file field)."""
    if not data:
        raise NotAccepted("berkas kosong", empty=True)
    if len(data) > MAX_UPLOAD_BYTES:
        raise NotAccepted(f"berkas terlalu besar (maksimal {MAX_UPLOAD_BYTES // (1024 * 1024)} MB)")
    found = upload_format(data[:16])
    if found is None:
        raise NotAccepted("bukan gambar JPEG, PNG, WebP atau PDF")
    return Upload(data, found)


def store(upload: Upload, media_dir: Path, ticket_id: int, *, year: int, month: int
          ) -> StoredUpload:
    """Write the checked file as ``YYYY/MM/src-<ticket id><ext>`` (all of it or nothing)."""
    relative = Path(f"{year:04d}/{month:02d}") / f"src-{ticket_id}{upload.format.extension}"
    write_durably(media_dir, relative, upload.data)
    return StoredUpload(relative.as_posix(), upload.format.content_type, len(upload.data),
                        upload.sha256)


def stored_file(media_dir: Path, relative: str | None) -> tuple[Path, str] | None:
    """The stored file and the type its own bytes announce, or None (missing, outside
    its folder, or no longer an accepted kind)."""
    if not relative:
        return None
    try:
        path = inside(media_dir, Path(relative))
    except ValueError:
        return None
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        found = upload_format(fh.read(16))
    return (path, found.content_type) if found else None
