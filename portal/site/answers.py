"""``/jawaban``: the published answers (search, category filter, pages), one answer, and
an Atom feed. Only the public summary and the answer of a published, non-rahasia ticket
are ever read here (``portal.services``)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import abort, current_app, request, send_file, url_for
from werkzeug.wrappers import Response

from analytics import places
from answering import files as answer_files
from portal.services import (
    answer_categories,
    published_answer,
    published_answers,
    published_files,
)
from portal.site.web import bp, cfg, db, hotline, page
from tickets import numbering
from tickets.clock import iso_utc, utcnow
from tickets.text import one_line, printable

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def _int(name: str, default: int | None, lo: int = 1, hi: int = 100_000) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        abort(404)
    return int(raw)


@bp.get("/jawaban")
def answers() -> tuple[str, int]:
    q = one_line(request.args.get("q"), 100)
    category_id = _int("kategori", None)
    page_no = _int("halaman", 1) or 1
    items, more = published_answers(db(), text=q, category_id=category_id, page=page_no,
                                    places=places.labels)
    return page("jawaban.html", items=items, more=more, q=q, category_id=category_id,
                categories=answer_categories(db()), page_no=page_no)


@bp.get("/jawaban/<number>")
def answer(number: str) -> tuple[str, int]:
    found = published_answer(db(), number, places.labels) if numbering.is_valid(number) else None
    if found is None:
        abort(404)
    return page("jawaban_satu.html", a=found, files=published_files(db(), number),
                public_name=answer_files.public_name)


@bp.get("/jawaban/<number>/lampiran/<int:file_id>")
def answer_file(number: str, file_id: int) -> Response:
    """A photo or letter of a published answer: the link the reporter's message carries.
    It opens only while the ticket is published (never for a rahasia one)."""
    rows = published_files(db(), number) if numbering.is_valid(number) else []
    row = next((f for f in rows if f.id == file_id), None)
    found = answer_files.stored(cfg().media_dir, row) if row is not None else None
    if row is None or found is None:
        abort(404)
    path, content_type = found
    # Named by the ticket, never by the uploader's file name (which may name a person).
    response = send_file(path, mimetype=content_type,
                         download_name=f"lampiran-{number}-{rows.index(row) + 1}{path.suffix}",
                         as_attachment=content_type == "application/pdf", max_age=60)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An Atom element; its text is made printable here (``tickets.text``), so a stored
    character that XML 1.0 forbids never makes the feed invalid."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = printable(text)
    return element


@bp.get("/jawaban.atom")
def feed() -> Response:
    items, _ = published_answers(db(), per_page=FEED_SIZE, places=places.labels)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _add(root, "title", f"Jawaban pengaduan - {hotline()['agency']}")
    _add(root, "id", url_for("public.feed", _external=True))
    _add(root, "updated", iso_utc(items[0].published_at if items else utcnow()))
    _add(root, "link", rel="self", href=url_for("public.feed", _external=True))
    _add(root, "link", rel="alternate", href=url_for("public.answers", _external=True))
    _add(_add(root, "author"), "name", hotline()["agency"])
    for a in items:
        link = url_for("public.answer", number=a.number, _external=True)
        entry = _add(root, "entry")
        _add(entry, "title", f"Tiket {a.number}" + (f" - {a.category}" if a.category else ""))
        _add(entry, "id", link)
        _add(entry, "link", rel="alternate", href=link)
        _add(entry, "updated", iso_utc(a.published_at))
        _add(entry, "summary", a.summary)
        _add(entry, "content", f"Pengaduan: {a.summary}\n\nJawaban: {a.answer}", type="text")
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode"
                                                                   ).encode()
    return current_app.response_class(body, mimetype="application/atom+xml")
