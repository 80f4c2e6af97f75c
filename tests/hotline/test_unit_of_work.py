"""The request's unit of work (``hotline.app``) and the tasks' base class, end to end.

A refused form leaves nothing behind and keeps what was typed; a response with an error
status rolls back, unless the domain keeps the refusal (a failed sign-in); a GET never
writes, on any page; every Celery task is a ``jobs.HotlineTask``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from hotline.app import request_session
from hotline.celery_app import make_celery
from hotline.runtime import build_runtime
from hotline.settings import load_settings
from jobs import HotlineTask
from notify.models import OutboxMessage
from tests.agents.conftest import pokja_named, reload
from tests.conftest import make_test_env
from tests.writes import writes
from tickets.db import keep_on_refusal
from tickets.models import DashboardDirty, Status, Ticket, TicketEvent

# --- a refused form ------------------------------------------------------------------------


def _events(db, ticket: Ticket) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                           .order_by(TicketEvent.id)))


def _count(db, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_refused_forward_leaves_no_edit_or_event_behind_and_keeps_what_was_typed(
        operator, make_ticket, db):
    """The forward writes the new description, pokja and an "edit" event, then the
    anonim rule refuses it: the boundary rolls all of it back before the page is shown
    again, with the typed description in the form and the reason beside it."""
    ticket = make_ticket(anonim=True)  # the reporter is +6281234567890, PUPR's category
    trail, outbox, version = _events(db, ticket), _count(db, OutboxMessage), ticket.version
    pupr, dinkes = pokja_named(db, "PUPR").id, pokja_named(db, "DINKES").id
    assert ticket.pokja_id == pupr
    typed = "Jalan rusak di depan SD, hubungi 0812 3456 7890."
    response = operator.post(f"/console/tiket/{ticket.number}/teruskan", {
        "description": typed, "pokja_id": str(dinkes), "priority": "1", "anonim": "1"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "memuat nomor telepon pelapor" in page
    assert re.search(r'<textarea name="description"[^>]*>\s*' + re.escape(typed), page)
    after = reload(db, ticket)
    assert after.status is Status.AWAITING_VERIFICATION and after.pokja_id == pupr
    assert after.description == "Jalan berlubang." and after.priority == 2
    assert after.version == version
    assert _events(db, ticket) == trail
    assert _count(db, OutboxMessage) == outbox


def test_a_refused_desk_intake_files_no_ticket_and_keeps_the_form(operator, db):
    """"Simpan dan teruskan" without a pokja: the ticket, its "created" event and the
    dashboard's mark were flushed before the forward was refused; none of it stays."""
    counts = [_count(db, m) for m in (Ticket, TicketEvent, OutboxMessage, DashboardDirty)]
    response = operator.post("/console/pengaduan-baru", {
        "channel": "walk_in", "reporter_name": "Siti", "reporter_phone": "0812-3456-789",
        "description": "Lampu jalan mati sejak seminggu.", "action": "teruskan"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Pilih pokja tujuan sebelum meneruskan." in page
    assert 'value="Siti"' in page and "Lampu jalan mati sejak seminggu." in page
    assert [_count(db, m) for m in (Ticket, TicketEvent, OutboxMessage, DashboardDirty)] == (
        counts)


def test_a_refused_admin_form_is_shown_again_without_its_half(admin, db):
    from tickets.models import Pokja

    before = _count(db, Pokja)
    response = admin.post("/console/admin/pokja", {"code": "", "name": "Pokja Baru"})
    assert response.status_code == 422
    assert 'value="Pokja Baru"' in response.get_data(as_text=True)
    assert _count(db, Pokja) == before


# --- the status rule -----------------------------------------------------------------------

MARK = date(2001, 1, 1)


def _marked(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(DashboardDirty)
                     .where(DashboardDirty.day == MARK)) or 0


@pytest.fixture
def writing_app(own_app: Flask) -> Flask:
    """The app with one route that writes a row and answers as it is asked to."""

    def write() -> tuple[str, int]:
        from flask import request

        session = request_session()
        session.add(DashboardDirty(day=MARK))
        session.flush()
        if request.args.get("keep"):
            keep_on_refusal(session)
        return "ditulis", int(request.args.get("status", "200"))

    own_app.add_url_rule("/uji/tulis", "uji_tulis", write, methods=["GET", "POST"])
    return own_app


@pytest.mark.parametrize(("method", "query", "kept"), [
    ("POST", "status=200", True),
    ("POST", "status=302", True),
    ("POST", "status=400", False),
    ("POST", "status=409", False),
    ("POST", "status=422", False),
    ("POST", "status=422&keep=1", True),  # a refusal the domain keeps: a failed sign-in
    ("GET", "status=200", False),  # a GET never writes, whatever it flushed
])
def test_the_request_commits_only_what_it_should(writing_app, db, method, query, kept):
    client = writing_app.test_client()
    response = client.open(f"/uji/tulis?{query}", method=method)
    assert response.status_code == int(query.split("&")[0].split("=")[1])
    assert _marked(db) == (1 if kept else 0)


def test_a_failed_sign_in_is_counted_although_it_answers_401(app, db):
    from accounts.models import LoginAttempt
    from tests.agents.conftest import sign_in

    before = _count(db, LoginAttempt)
    assert sign_in(app.test_client(), "operator", "salah-sandi").status_code == 401
    assert _count(db, LoginAttempt) == before + 1


# --- a GET never writes --------------------------------------------------------------------

def _get_rules(app: Flask, prefix: str) -> list[str]:
    """Every GET route under ``prefix``, with a ticket number where one is asked for."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not rule.rule.startswith(prefix):
            continue
        if rule.endpoint.endswith("static") or set(rule.arguments) - {"number", "fmt"}:
            continue
        paths.append(rule.rule)
    return sorted(paths)


def test_no_console_or_public_page_writes_on_get(app, agent, make_ticket, db):
    ticket = make_ticket(Status.FORWARDED)
    console = _get_rules(app, "/console")
    public = [p for p in _get_rules(app, "/") if not p.startswith("/console")]
    assert "/console/dasbor" in console and "/console/tiket/<number>" in console
    assert "/open311/v2/requests.<fmt>" in public and "/lacak" in public
    people = [agent(name) for name in ("operator", "pokja", "supervisor", "admin")]
    client = app.test_client()
    answered: set[int] = set()
    with writes(app.extensions["hotline"].engine) as written:
        for path in console:
            for person in people:
                answered.add(person.get(path.replace("<number>", ticket.number)).status_code)
        for path in public:
            url = path.replace("<number>", ticket.number).replace("<fmt>", "json")
            answered.add(client.get(url).status_code)
    assert written == []
    assert 200 in answered and 500 not in answered


def _total(page: str) -> int:
    found = re.search(r'id="total-received">(\d+)<', page)
    assert found, page[:2000]
    return int(found.group(1))


def test_the_dashboard_shows_fresh_figures_without_writing(supervisor, make_ticket, app, db):
    make_ticket()
    make_ticket(Status.FORWARDED)
    engine = app.extensions["hotline"].engine
    with writes(engine) as written:
        first = supervisor.get("/console/dasbor")
    assert first.status_code == 200 and written == []
    assert _total(first.get_data(as_text=True)) == 2
    assert _count(db, DashboardDirty) > 0  # left for the hourly refresh

    make_ticket(code="DINKES")
    with writes(engine) as written:
        again = supervisor.get("/console/dasbor")
    assert written == [] and _total(again.get_data(as_text=True)) == 3

    from reporting import tasks

    assert tasks.dashboard_refresh() >= 1
    assert _count(db, DashboardDirty) == 0
    assert _total(supervisor.get("/console/dasbor").get_data(as_text=True)) == 3


# --- the tasks -----------------------------------------------------------------------------

def test_every_celery_task_is_a_hotline_task_with_its_one_retry_policy(tmp_path: Path):
    settings = load_settings(make_test_env(f"sqlite:///{tmp_path / 'none.db'}", tmp_path))
    celery = make_celery(build_runtime(settings))
    ours = {name: task for name, task in celery.tasks.items()
            if not name.startswith("celery.")}
    assert {"hotline.download_recording", "hotline.delete_twilio_recording",
            "speech.transcribe", "notify.deliver", "reporting.dashboard_refresh",
            "suggest.retrain", "messaging.sweep", "feedback.auto_close"} <= set(ours)
    assert sorted(n for n, t in ours.items() if not isinstance(t, HotlineTask)) == []
    # Retries on database errors are HotlineTask's; no task adds Celery's own.
    assert sorted(n for n, t in ours.items() if getattr(t, "autoretry_for", ())) == []
    beat = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert beat <= set(ours)
