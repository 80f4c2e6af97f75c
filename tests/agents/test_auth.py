"""Signing in, sessions, CSRF and login throttling."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import LoginAttempt
from tests.agents.conftest import TOKEN, reload, sign_in
from tickets.models import Status, TicketEvent


@pytest.mark.parametrize("path", ["/console/", "/console/antrean", "/console/kotak-masuk",
                                  "/console/laporan", "/console/admin/pengguna",
                                  "/console/tiket/12345678", "/console/pengaduan-baru"])
def test_anonymous_users_are_redirected_to_the_login_page(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/masuk")


def test_the_root_sends_signed_out_visitors_through_the_console_to_login(app):
    client = app.test_client()
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/console/masuk"
    assert "Masuk ke konsol" in response.get_data(as_text=True)


def test_an_operator_signs_in_and_lands_on_the_queue(app):
    client = app.test_client()
    response = sign_in(client, "operator")
    assert response.headers["Location"] == "/console/antrean"
    page = client.get("/console/antrean").get_data(as_text=True)
    assert "Antrean verifikasi" in page and "Operator Call Center" in page


def test_each_role_lands_on_its_own_page(agent):
    assert agent("pokja").get("/console/").headers["Location"] == "/console/kotak-masuk"
    assert agent("admin").get("/console/").headers["Location"] == "/console/admin/pengguna"
    assert agent("supervisor").get("/console/").headers["Location"] == "/console/antrean"


def test_a_wrong_password_is_refused_in_indonesian(app):
    response = sign_in(app.test_client(), "operator", "salah-sandi")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_login_is_locked_after_too_many_failures_even_with_the_right_password(app, db, settings):
    client = app.test_client()
    for _ in range(settings.login_max_attempts):
        assert sign_in(client, "operator", "salah-sandi").status_code == 401
    response = sign_in(client, "operator")
    assert response.status_code == 401
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    # Another user from the same address is not locked out.
    assert sign_in(app.test_client(), "supervisor").status_code == 302
    assert db.scalar(select(func.count()).select_from(LoginAttempt)) == settings.login_max_attempts


def test_a_successful_login_clears_earlier_failures(app, db):
    client = app.test_client()
    sign_in(client, "operator", "salah-sandi")
    assert sign_in(client, "operator").status_code == 302
    assert db.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_a_deactivated_user_loses_the_session_at_once(operator, db):
    from tests.agents.conftest import user_named
    user_named(db, "operator").active = False
    db.commit()
    assert operator.get("/console/antrean").status_code == 302


def test_a_login_post_without_the_csrf_token_is_refused(app):
    response = app.test_client().post("/console/masuk", data={
        "username": "operator", "password": "suarawarga"})
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.get_data(as_text=True)


def test_a_form_post_without_the_csrf_token_changes_nothing(operator, make_ticket, db):
    ticket = make_ticket()
    events = len(ticket.events)
    response = operator.post(f"/console/tiket/{ticket.number}/tunda",
                             {"note": "Alamat belum jelas"}, csrf=False)
    assert response.status_code == 400
    ticket = reload(db, ticket)
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert db.scalar(select(func.count()).select_from(TicketEvent)
                     .where(TicketEvent.ticket_id == ticket.id)) == events


def test_a_token_from_another_session_is_refused(operator, supervisor, make_ticket, db):
    ticket = make_ticket()
    foreign = supervisor.token()
    response = operator.post(f"/console/tiket/{ticket.number}/tunda",
                             {"note": "x", "csrf_token": foreign})
    assert response.status_code == 400
    assert reload(db, ticket).status is Status.AWAITING_VERIFICATION


def test_the_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    response = sign_in(client, "operator")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signing_out_ends_the_session(operator):
    page = operator.get("/console/antrean").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    assert operator.client.post("/console/keluar", data={"csrf_token": token}).status_code == 302
    assert operator.get("/console/antrean").status_code == 302


def test_login_never_redirects_to_another_site(app):
    client = app.test_client()
    token = TOKEN.search(client.get("/console/masuk").get_data(as_text=True)).group(1)
    response = client.post("/console/masuk?next=//evil.example/x", data={
        "username": "operator", "password": "suarawarga", "csrf_token": token})
    assert response.headers["Location"] == "/console/antrean"
