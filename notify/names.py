"""Indonesian names of outbox statuses, channels and events: the console shows them and
a retry's audit event (:func:`notify.services.retry`) writes them."""

from __future__ import annotations

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
EVENT_LABELS = {"forwarded": "Diteruskan ke pokja", "answered": "Sudah dijawab",
                "closed": "Selesai", "digest": "Ringkasan harian supervisor",
                "sla_warning": "Peringatan batas tindak lanjut"}
# Events whose ``#`` part is a row id (one message each), not a count.
ONE_OFF_LABELS = {"pesan": "Pesan petugas kepada pelapor"}


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def event_label(event: str) -> str:
    """``answered#2`` -> "Sudah dijawab (ke-2)"; ``sla_warning@05-06-2025`` gets its date."""
    base, _, due = event.partition("@")
    base, _, seq = base.partition("#")
    if base in ONE_OFF_LABELS:
        return ONE_OFF_LABELS[base]
    label = EVENT_LABELS.get(base, base)
    if seq:
        label += f" (ke-{seq})"
    if due:
        label += f" ({due})"
    return label
