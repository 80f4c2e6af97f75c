"""The Indonesian names of the domain's values.

The domain writes them into its audit trail, its error messages and the messages to
citizens; the console shows the same words. Console-only labels live in ``agents``.
"""

from __future__ import annotations

from tickets.models import Channel, Classification, RejectReason, Status

S = Status

STATUS_LABELS: dict[Status, str] = {
    S.RECORDED: "Terekam",
    S.AWAITING_VERIFICATION: "Menunggu verifikasi",
    S.POSTPONED: "Ditunda (perlu informasi)",
    S.FORWARDED: "Diteruskan ke pokja",
    S.IN_PROGRESS: "Sedang ditindaklanjuti",
    S.ANSWERED: "Sudah dijawab",
    S.REOPENED: "Dibuka kembali",
    S.CLOSED: "Selesai",
    S.REJECTED: "Ditolak",
}
REJECT_LABELS: dict[RejectReason, str] = {
    RejectReason.NOT_OUR_AUTHORITY: "Bukan wewenang",
    RejectReason.DUPLICATE: "Duplikat",
    RejectReason.NOT_A_COMPLAINT: "Bukan pengaduan",
}
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PHONE: "Telepon (IVR)",
    Channel.PHONE_AGENT: "Telepon ke operator",
    Channel.WALK_IN: "Datang langsung",
    Channel.SMS_WA: "SMS / WhatsApp",
    Channel.WHATSAPP: "WhatsApp",
    Channel.SMS: "SMS",
    Channel.WEB: "Formulir web",
    Channel.OPEN311: "Aplikasi mitra (Open311)",
}
PRIORITY_LABELS = {1: "Tinggi", 2: "Normal", 3: "Rendah"}
CLASSIFICATION_LABELS: dict[Classification, str] = {
    Classification.PENGADUAN: "Pengaduan",
    Classification.ASPIRASI: "Aspirasi",
    Classification.PERMINTAAN_INFORMASI: "Permintaan informasi",
}
