"""/lacak: the status for whoever holds the number and the reporter's last four digits;
every other lookup answers like an unknown number; lookups are rate-limited."""

from __future__ import annotations

import re

import pytest

from tests.conftest import leased_redis_db
from tests.portal.conftest import ANSWER, LAST_FOUR, SUMMARY, user_named
from tickets.models import Status
from tickets.numbering import damm_check_digit


def lookup(client, nomor: str, hp: str, **kw):  # type: ignore[no-untyped-def]
    return client.post("/lacak", data={"nomor": nomor, "hp": hp}, **kw)


def unknown_number(taken: str) -> str:
    body = "1234567" if taken[:7] != "1234567" else "7654321"
    return body + damm_check_digit(body)


def test_the_right_last_four_digits_show_the_timeline_the_pokja_and_the_answer(app, published):
    ticket = published()
    page = lookup(app.test_client(), ticket.number, LAST_FOUR)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Tiket {ticket.number}" in text and "Sudah dijawab" in text
    assert "Pokja Infrastruktur (Dinas PUPR)" in text
    for step in ("Menunggu verifikasi", "Diteruskan ke pokja", "Sudah dijawab"):
        assert step in text
    assert ANSWER in text
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in text


def test_the_reporter_reads_an_unpublished_answer_as_the_phone_tells_it_and_the_due_date(
        app, make_ticket):
    # The status line speaks the answer to the reporter whether published or not; /lacak
    # with the same second factor shows the same (the public summary stays unpublished).
    answered = make_ticket(Status.ANSWERED, answer="Jawaban belum dipublikasikan.",
                           public_summary="Ringkasan belum dipublikasikan.")
    text = lookup(app.test_client(), answered.number, LAST_FOUR).get_data(as_text=True)
    assert "Sudah dijawab" in text and "Jawaban belum dipublikasikan." in text
    assert "Ringkasan belum dipublikasikan" not in text
    forwarded = make_ticket(Status.FORWARDED)
    text = lookup(app.test_client(), forwarded.number, LAST_FOUR).get_data(as_text=True)
    assert "Batas waktu" in text and "Pokja Infrastruktur" in text


def test_wrong_digits_answer_byte_for_byte_like_an_unknown_number(app, published):
    ticket = published()
    other = unknown_number(ticket.number)
    client = app.test_client()
    wrong = lookup(client, ticket.number, "0000")
    unknown = lookup(client, other, LAST_FOUR)
    typo = lookup(client, ticket.number[:-1] + str((int(ticket.number[-1]) + 1) % 10),
                  LAST_FOUR)
    assert wrong.status_code == unknown.status_code == typo.status_code == 200
    strip = [r.get_data().replace(n.encode(), b"NOMOR") for r, n in (
        (wrong, ticket.number), (unknown, other),
        (typo, ticket.number[:-1] + str((int(ticket.number[-1]) + 1) % 10)))]
    assert strip[0] == strip[1] == strip[2]
    def headers(r):  # type: ignore[no-untyped-def]  (the counters differ by design)
        return {k: v for k, v in r.headers.items() if not k.startswith("X-RateLimit")}

    assert headers(wrong) == headers(unknown)
    assert SUMMARY not in wrong.get_data(as_text=True)
    assert "tidak ditemukan" in wrong.get_data(as_text=True)


def test_a_ticket_without_a_reporter_number_shows_its_status_by_number_alone(
        app, make_ticket):
    ticket = make_ticket(Status.ANSWERED, reporter_phone=None, answer="Sudah diperbaiki.")
    text = lookup(app.test_client(), ticket.number, "").get_data(as_text=True)
    assert "Sudah dijawab" in text
    assert "Riwayat" not in text and "Sudah diperbaiki" not in text and "Pokja" not in text


def test_a_rahasia_ticket_shows_its_status_to_its_reporter_but_never_an_answer(
        app, make_ticket):
    ticket = make_ticket(Status.ANSWERED, rahasia=True, answer="Isi rahasia.")
    text = lookup(app.test_client(), ticket.number, LAST_FOUR).get_data(as_text=True)
    assert "Sudah dijawab" in text and "Isi rahasia" not in text


def test_the_lookup_form_is_labelled_and_posts_without_a_cookie(app):
    client = app.test_client()
    page = client.get("/lacak")
    text = page.get_data(as_text=True)
    assert '<label for="nomor">' in text and '<label for="hp">' in text
    assert 'method="post"' in text and "Set-Cookie" not in page.headers
    assert "Set-Cookie" not in lookup(client, "12345678", "1234").headers


@pytest.fixture
def env_overrides() -> dict[str, str]:
    return {"PUBLIC_LOOKUP_LIMIT": "3/minute", "TRUSTED_PROXY_HOPS": "1"}


def _hit(client, address: str, n: int):  # type: ignore[no-untyped-def]
    return [lookup(client, "12345678", "1234",
                   headers={"X-Forwarded-For": address}).status_code for _ in range(n)]


def test_lookups_are_limited_per_client_address_until_the_window_moves_on(
        app, limiter_clock):
    client = app.test_client()
    assert _hit(client, "203.0.113.5", 3) == [200, 200, 200]
    refused = lookup(client, "12345678", "1234", headers={"X-Forwarded-For": "203.0.113.5"})
    assert refused.status_code == 429
    assert "terlalu sering" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another client is counted on its own; reading pages is never limited.
    assert _hit(client, "203.0.113.6", 1) == [200]
    assert client.get("/lacak", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 200
    limiter_clock.advance(59)
    assert _hit(client, "203.0.113.5", 1) == [429]
    limiter_clock.advance(2)
    assert _hit(client, "203.0.113.5", 1) == [200]


@pytest.fixture
def redis_limits(env_overrides: dict[str, str]):  # type: ignore[no-untyped-def]
    with leased_redis_db() as url:
        env_overrides["REDIS_URL"] = url
        yield url


def test_with_redis_every_worker_counts_in_one_place(redis_limits, settings, limiter_clock):
    from hotline.app import create_app

    assert settings.ratelimit_storage == redis_limits
    # Two apps stand for two gunicorn workers: the third lookup of either is the limit.
    first = create_app(settings, TESTING=True, CELERY={"task_always_eager": True})
    second = create_app(settings, TESTING=True, CELERY={"task_always_eager": True})
    assert _hit(first.test_client(), "198.51.100.7", 2) == [200, 200]
    assert _hit(second.test_client(), "198.51.100.7", 2) == [200, 429]
    limiter_clock.advance(61)
    assert _hit(second.test_client(), "198.51.100.7", 1) == [200]
    for app in (first, second):
        app.extensions["hotline"].engine.dispose()


PRODUCTION = {"HOTLINE_ENV": "production", "SECRET_KEY": "p" * 40,
              "TWILIO_ACCOUNT_SID": "AC" + "b" * 32, "TWILIO_AUTH_TOKEN": "production-token",
              "PUBLIC_BASE_URL": "https://hotline.example.id"}


def test_production_refuses_memory_and_counts_every_worker_in_one_redis(
        settings, database_url, tmp_path, env_overrides, limiter_clock):
    import redis

    from hotline.app import create_app
    from hotline.settings import ConfigError, load_settings
    from tests.conftest import make_test_env

    env = make_test_env(database_url, tmp_path, **env_overrides, **PRODUCTION)
    with pytest.raises(ConfigError, match="REDIS_URL .* must name a Redis in production"):
        load_settings(env)
    with leased_redis_db() as url:
        production = load_settings({**env, "REDIS_URL": url})  # as docker-compose.yml sets it
        workers = [create_app(production), create_app(production)]
        try:
            assert _hit(workers[0].test_client(), "198.51.100.8", 2) == [200, 200]
            assert _hit(workers[1].test_client(), "198.51.100.8", 2) == [200, 429]
            # The count is in Redis, not in a fallback in either process's memory.
            assert any(b"public" in key for key in redis.Redis.from_url(url).keys())
        finally:
            for app in workers:
                app.extensions["hotline"].engine.dispose()


def test_the_address_comes_only_from_trusted_proxy_hops(app, limiter_clock):
    client = app.test_client()
    # A client may write its own X-Forwarded-For; with one trusted hop only the last
    # entry (the one our proxy appended) counts.
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert lookup(client, "12345678", "1234",
                      headers={"X-Forwarded-For": f"{forged}, 203.0.113.9"}).status_code == 200
    assert lookup(client, "12345678", "1234",
                  headers={"X-Forwarded-For": "10.0.0.4, 203.0.113.9"}).status_code == 429


def test_the_tracking_page_renders_indonesian_dates(app, published):
    ticket = published()
    text = lookup(app.test_client(), ticket.number, LAST_FOUR).get_data(as_text=True)
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|"
                     r"September|Oktober|November|Desember) \d{4}, \d\d\.\d\d WIB", text)


def test_a_malformed_rate_setting_stops_startup_naming_it(tmp_path, database_url):
    from hotline.settings import ConfigError, load_settings
    from tests.conftest import make_test_env

    with pytest.raises(ConfigError, match="PUBLIC_LOOKUP_LIMIT"):
        load_settings(make_test_env(database_url, tmp_path, PUBLIC_LOOKUP_LIMIT="banyak"))


def test_a_rejection_shows_its_reason_and_the_call_centres_message_with_the_digits(
        app, make_ticket, db):
    from tickets import workflow

    ticket = make_ticket()
    workflow.reject(db, user_named(db, "operator"), ticket.number, "not_our_authority",
                    "Catatan internal.", reporter_message="Lapor ke UPT Jalan Provinsi.",
                    version=None, tz="Asia/Jakarta")
    db.commit()
    text = lookup(app.test_client(), ticket.number, LAST_FOUR).get_data(as_text=True)
    assert "Alasan: Bukan wewenang." in text
    assert "Pesan dari petugas kami: Lapor ke UPT Jalan Provinsi." in text
    assert "Catatan internal" not in text


def test_a_duplicate_points_to_its_original_unless_that_one_is_rahasia(app, make_ticket, db):
    from tickets import workflow

    original, secret = make_ticket(), make_ticket(rahasia=True)
    copies = [make_ticket(), make_ticket()]
    for copy, of in zip(copies, (original, secret), strict=True):
        workflow.mark_duplicate(db, user_named(db, "operator"), copy.number, of.number,
                                version=None, tz="Asia/Jakarta")
    db.commit()
    text = lookup(app.test_client(), copies[0].number, LAST_FOUR).get_data(as_text=True)
    assert f'<strong id="tiket-asli">{original.number}</strong>' in text
    text = lookup(app.test_client(), copies[1].number, LAST_FOUR).get_data(as_text=True)
    assert secret.number not in text and "sedang kami tangani" in text


def test_without_the_digits_a_rejected_tickets_reason_is_not_told(app, make_ticket, db):
    from tickets import workflow

    ticket = make_ticket(reporter_phone=None)
    workflow.reject(db, user_named(db, "operator"), ticket.number, "not_our_authority", None,
                    reporter_message="Lapor ke UPT.", version=None, tz="Asia/Jakarta")
    db.commit()
    text = lookup(app.test_client(), ticket.number, "").get_data(as_text=True)
    assert "Ditolak" in text and "Bukan wewenang" not in text and "Lapor ke UPT" not in text
