"""Indonesian names of outbox statuses, channels and events: the console shows them and
a retry's audit event (:func:`notify.services.retry`) writes them."""

from __future__ import annotations

import re

from notify.models import OutboxStatus

OS = OutboxStatus

STATUS_LABELS: dict[OutboxStatus, str] = {
    OS.PENDING: "menunggu",
    OS.SENDING: "sedang dikirim",
    OS.SENT: "terkirim",
    OS.FAILED: "gagal permanen",
    OS.DEAD: "gagal (percobaan habis)",
    OS.HELD: "ditahan: belum dikonfigurasi",
    OS.CANCELLED: "dibatalkan",
}
CHANNEL_LABELS = {"sms": "SMS", "voice": "Panggilan suara", "whatsapp": "WhatsApp",
                  "email": "E-mail"}
# One label per kind of outbox event, whoever writes it (notify, messaging, analytics,
# escalation, reporting): the console's message tables and the retry's audit note read
# them. An event is its kind, then ``#<seq or id>`` and/or ``@<date>``, and a kind may
# carry a row id in the middle (``attachment-12-failed``): :func:`event_kind` strips them.
# tests/notify/test_event_labels.py finds every kind the code writes and asks for its label.
EVENT_LABELS = {
    "forwarded": "diteruskan ke pokja", "answered": "sudah dijawab", "closed": "selesai",
    "rejected": "ditolak", "reopened": "dibuka kembali",
    "needs_info": "perlu informasi", "idle_filed": "pesan dicatat sebagai pengaduan",
    "attachment-failed": "lampiran tidak dapat diterima",
    "early_warning": "peringatan dini", "sla_warning": "peringatan batas tindak lanjut",
    "digest": "ringkasan harian supervisor", "head-digest": "ringkasan harian pimpinan OPD",
    "draft": "jawaban menunggu persetujuan", "draft-returned": "jawaban dikembalikan pimpinan",
    "mitra": "pertanyaan ke lembaga mitra", "mitra-jawab": "jawaban lembaga mitra",
    "mitra-ingat": "pengingat ke lembaga mitra",
    "escalation": "eskalasi keterlambatan", "escalation_summary": "ringkasan eskalasi",
    "disposition": "disposisi pimpinan daerah", "monthly_report": "laporan bulanan",
    "pesan": "pesan petugas kepada pelapor",
}
# Kinds whose ``#n`` counts how often it happened; for the others it is a row id.
SEQUENCED = frozenset({"forwarded", "answered", "closed", "rejected", "reopened", "needs_info"})
_ROW_ID = re.compile(r"-\d+(?=-|$)")


def event_kind(event: str) -> str:
    """``answered#2`` -> ``answered``; ``sla_warning@05-06-2025`` -> ``sla_warning``;
    ``attachment-12-failed`` -> ``attachment-failed``."""
    return _ROW_ID.sub("", event.partition("@")[0].partition("#")[0])


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def event_label(event: str) -> str:
    """``answered#2`` -> "sudah dijawab (ke-2)"; ``sla_warning@05-06-2025`` gets its date;
    a row id (``draft#7``, ``mitra#3``) is not shown. A kind without a label shows as it
    is written (the test above keeps that from happening)."""
    base, _, due = event.partition("@")
    base, _, seq = base.partition("#")
    kind = event_kind(base)
    label = EVENT_LABELS.get(kind, kind)
    label = label[:1].upper() + label[1:]
    if seq and kind in SEQUENCED:
        label += f" (ke-{seq})"
    if due:
        label += f" ({due})"
    return label
