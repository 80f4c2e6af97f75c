""""Is it fixed?" on the status line: the reporter's keys after the answer.

``_after_status`` (ivr/views.py) offers the ``fixed`` menu to the reporter of an
answered ticket. **1** closes the ticket and asks for a rating (``rate`` menu, 1..5);
**2** reopens it (``feedback.replies.reopen``) and records the explanation, which is
stored and transcribed like a complaint (``media.reopening_notes``). Wrong or no keys
repeat a menu as the others do. Every step checks again, on the server, that the
caller is the reporter of the ticket carried in the URL.
"""

from __future__ import annotations

from flask import Response, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from feedback import replies
from feedback.models import FeedbackChannel
from ivr.twilio_form import recording_ref
from ivr.views import (
    CHOICES,
    MAX_ATTEMPTS,
    MENUS,
    _ask,
    _attempt,
    _carried,
    _goodbye,
    _settings,
    _speaker,
)
from ivr.web import bp, call_sid, cfg, db
from media import reopening_notes
from tickets import services
from tickets.errors import IllegalTransition, InvalidInput, NotFound
from tickets.models import Ticket


def _ticket() -> Ticket | None:
    """The carried ticket, if the caller is its reporter."""
    number = _carried().get("ticket", "")
    return services.ticket_for_reporter(db(), number, request.form.get("From"))


def _choose_fixed(digits: str, attempt: int) -> VoiceResponse | None:
    if digits not in ("1", "2"):
        return None
    ticket = _ticket()
    if ticket is None:
        return _goodbye(VoiceResponse())
    if digits == "1":
        try:  # a retried "1" finds the ticket it closed
            replies.confirm_fixed(db(), ticket, channel=FeedbackChannel.PHONE,
                                   tz=cfg().timezone)
        except IllegalTransition:  # answered no more (reopened, or closed by the sweep)
            return _goodbye(VoiceResponse())
        return _ask(VoiceResponse(), "rate", 0, None, ticket=ticket.number)
    try:  # a retried "2" of this call returns the reopening it made
        replies.reopen(db(), ticket, channel=FeedbackChannel.PHONE, policy=cfg().feedback,
                        call_sid=call_sid())
    except IllegalTransition:  # answered no more (closed or reopened meanwhile)
        return _goodbye(VoiceResponse())
    resp = VoiceResponse()
    resp.redirect(url_for("ivr.feedback_record", ticket=ticket.number), method="POST")
    return resp


def _choose_rate(digits: str, attempt: int) -> VoiceResponse | None:
    ticket = _ticket()
    if ticket is None:
        return _goodbye(VoiceResponse())
    try:
        replies.rate(db(), ticket, digits)
    except InvalidInput:
        return None  # asked again, as any wrong key
    except IllegalTransition:  # the reporter never said it is fixed (a crafted request)
        return _goodbye(VoiceResponse())
    resp = VoiceResponse()
    _speaker().say(resp, "feedback_rated")
    return _goodbye(resp)


MENUS["fixed"] = lambda gather, speaker: speaker.say(gather, "feedback_menu")
MENUS["rate"] = lambda gather, speaker: speaker.say(gather, "feedback_rate_menu")
CHOICES["fixed"] = _choose_fixed
CHOICES["rate"] = _choose_rate


@bp.post("/feedback/record")
def feedback_record() -> Response:
    """The explanation of what is not fixed. The ticket is already reopened: an empty
    recording is asked for again, then the caller is thanked all the same."""
    attempt = _attempt()
    carried = _carried()
    resp = VoiceResponse()
    speaker = _speaker()
    if attempt >= MAX_ATTEMPTS:
        speaker.say(resp, "feedback_reopened")
        return Response(str(_goodbye(resp)), mimetype="application/xml")
    speaker.say(resp, "feedback_record")
    resp.record(
        action=url_for("ivr.feedback_recorded", **carried),
        method="POST",
        max_length=int(_settings()["record_max_seconds"]),
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=url_for("ivr.feedback_recording_status", **carried),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    speaker.say(resp, "record_empty")
    resp.redirect(url_for("ivr.feedback_record", attempt=attempt + 1, **carried), method="POST")
    return Response(str(resp), mimetype="application/xml")


def _attach() -> bool:
    """Hand the recording to the reopening this call made; False if there is none."""
    recording = recording_ref(request.form)
    if recording is None:
        return False
    try:
        ticket = services.ticket_by_number(db(), _carried().get("ticket", ""))
    except NotFound:
        return True  # nothing to attach to; say goodbye rather than ask again
    reopening_notes.attach_recording(db(), ticket, call_sid(), recording)
    return True


@bp.post("/feedback/recorded")
def feedback_recorded() -> Response:
    if not _attach():
        resp = VoiceResponse()
        _speaker().say(resp, "record_empty")
        resp.redirect(url_for("ivr.feedback_record", attempt=_attempt() + 1, **_carried()),
                      method="POST")
        return Response(str(resp), mimetype="application/xml")
    resp = VoiceResponse()
    _speaker().say(resp, "feedback_reopened")
    return Response(str(_goodbye(resp)), mimetype="application/xml")


@bp.post("/feedback/recording-status")
def feedback_recording_status() -> Response:
    if request.form.get("RecordingStatus") == "completed":
        _attach()
    return Response(status=204)
