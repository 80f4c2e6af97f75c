"""The hotline's voice menus as Twilio webhooks.

Every menu is a <Gather> followed by a <Redirect> to the same menu with one
more attempt: no input falls through to it, a wrong key re-renders it with
"not available". After three attempts the caller hears a polite goodbye.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, g, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from feedback import replies
from ivr import calls
from ivr.config import IvrConfig, MenuCategory
from ivr.speaker import Speaker
from ivr.twilio_form import recording_ref
from ivr.web import bp, call_sid, caller, cfg, db
from tickets import services
from tickets.clock import utcnow
from tickets.errors import NotFound
from tickets.reference import agency_name, hotline_settings, ivr_categories
from tickets.sla import TZ_NAMES, OfficeHours

MAX_ATTEMPTS = 3
STATUS_DIGITS_TIMEOUT = 15


def _settings(config: IvrConfig | None = None) -> dict[str, str]:
    """Hotline settings (console overrides on the env defaults), cached briefly."""
    config = config or cfg()
    return config.cache.settings.get(
        lambda: hotline_settings(config.db(), config.hotline_defaults))


def _categories(config: IvrConfig | None = None) -> list[MenuCategory]:
    """The voice menu's categories, cached briefly."""
    config = config or cfg()
    return config.cache.categories.get(lambda: [
        MenuCategory(c.id, c.name, c.ivr_digit or 0) for c in ivr_categories(config.db())
    ])


def _speaker() -> Speaker:
    config = cfg()
    return Speaker(config.catalog, _settings(), config.settings.tts_language)


def _twiml(resp: VoiceResponse | str) -> Response:
    return Response(str(resp), mimetype="application/xml")


# The menus whose TwiML depends on nothing but their URL and the reference data (the
# after-status menu asks the database about the caller): rendered once per process.
CACHED_MENUS = frozenset({"main", "category", "anonim", "confirm", "status", "status_verify",
                          "operator"})


def _rendered(key: tuple[object, ...], render: Callable[[], VoiceResponse]) -> str:
    """``render()`` as XML, reused while the settings and categories it read are the
    cached ones (``ivr.cache.RenderedTwiml``). What ``request.host_url`` is made of is in
    the key (a recorded prompt's <Play> URL is absolute), without building that URL
    on every webhook."""
    config = cfg()
    made_from = (_settings(config), _categories(config))
    current = request._get_current_object()  # type: ignore[attr-defined]  # one lookup
    site = (current.scheme, current.host, current.root_path)
    return config.cache.twiml.get((*key, *site), made_from, lambda: str(render()))


def _attempt() -> int:
    try:
        return max(0, int(request.args.get("attempt", "0")))
    except ValueError:
        return 0


def _goodbye(resp: VoiceResponse, key: str = "goodbye") -> VoiceResponse:
    _speaker().say(resp, key)
    resp.hangup()
    return resp


# --- menus ---------------------------------------------------------------------------

def _ask(resp: VoiceResponse, menu: str, attempt: int, reason: str | None,
         **carry: str) -> VoiceResponse:
    """Render ``menu`` into ``resp``: its options inside a Gather, then the no-input retry.

    ``carry`` rides along in the menu's URLs (the ticket the status menu is about)."""
    speaker = _speaker()
    if attempt >= MAX_ATTEMPTS:
        return _goodbye(resp, "goodbye_no_input")
    if reason:
        speaker.say(resp, reason)
    config = cfg()
    number_entry = menu in ("status", "status_verify")
    gather = resp.gather(
        action=url_for("ivr.choose", menu=menu, attempt=attempt, **carry),
        method="POST",
        num_digits=None if number_entry else 1,
        finish_on_key="#" if number_entry else None,
        timeout=STATUS_DIGITS_TIMEOUT if number_entry else config.settings.gather_timeout_seconds,
    )
    MENUS[menu](gather, speaker)
    if menu == "status_verify":  # no digits: the caller keeps to the status alone
        resp.redirect(url_for("ivr.menu", menu="after_status", attempt=0, **carry),
                      method="POST")
        return resp
    resp.redirect(url_for("ivr.menu", menu=menu, attempt=attempt + 1, reason="no_input",
                          **carry), method="POST")
    return resp


def _main_options(gather, speaker: Speaker) -> None:  # type: ignore[no-untyped-def]
    speaker.say(gather, "main_menu")


def _category_options(gather, speaker: Speaker) -> None:  # type: ignore[no-untyped-def]
    speaker.say(gather, "category_intro")
    for category in _categories():
        speaker.say(gather, "category_option", name=category.name, digit=category.ivr_digit)
    speaker.say(gather, "category_repeat")


MENUS = {
    "main": _main_options,
    "category": _category_options,
    "anonim": lambda gather, speaker: speaker.say(gather, "anonim_menu"),
    "confirm": lambda gather, speaker: speaker.say(gather, "confirm_menu"),
    "status": lambda gather, speaker: speaker.say(gather, "status_ask"),
    "status_verify": lambda gather, speaker: speaker.say(gather, "status_verify_ask"),
    "after_status": lambda gather, speaker: _after_status_options(gather, speaker),
    "operator": lambda gather, speaker: speaker.say(gather, "operator_offer_record"),
}


@bp.post("/voice")
def voice() -> Response:
    """The greeting. It writes nothing, so it answers in well under a millisecond of
    database time: the call gets its row at the first step that needs state (a menu
    choice) and at the latest from the call-status callback when it ends."""
    call_sid()

    def greeting() -> VoiceResponse:
        resp = VoiceResponse()
        _speaker().say(resp, "greeting", agency=agency_name(_settings()))
        return _ask(resp, "main", 0, None)

    return _twiml(_rendered(("voice",), greeting))


@bp.post("/menu/<menu>")
def menu(menu: str) -> Response:
    if menu not in MENUS:
        abort(404)
    reason = request.args.get("reason")
    if reason not in (None, "no_input", "invalid_choice", "status_invalid", "status_not_found",
                      "status_verify_wrong"):
        reason = None
    if menu == "category" and not _categories():
        return _twiml(_goodbye(VoiceResponse(), "no_categories"))
    attempt, carried = _attempt(), _carried()
    if menu in CACHED_MENUS:
        return _twiml(_rendered(("menu", menu, attempt, reason, *carried.items()),
                                lambda: _ask(VoiceResponse(), menu, attempt, reason, **carried)))
    return _twiml(_ask(VoiceResponse(), menu, attempt, reason, **carried))


@bp.post("/menu/<menu>/choose")
def choose(menu: str) -> Response:
    if menu not in MENUS:
        abort(404)
    digits = request.form.get("Digits", "").strip()
    handler = CHOICES[menu]
    resp = handler(digits, _attempt())
    if resp is None:  # a key the menu does not offer
        resp = _ask(VoiceResponse(), menu, _attempt() + 1, "invalid_choice", **_carried())
    return _twiml(resp)


def _redirect(endpoint: str, **values: object) -> VoiceResponse:
    resp = VoiceResponse()
    resp.redirect(url_for(endpoint, **values), method="POST")
    return resp


def _choose_main(digits: str, attempt: int) -> VoiceResponse | str | None:
    if digits == "1":
        return _rendered(("choose", "main", 1), _category_menu)
    if digits == "2":
        return _rendered(("choose", "main", 2), lambda: _ask(VoiceResponse(), "status", 0, None))
    if digits == "0":
        return _operator()
    if digits == "*":
        return _ask(VoiceResponse(), "main", attempt, None)
    return None


def _category_menu() -> VoiceResponse:
    if not _categories():
        return _goodbye(VoiceResponse(), "no_categories")
    return _ask(VoiceResponse(), "category", 0, None)


def _choose_category(digits: str, attempt: int) -> VoiceResponse | None:
    if digits == "*":
        return _ask(VoiceResponse(), "category", attempt, None)
    chosen = next((c for c in _categories() if str(c.ivr_digit) == digits), None)
    if chosen is None:
        return None
    calls.category_chosen(db(), *caller(), chosen.id)
    return _ask(VoiceResponse(), "anonim", 0, None)


def _choose_anonim(digits: str, attempt: int) -> VoiceResponse | None:
    if digits not in ("1", "2"):
        return None
    calls.anonim_chosen(db(), *caller(), digits == "1")
    return _redirect("ivr.record")


@bp.post("/record")
def record() -> Response:
    attempt = _attempt()
    resp = VoiceResponse()
    if attempt >= MAX_ATTEMPTS:
        return _twiml(_goodbye(resp, "goodbye_no_input"))
    speaker = _speaker()
    max_seconds = int(_settings()["record_max_seconds"])
    speaker.say(resp, "record_instructions", minutes=max(1, round(max_seconds / 60)))
    resp.record(
        action=url_for("ivr.recorded"),
        method="POST",
        max_length=max_seconds,
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=url_for("ivr.recording_status"),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    # Reached only when the recording was empty: Twilio then skips the action URL.
    speaker.say(resp, "record_empty")
    resp.redirect(url_for("ivr.record", attempt=attempt + 1), method="POST")
    return _twiml(resp)


@bp.post("/recorded")
def recorded() -> Response:
    recording = recording_ref(request.form)
    if recording is None:
        resp = VoiceResponse()
        _speaker().say(resp, "record_empty")
        resp.redirect(url_for("ivr.record", attempt=_attempt() + 1), method="POST")
        return _twiml(resp)
    filed = calls.recording_made(db(), *caller(), recording, tz=cfg().timezone)
    if filed is not None:  # the call had already ended (Twilio ignores this answer)
        return _twiml(_goodbye(VoiceResponse()))
    return _twiml(_ask(VoiceResponse(), "confirm", 0, None))


def _choose_confirm(digits: str, attempt: int) -> VoiceResponse | None:
    if digits == "2":
        calls.recording_discarded(db(), call_sid())
        return _redirect("ivr.record")
    if digits != "1":
        return None
    filed = calls.confirmed(db(), call_sid(), tz=cfg().timezone)
    if filed is None:  # "submit" with nothing recorded (a replay after "record again")
        return _redirect("ivr.record")
    speaker = _speaker()
    resp = VoiceResponse()
    speaker.say_digits(resp, "ticket_created", filed.ticket_number)
    resp.pause(length=1)
    speaker.say_digits(resp, "ticket_repeat", filed.ticket_number)
    speaker.say(resp, "ticket_keep")
    return _goodbye(resp)


def _choose_status(digits: str, attempt: int) -> VoiceResponse | None:
    number = digits.rstrip("#")
    try:
        report = services.status_report(db(), number, phone=request.form.get("From"))
    except services.InvalidNumber:
        return _ask(VoiceResponse(), "status", attempt + 1, "status_invalid")
    except NotFound:
        return _ask(VoiceResponse(), "status", attempt + 1, "status_not_found")
    resp = VoiceResponse()
    _speak_report(resp, report)
    if not report.full and report.verifiable:
        # Calling from another number: the details only after the last four digits of
        # the reporter's number (the second factor /lacak asks for too).
        return _ask(resp, "status_verify", 0, None, ticket=report.number)
    return _after_status(resp, report)


def _choose_status_verify(digits: str, attempt: int) -> VoiceResponse | None:
    number = _carried().get("ticket", "")
    entered = digits.rstrip("#")
    if not number or entered.startswith("*"):
        return _ask(VoiceResponse(), "after_status", 0, None, **_carried())
    try:
        report = services.status_report(db(), number, phone=request.form.get("From"),
                                        last_digits=entered)
    except (services.InvalidNumber, NotFound):
        return _ask(VoiceResponse(), "status", 0, None)
    if report.full:
        resp = VoiceResponse()
        _speak_report(resp, report)
        return _after_status(resp, report)
    if attempt + 1 >= MAX_ATTEMPTS:
        resp = VoiceResponse()
        _speaker().say(resp, "status_verify_failed")
        return _ask(resp, "after_status", 0, None, ticket=number)
    return _ask(VoiceResponse(), "status_verify", attempt + 1, "status_verify_wrong",
                ticket=number)


def _speak_report(resp: VoiceResponse, report: services.StatusReport) -> None:
    """The status; for the proven reporter also the pokja, the answer, the rejection."""
    speaker = _speaker()
    speaker.say_digits(resp, "status_intro", report.number)
    if report.rejection is not None:
        _say_rejection(resp, speaker, report.rejection)
    else:
        speaker.say(resp, f"status_{report.status.value}")
    if report.pokja_name and not report.closed:
        speaker.say(resp, "status_pokja", pokja=report.pokja_name)
    if report.answer:
        speaker.say(resp, "status_answer", answer=report.answer)
    if not report.full and not report.verifiable:
        speaker.say(resp, "status_details_desk")


def _after_status(resp: VoiceResponse, report: services.StatusReport) -> VoiceResponse:
    g.ivr_status_number = report.number
    if report.answered and replies.asks_if_fixed(
            services.ticket_by_number(db(), report.number), request.form.get("From")):
        # "Is it fixed?" (ivr/feedback.py): only the reporter, only after the answer.
        return _ask(resp, "fixed", 0, None, ticket=report.number)
    return _ask(resp, "after_status", 0, None, ticket=report.number)


def _say_rejection(resp: VoiceResponse, speaker: Speaker,
                   notice: services.RejectionNotice) -> None:
    """A duplicate names its original (read digit by digit, twice, as a new ticket's
    number is); any other rejection gives its reason and the call centre's message."""
    if notice.duplicate and notice.duplicate_of:
        speaker.say_digits(resp, "status_duplicate", notice.duplicate_of)
        resp.pause(length=1)
        speaker.say_digits(resp, "status_duplicate_repeat", notice.duplicate_of)
        speaker.say(resp, "status_duplicate_hint")
        return
    if notice.duplicate:
        speaker.say(resp, "status_duplicate_hidden")
        return
    speaker.say(resp, "status_rejected")
    speaker.say(resp, "status_rejected_reason", reason=notice.reason_label)
    if notice.message:
        speaker.say(resp, "status_rejected_message", message=notice.message)
    speaker.say(resp, "status_rejected_help")


def _carried() -> dict[str, str]:
    number = request.args.get("ticket", "")
    return {"ticket": number} if number.isdigit() and len(number) <= 16 else {}


def _status_number() -> str:
    """The ticket whose status this call just heard."""
    return g.get("ivr_status_number") or _carried().get("ticket", "")


def _opt_out_offered() -> bool:
    """Whether this caller may stop the ticket's updates: only from the reporter's phone."""
    return services.may_stop_contact(db(), _status_number(), request.form.get("From"))


def _after_status_options(gather, speaker: Speaker) -> None:  # type: ignore[no-untyped-def]
    speaker.say(gather, "status_menu")
    if _opt_out_offered():
        speaker.say(gather, "status_menu_opt_out")


def _choose_after_status(digits: str, attempt: int) -> VoiceResponse | None:
    if digits == "3" and services.stop_contact_for_reporter(db(), _status_number(),
                                                            request.form.get("From")):
        resp = VoiceResponse()
        _speaker().say(resp, "status_opted_out")
        return _ask(resp, "main", 0, None)
    if digits == "1":
        return _ask(VoiceResponse(), "status", 0, None)
    if digits == "2":
        return _ask(VoiceResponse(), "main", 0, None)
    return None


def _operator() -> VoiceResponse:
    config = cfg()
    settings = _settings()
    hours = OfficeHours.parse(settings["office_hours"])
    speaker = _speaker()
    resp = VoiceResponse()
    number = settings.get("operator_number", "")
    if number and hours.is_open(utcnow(), config.timezone):
        speaker.say(resp, "operator_connecting")
        resp.dial(number, action=url_for("ivr.operator_done"), method="POST", timeout=30)
        return resp
    if number:
        speaker.say(resp, "operator_closed", days=hours.days_phrase(), opens=hours.opens,
                    closes=hours.closes, tz_name=TZ_NAMES.get(config.timezone, ""))
    else:
        speaker.say(resp, "operator_unavailable")
    return _ask(resp, "operator", 0, None)


@bp.post("/operator/done")
def operator_done() -> Response:
    if request.form.get("DialCallStatus") == "completed":
        return _twiml(_goodbye(VoiceResponse()))
    resp = VoiceResponse()
    _speaker().say(resp, "operator_busy")
    return _twiml(_ask(resp, "operator", 0, None))


def _choose_operator(digits: str, attempt: int) -> VoiceResponse | None:
    if digits == "1":
        return _category_menu()
    if digits == "2":
        return _ask(VoiceResponse(), "main", 0, None)
    return None


CHOICES = {
    "main": _choose_main,
    "category": _choose_category,
    "anonim": _choose_anonim,
    "confirm": _choose_confirm,
    "status": _choose_status,
    "status_verify": _choose_status_verify,
    "after_status": _choose_after_status,
    "operator": _choose_operator,
}
