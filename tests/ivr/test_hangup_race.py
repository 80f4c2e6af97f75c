"""Twilio's callbacks in the hang-up order: the call's end before the <Record> action.

A caller who hangs up while recording makes Twilio post ``call-status completed``,
``/recorded`` and ``recording-status`` in any order, even at once. Whatever the order,
the complaint becomes exactly one ticket."""

from __future__ import annotations

import itertools
import secrets
import threading

import pytest
from sqlalchemy import func, select

from tickets.models import Call, Recording, Ticket

CALLER = {"From": "+6281234567890", "To": "+62215550112"}


def _steps(call_sid: str, recording_sid: str, url: str) -> dict[str, tuple[str, dict]]:
    rec = {"CallSid": call_sid, **CALLER, "RecordingSid": recording_sid, "RecordingUrl": url,
           "RecordingDuration": "7"}
    return {
        "ended": ("/ivr/call-status", {"CallSid": call_sid, **CALLER,
                                       "CallStatus": "completed"}),
        "recorded": ("/ivr/recorded", rec),
        "ready": ("/ivr/recording-status", {**rec, "RecordingStatus": "completed"}),
    }


def _call(signed_post, peer, wav) -> tuple[str, dict[str, tuple[str, dict]]]:
    call_sid, recording_sid = "CA" + secrets.token_hex(16), "RE" + secrets.token_hex(16)
    url = peer.add(recording_sid, wav)
    # The caller chose a category (the call row exists) and then recorded.
    signed_post("/ivr/menu/main/choose?attempt=0", {"CallSid": call_sid, **CALLER, "Digits": "1"})
    signed_post("/ivr/menu/category/choose?attempt=0",
                {"CallSid": call_sid, **CALLER, "Digits": "1"})
    return call_sid, _steps(call_sid, recording_sid, url)


def _tickets_for(db, call_sid: str) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Ticket).join(Call, Ticket.call_id == Call.id)
                     .where(Call.call_sid == call_sid)) or 0


@pytest.mark.parametrize("order", list(itertools.permutations(["ended", "recorded", "ready"])),
                         ids="-".join)
def test_every_order_of_the_callbacks_files_one_ticket(order, signed_post, peer, complaint_wav,
                                                       db):
    call_sid, steps = _call(signed_post, peer, complaint_wav)
    for name in order:
        path, form = steps[name]
        assert signed_post(path, form).status_code in (200, 204)
    assert _tickets_for(db, call_sid) == 1
    for name in order:  # Twilio retries: nothing more
        signed_post(*steps[name])
    assert _tickets_for(db, call_sid) == 1
    assert db.scalar(select(func.count()).select_from(Recording)) == 1


def test_the_callbacks_sent_at_once_file_one_ticket(signed_post, peer, complaint_wav, db):
    for _ in range(5):
        call_sid, steps = _call(signed_post, peer, complaint_wav)
        start, codes = threading.Barrier(3), []

        def send(path: str, form: dict, start=start, codes=codes) -> None:
            start.wait()
            codes.append(signed_post(path, form).status_code)

        threads = [threading.Thread(target=send, args=step) for step in steps.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(codes) in ([200, 204, 204],), codes  # never a 500
        assert _tickets_for(db, call_sid) == 1


def test_two_identical_recording_callbacks_at_once_add_one_recording(
        signed_post, peer, complaint_wav, db):
    call_sid, steps = _call(signed_post, peer, complaint_wav)
    signed_post(*steps["ended"])  # the caller has hung up: the recording files the ticket
    start, codes = threading.Barrier(2), []

    def send() -> None:
        start.wait()
        codes.append(signed_post(*steps["ready"]).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [204, 204]
    assert _tickets_for(db, call_sid) == 1
    assert db.scalar(select(func.count()).select_from(Recording)) == 1
