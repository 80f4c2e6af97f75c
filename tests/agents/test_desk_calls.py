"""A caller recognised end to end: two real calls through the IVR (the call simulator)
and a WhatsApp message from the same number, found by that number and listed on the
ticket page."""

from __future__ import annotations

import html
import re

from devtools.chat_simulator import ChatSimulator


def test_a_caller_who_phoned_twice_and_wrote_on_whatsapp_is_recognised(
        live_server, place_call, complaint_wav, settings, operator):
    first = place_call("1", "1", "2", "1", recordings=[complaint_wav]).ticket_number
    second = place_call("1", "1", "2", "1", recordings=[complaint_wav]).ticket_number
    assert first and second and first != second
    chat = ChatSimulator(live_server, settings.twilio_auth_token,
                         account_sid=settings.twilio_account_sid, whatsapp=True)
    chat.send("Halo, saya mau menanyakan pengaduan saya kemarin")

    found = operator.get("/console/antrean",
                         query_string={"status": "semua", "q": "0812 3456 7890"})
    assert {first, second} <= set(re.findall(r'href="/console/tiket/(\d+)"',
                                             found.get_data(as_text=True)))
    page = html.unescape(operator.get(f"/console/tiket/{second}").get_data(as_text=True))
    history = page[page.index('id="riwayat-pelapor"'):]
    assert "Penelepon ini sudah 2 kali melapor" in history
    calls = history[history.index('id="panggilan-pelapor"'):]
    assert "tiket ini" in calls and f"tiket {first}" in calls
    assert "WhatsApp: Halo, saya mau menanyakan pengaduan saya kemarin" in history
