"""Signing in, sessions, CSRF and login throttling."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import LoginAttempt
from tests.agents.conftest import TOKEN, reload, sign_in, user_named
from tickets.models import Status, TicketEvent


@pytest.mark.parametrize("path", ["/console/", "/console/antrean", "/console/kotak-masuk",
                                  "/console/laporan", "/console/admin/pengguna",
                                  "/console/tiket/12345678", "/console/pengaduan-baru"])
def test_anonymous_users_are_redirected_to_the_login_page(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/masuk")


def test_the_root_is_the_public_site_and_links_to_the_console_login(app):
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Sampaikan pengaduan Anda" in home and 'href="/console/"' in home
    response = client.get("/console/", follow_redirects=True)
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
    for _ in range(settings.agents.login_max_attempts):
        assert sign_in(client, "operator", "salah-sandi").status_code == 401
    response = sign_in(client, "operator")
    assert response.status_code == 401
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    # Another user from the same address is not locked out.
    assert sign_in(app.test_client(), "supervisor").status_code == 302
    attempts = db.scalar(select(func.count()).select_from(LoginAttempt))
    assert attempts == settings.agents.login_max_attempts


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


# --- the client's address behind the TLS proxy ------------------------------------------------

def _sign_in_from(client, username: str, password: str, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = TOKEN.search(client.get("/console/masuk").get_data(as_text=True)).group(1)
    return client.post("/console/masuk", headers=headers, data={
        "username": username, "password": password, "csrf_token": token})


def _failed_addresses(db) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(LoginAttempt.ip)))


def test_x_forwarded_for_is_ignored_unless_proxy_hops_are_trusted(app, db):
    # Without TRUSTED_PROXY_HOPS a client could pick its own address per attempt and
    # never be throttled: the header is not believed.
    for i in range(3):
        _sign_in_from(app.test_client(), f"user{i}", "tebakan", f"203.0.113.{i}")
    assert _failed_addresses(db) == {"127.0.0.1"}


@pytest.fixture
def behind_proxy(env_overrides: dict[str, str]) -> None:
    env_overrides.update(TRUSTED_PROXY_HOPS="1", LOGIN_MAX_ATTEMPTS_PER_ADDRESS="3")


@pytest.mark.usefixtures("behind_proxy")
def test_behind_a_trusted_proxy_each_citizen_is_throttled_on_their_own_address(app, db):
    spray = "203.0.113.7"
    for name in ("andi", "budi", "citra"):
        assert _sign_in_from(app.test_client(), name, "tebakan", spray).status_code == 401
    # Only the proxy's own entry counts: a client's made-up first entry is ignored.
    assert _failed_addresses(db) == {spray}
    _sign_in_from(app.test_client(), "dewi", "tebakan", f"10.9.9.9, {spray}")
    assert _failed_addresses(db) == {spray}

    locked = _sign_in_from(app.test_client(), "supervisor", "suarawarga", spray)
    assert locked.status_code == 401
    assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
    # Another citizen behind the same proxy is not affected.
    assert _sign_in_from(app.test_client(), "supervisor", "suarawarga",
                         "198.51.100.9").status_code == 302


def test_a_browser_the_user_signed_in_with_gets_through_a_lock_on_the_account(app, settings):
    mine = app.test_client()
    assert sign_in(mine, "operator").status_code == 302  # the console remembers this browser
    token = TOKEN.search(mine.get("/console/antrean").get_data(as_text=True)).group(1)
    mine.post("/console/keluar", data={"csrf_token": token})

    attacker = app.test_client()
    for _ in range(settings.agents.login_max_attempts):
        sign_in(attacker, "operator", "tebakan")
    assert sign_in(attacker, "operator").status_code == 401  # even with the password
    assert sign_in(app.test_client(), "operator").status_code == 401  # a new browser
    assert sign_in(mine, "operator").status_code == 302


def test_a_forged_device_cookie_is_ignored(app, settings):
    attacker = app.test_client()
    attacker.set_cookie("konsol_perangkat", "eyJvcGVyYXRvciI6ImFiYyJ9.forged.sig",
                        path="/console/")
    for _ in range(settings.agents.login_max_attempts):
        sign_in(attacker, "operator", "tebakan")
    assert sign_in(attacker, "operator").status_code == 401


# --- ending sessions ---------------------------------------------------------------------------

def _sign_out(agent) -> None:
    assert agent.client.post("/console/keluar",
                             data={"csrf_token": agent.token("/console/")}).status_code == 302


def test_signing_out_ends_every_open_session_of_the_user(agent):
    desk, laptop = agent("operator"), agent("operator")
    other = agent("supervisor")
    _sign_out(desk)
    assert laptop.get("/console/antrean").status_code == 302  # a copy of the cookie too
    assert other.get("/console/antrean").status_code == 200
    assert agent("operator").get("/console/antrean").status_code == 200  # signs in again


def test_an_admins_password_reset_ends_the_users_sessions(agent, admin, db):
    operator = agent("operator")
    target = user_named(db, "operator")
    response = admin.post("/console/admin/pengguna", {
        "action": "sandi", "user_id": str(target.id), "password": "sandi-baru-123"})
    assert response.status_code == 302
    assert operator.get("/console/antrean").status_code == 302
    # The admin who reset their own password keeps this session, and only this one.
    other_admin_session = agent("admin")
    me = user_named(db, "admin")
    assert admin.post("/console/admin/pengguna", {
        "action": "sandi", "user_id": str(me.id), "password": "kuda-lari-pagi-9"},
    ).status_code == 302
    assert admin.get("/console/admin/pengguna").status_code == 200
    assert other_admin_session.get("/console/admin/pengguna").status_code == 302


def test_the_cli_password_reset_ends_the_users_sessions(app, agent, db):
    from hotline.cli import cli

    laptop = agent("operator")
    result = app.test_cli_runner().invoke(
        cli, ["users", "reset-password", "operator", "--password-stdin"],
        input="kuda-lari-pagi-9\n")
    assert result.exit_code == 0, result.output
    assert laptop.get("/console/antrean").status_code == 302
    assert sign_in(app.test_client(), "operator", "kuda-lari-pagi-9").status_code == 302
    unknown = app.test_cli_runner().invoke(
        cli, ["users", "reset-password", "nobody", "--password-stdin"], input="x\n")
    assert unknown.exit_code == 1 and "tidak ditemukan" in unknown.output
