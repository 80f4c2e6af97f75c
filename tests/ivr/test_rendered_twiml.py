"""The menus' TwiML is rendered once per process and reused while the reference data
it came from is current; webhooks carry no cookie session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.cache import RenderedTwiml
from tickets.models import Category


def test_it_reuses_the_xml_while_the_reference_data_is_the_same_objects():
    cache = RenderedTwiml()
    settings, categories = {"a": "1"}, [1]
    renders: list[int] = []

    def render() -> str:
        renders.append(1)
        return f"<Response>{len(renders)}</Response>"

    assert cache.get(("voice",), (settings, categories), render) == "<Response>1</Response>"
    assert cache.get(("voice",), (settings, categories), render) == "<Response>1</Response>"
    # Equal but reloaded (a new object from the expired TtlValue): rendered again.
    assert cache.get(("voice",), (dict(settings), categories), render) == (
        "<Response>2</Response>")
    assert cache.get(("menu", "main"), (settings, categories), render) == (
        "<Response>3</Response>")


def test_it_stays_bounded():
    cache = RenderedTwiml(limit=3)
    made_from = ({}, [])
    for i in range(10):
        cache.get((i,), made_from, lambda i=i: str(i))  # type: ignore[misc]
    assert len(cache._items) <= 3


@pytest.mark.parametrize("env_overrides", [{"IVR_CACHE_SECONDS": "1"}])
def test_a_renamed_category_reaches_the_menu_once_the_short_cache_expires(
        place_call, db, app, monkeypatch):
    now = [1000.0]
    cache = app.extensions["ivr"].cache
    for value in (cache.settings, cache.categories):
        monkeypatch.setattr(value, "clock", lambda: now[0])
    category = db.scalars(select(Category).where(Category.ivr_digit.is_not(None))
                          .order_by(Category.ivr_digit)).first()
    old = category.name
    assert any(old in line for line in place_call("1", "hangup").heard)
    category.name = "Lampu jalan padam"
    db.commit()
    now[0] += 0.5
    assert not any("Lampu jalan padam" in line for line in place_call("1", "hangup").heard)
    now[0] += 0.6
    assert any("Lampu jalan padam" in line for line in place_call("1", "hangup").heard)


def test_a_webhook_answer_sets_no_cookie(signed_post):
    response = signed_post("/ivr/voice", {"CallSid": "CA" + "c" * 32,
                                          "From": "+6281234567890", "To": "+62215550100"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Set-Cookie" not in response.headers  # type: ignore[attr-defined]


def test_a_recorded_prompt_is_played_from_the_host_each_request_came_to(app, settings,
                                                                        monkeypatch):
    from pathlib import Path

    from twilio.request_validator import RequestValidator

    monkeypatch.setitem(app.extensions["ivr"].catalog.audio, "main_menu",
                        Path("/nowhere/main_menu.wav"))
    client = app.test_client()
    form = {"CallSid": "CA" + "d" * 32, "From": "+6281234567890", "To": "+62215550100"}
    for base in ("http://one.example", "https://two.example", "http://one.example"):
        signature = RequestValidator(settings.twilio_auth_token).compute_signature(
            f"{base}/ivr/voice", form)
        answer = client.post("/ivr/voice", data=form, base_url=base,
                             headers={"X-Twilio-Signature": signature})
        assert answer.status_code == 200
        assert f"<Play>{base}/ivr/prompts/main_menu.wav</Play>" in answer.text
