"""Every /ivr request must carry Twilio's signature; anything else gets 403 and writes nothing."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from tickets.models import Call

CALL = {"CallSid": "CA" + "5" * 32, "From": "+6281100", "To": "+62215550112"}


def _calls(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Call))


def test_an_unsigned_request_gets_403_and_writes_nothing(live_server, db):
    response = requests.post(f"{live_server}/ivr/call-status",
                             data={**CALL, "CallStatus": "completed"}, timeout=5)
    assert response.status_code == 403 and "tanda tangan Twilio" in response.text
    assert _calls(db) == 0


def test_a_request_signed_with_another_token_gets_403(signed_post, db):
    forged = {**CALL, "CallStatus": "completed"}
    assert signed_post("/ivr/call-status", forged, token="forged-token").status_code == 403
    assert _calls(db) == 0


def test_a_tampered_form_field_breaks_the_signature(live_server, settings, db):
    from twilio.request_validator import RequestValidator

    url = f"{live_server}/ivr/voice"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, CALL)
    tampered = {**CALL, "From": "+6289999"}
    response = requests.post(url, data=tampered, headers={"X-Twilio-Signature": signature},
                             timeout=5)
    assert response.status_code == 403


def test_a_signed_request_is_answered_with_twiml(signed_post, db):
    response = signed_post("/ivr/voice", CALL)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")


def test_every_call_is_recorded_when_it_ends_even_if_it_only_heard_the_greeting(signed_post, db):
    signed_post("/ivr/voice", CALL)
    assert _calls(db) == 0  # the greeting writes nothing
    assert signed_post("/ivr/call-status", {**CALL, "CallStatus": "completed"}).status_code == 204
    assert signed_post("/ivr/call-status", {**CALL, "CallStatus": "completed"}).status_code == 204
    assert _calls(db) == 1
    call = db.scalars(select(Call)).one()
    assert call.from_number == CALL["From"] and call.ended_at is not None


def test_every_callback_endpoint_checks_the_signature(live_server):
    for path in ("/ivr/menu/main", "/ivr/menu/main/choose", "/ivr/record", "/ivr/recorded",
                 "/ivr/recording-status", "/ivr/call-status", "/ivr/operator/done"):
        assert requests.post(f"{live_server}{path}", data=CALL, timeout=5).status_code == 403


def test_the_call_simulator_without_signature_is_refused(place_call):
    from devtools.call_simulator import CallError

    with pytest.raises(CallError, match="403"):
        place_call("1", sign=False)


@pytest.mark.parametrize("env_overrides", [{"PUBLIC_BASE_URL": "https://hotline.example.id"}])
def test_behind_a_proxy_the_public_url_is_what_twilio_signed(live_server, settings, signed_post,
                                                             db):
    from twilio.request_validator import RequestValidator

    # Twilio signed the public https URL; the request reaches us on loopback.
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        "https://hotline.example.id/ivr/voice", CALL)
    ok = requests.post(f"{live_server}/ivr/voice", data=CALL,
                       headers={"X-Twilio-Signature": signature}, timeout=5)
    assert ok.status_code == 200
    # A signature over the internal URL is not accepted once PUBLIC_BASE_URL is set.
    assert signed_post("/ivr/voice", {**CALL, "CallSid": "CA" + "6" * 32}).status_code == 403


def test_query_strings_are_part_of_the_signed_url(live_server, settings):
    from twilio.request_validator import RequestValidator

    signed_url = f"{live_server}/ivr/menu/main?attempt=1"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(signed_url, CALL)
    other = requests.post(f"{live_server}/ivr/menu/main?attempt=2", data=CALL,
                          headers={"X-Twilio-Signature": signature}, timeout=5)
    assert other.status_code == 403
    same = requests.post(signed_url, data=CALL, headers={"X-Twilio-Signature": signature},
                         timeout=5)
    assert same.status_code == 200


def _post_via_proxy(live_server, settings, signed_url, *, host, call_sid):
    from twilio.request_validator import RequestValidator

    form = {**CALL, "CallSid": call_sid}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(signed_url, form)
    return requests.post(f"{live_server}/ivr/voice", data=form, timeout=5, headers={
        "X-Twilio-Signature": signature, "X-Forwarded-For": "54.172.60.1",
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": host})


@pytest.mark.parametrize(("env_overrides", "status"), [
    ({"TRUSTED_PROXY_HOPS": "1"}, 200),
    ({}, 403),  # forwarded headers from an untrusted hop are not believed
])
def test_a_trusted_proxys_forwarded_url_is_what_twilio_signed(live_server, settings, status):
    # No PUBLIC_BASE_URL (development behind a tunnel): the URL is rebuilt from the
    # proxy's X-Forwarded-Proto and -Host, and only when the proxy is trusted.
    response = _post_via_proxy(live_server, settings, "https://hotline.example.id/ivr/voice",
                               host="hotline.example.id", call_sid="CA" + "f" * 32)
    assert response.status_code == status


@pytest.mark.parametrize("env_overrides", [
    {"TRUSTED_PROXY_HOPS": "1", "PUBLIC_BASE_URL": "https://hotline.example.id"}])
def test_public_base_url_wins_over_a_forwarded_host(live_server, settings):
    assert _post_via_proxy(live_server, settings, "https://hotline.example.id/ivr/voice",
                           host="evil.example", call_sid="CA" + "a" * 32).status_code == 200
    assert _post_via_proxy(live_server, settings, "https://evil.example/ivr/voice",
                           host="evil.example", call_sid="CA" + "b" * 32).status_code == 403
