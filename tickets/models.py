"""SQLAlchemy models of the complaint domain."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tickets.clock import utcnow
from tickets.db import Base, enum_column


class Status(enum.StrEnum):
    RECORDED = "recorded"
    AWAITING_VERIFICATION = "awaiting_verification"
    POSTPONED = "postponed"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    # The reporter said the answer did not fix it: back at the pokja (feedback.replies).
    REOPENED = "reopened"
    CLOSED = "closed"
    REJECTED = "rejected"


class RejectReason(enum.StrEnum):
    NOT_OUR_AUTHORITY = "not_our_authority"
    DUPLICATE = "duplicate"
    NOT_A_COMPLAINT = "not_a_complaint"


class Channel(enum.StrEnum):
    PHONE = "phone"          # the IVR hotline
    PHONE_AGENT = "phone_agent"  # a caller an operator spoke to
    WALK_IN = "walk_in"
    SMS_WA = "sms_wa"        # a message an operator typed in at the desk (older data)
    WHATSAPP = "whatsapp"    # the citizen wrote on WhatsApp (messaging.conversations)
    SMS = "sms"              # the citizen wrote by SMS
    WEB = "web"
    OPEN311 = "open311"  # filed by another app through the Open311 GeoReport v2 API


class Classification(enum.StrEnum):
    """SP4N-LAPOR!'s three kinds of report."""

    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi"


class Role(enum.StrEnum):
    OPERATOR = "operator"
    POKJA = "pokja"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # The agency's head (pimpinan OPD / kepala SKPD): approves the pokja's answers and is
    # notified when the agency is late (escalation).
    HEAD = "pimpinan_opd"
    # The regional leadership (bupati/wali kota, wakil, sekda): reads every ticket.
    LEADERSHIP = "leadership"


class TranscriptionStatus(enum.StrEnum):
    NONE = "none"          # no recording (desk intake)
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"      # "transkripsi gagal": an agent transcribes by hand
    MANUAL = "manual"      # no speech engine configured
    NO_SPEECH = "no_speech"  # "tidak terdengar ucapan": silence, noise or a decoding loop


class RecordingStatus(enum.StrEnum):
    PENDING = "pending"
    STORED = "stored"
    FAILED = "failed"


class Pokja(Base):
    __tablename__ = "pokja"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    whatsapp: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Answers go out only after the agency's head approves them (migration 0016);
    # every change is kept in ``approval_setting_changes``.
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The key a caller presses in the IVR category menu (1..9); None hides it from the IVR.
    ivr_digit: Mapped[int | None] = mapped_column(Integer, unique=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    pokja: Mapped[Pokja | None] = relationship()


class Call(Base):
    """One inbound call, keyed on Twilio's CallSid; holds the caller's menu choices."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    anonim: Mapped[bool] = mapped_column(Boolean, default=False)
    # The recording the caller made but has not yet confirmed (1 submit / 2 again).
    pending_recording_sid: Mapped[str | None] = mapped_column(String(64))
    pending_recording_url: Mapped[str | None] = mapped_column(String(500))
    pending_recording_duration: Mapped[int | None] = mapped_column(Integer)
    # A take the caller replaced ("record again"): its late callbacks are not the complaint.
    discarded_recording_sid: Mapped[str | None] = mapped_column(String(64))


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)  # 1 high, 2 normal, 3 low
    anonim: Mapped[bool] = mapped_column(Boolean, default=False)
    rahasia: Mapped[bool] = mapped_column(Boolean, default=False)
    # The caller may ask not to be contacted (no SMS, no voice updates).
    contact_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(300))
    # The complaint as verified by an operator (the machine transcript stays on Transcript).
    description: Mapped[str | None] = mapped_column(Text)
    transcription_status: Mapped[TranscriptionStatus] = mapped_column(
        enum_column(TranscriptionStatus, "transcription_status"), default=TranscriptionStatus.NONE
    )
    transcription_error: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_published: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the public site and Open311 show of the complaint: written by the call centre
    # for the public (never the transcript), published together with the answer
    # (portal.publishing; migration 0011).
    public_summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Where the problem is, as the public may read it (Open311 address_string); never
    # shown for an anonim ticket.
    address: Mapped[str | None] = mapped_column(String(300))
    # An Open311 client's reporter e-mail (checked by tickets.contacts); never public.
    reporter_email: Mapped[str | None] = mapped_column(String(200))
    reject_reason: Mapped[RejectReason | None] = mapped_column(
        enum_column(RejectReason, "reject_reason"))
    # The call centre's own remark on the current status (why postponed, returned or
    # rejected): shown to the call centre only, cleared when the ticket is forwarded.
    status_note: Mapped[str | None] = mapped_column(Text)
    # What the call centre tells the reporter about a rejection: spoken on the status line
    # and sent by SMS, never for a rahasia ticket (tickets.services.rejection_notice).
    reporter_message: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    verify_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime)
    followup_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    # SP4N-LAPOR! (migration 0012): the kind of report, a short title, the tracking id the
    # agency got when it filed the ticket in LAPOR!, and when the call centre first decided
    # on it (forwarded or rejected), which the dashboard's "time to verify" measures.
    classification: Mapped[Classification] = mapped_column(
        enum_column(Classification, "classification"), default=Classification.PENGADUAN,
        server_default=Classification.PENGADUAN.value)
    title: Mapped[str | None] = mapped_column(String(200))
    lapor_tracking_id: Mapped[str | None] = mapped_column(String(64), index=True)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Working seconds (tickets.sla) from received to verified and to forwarded, and
    # from forwarded to answered, stamped by the transition: the dashboard's medians read
    # them instead of working out a calendar for a million rows.
    verify_work_seconds: Mapped[int | None] = mapped_column(Integer)
    forward_work_seconds: Mapped[int | None] = mapped_column(Integer)
    answer_work_seconds: Mapped[int | None] = mapped_column(Integer)

    # Optimistic lock: every UPDATE checks and bumps it, so a stale form or a concurrent
    # save cannot overwrite a change it did not see (tickets.errors.StaleTicket).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    call: Mapped[Call | None] = relationship()
    category: Mapped[Category | None] = relationship()
    pokja: Mapped[Pokja | None] = relationship()
    recordings: Mapped[list[Recording]] = relationship(
        back_populates="ticket", order_by="Recording.id"
    )
    transcript: Mapped[Transcript | None] = relationship(
        back_populates="ticket", uselist=False
    )
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    # The call centre's corrections of an anonim ticket's mask (tickets.privacy).
    privacy: Mapped[TicketPrivacy | None] = relationship(uselist=False)


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[RecordingStatus] = mapped_column(
        enum_column(RecordingStatus, "recording_status"), default=RecordingStatus.PENDING
    )
    # Relative to RECORDINGS_DIR.
    path: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # Each stage counts its own attempts (media.policy).
    download_attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Who works on this recording now (its download, then its transcription) and until
    # when: claimed with a conditional UPDATE, so a sweep and a retry never work it twice,
    # and a worker killed mid-job frees it when the lease runs out (media.work).
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    transcribe_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    ticket: Mapped[Ticket] = relationship(back_populates="recordings")


class Transcript(Base):
    """The machine transcript, kept unchanged beside the operator's verified text."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    recording_id: Mapped[int | None] = mapped_column(ForeignKey("recordings.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(200))
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="transcript")


class TicketEvent(Base):
    """The audit trail: one row per transition, edit or note, written in the same transaction."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "sistem", "penelepon" or the user's name, so the trail reads well without joins.
    actor_label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # transition | note | edit | system
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # The pokja this entry's note is written for or by: the pokja a ticket is forwarded to
    # (the forwarding note), or the pokja of the pokja user who wrote it. A pokja reads a
    # note only when it is its own (tickets.permissions.history_for); None: the call centre's.
    shared_with_pokja_id: Mapped[int | None] = mapped_column(ForeignKey("pokja.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketPrivacy(Base):
    """What the call centre corrected of an anonim ticket's mask (migration 0015).

    The mask itself is computed (``tickets.privacy``); stored here are only the operator's
    corrections: names found by the finder that are not identifying (``kept``), phrases
    it missed (``added``), the outward description written by hand (``text``, valid while
    the description is the one it was written for: ``text_for`` is that description's
    SHA-256), and whether the pokja may hear the recording.
    """

    __tablename__ = "ticket_privacy"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    added: Mapped[list[str]] = mapped_column(JSON, default=list)
    kept: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text)
    text_for: Mapped[str | None] = mapped_column(String(64))
    recording_for_pokja: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class HotlineSetting(Base):
    """Console-editable hotline settings that override the environment's defaults."""

    __tablename__ = "hotline_settings"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)


# The console's queue and inbox walk tickets in (created_at, id) order: keyset pages
# stay fast on 100k+ tickets when an index leads with each filter's equality column.
Index("ix_tickets_status_created", Ticket.status, Ticket.created_at, Ticket.id)
Index("ix_tickets_pokja_status_created", Ticket.pokja_id, Ticket.status, Ticket.created_at,
      Ticket.id)
Index("ix_tickets_created_id", Ticket.created_at, Ticket.id)
# The public answers page walks published answers newest first.
Index("ix_tickets_published", Ticket.answer_published, Ticket.published_at)
# The queue finds a caller's tickets by their number (E.164: tickets.contacts), newest
# first on the ticket page's caller history; the history lists the caller's calls too.
Index("ix_tickets_reporter_phone", Ticket.reporter_phone, Ticket.created_at)
Index("ix_calls_from_number", Call.from_number)
# The dashboard's aggregates over a date range (reporting.dashboard) read only this index on
# PostgreSQL (an index-only scan), not the wide ticket rows.
Index("ix_tickets_dashboard", Ticket.created_at, Ticket.channel, Ticket.category_id,
      Ticket.pokja_id, Ticket.status)


# The dashboard's summary (reporting.rollup): one row per local day, channel, category,
# pokja and status, refreshed from the tickets of the days marked dirty since.
SPANS = JSON().with_variant(ARRAY(Integer), "postgresql")


class DashboardSummary:
    """The summary's columns, shared with the per-place summary
    (``reporting.models.DashboardPlaceDay``): each table adds its key before them."""

    day: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    category_id: Mapped[int | None] = mapped_column(Integer)
    pokja_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    received: Mapped[int] = mapped_column(Integer)
    verified: Mapped[int] = mapped_column(Integer)
    verified_ok: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    answered_ok: Mapped[int] = mapped_column(Integer)
    # The working seconds of each ticket's spans (medians are exact, not binned).
    verify_spans: Mapped[list[int]] = mapped_column(SPANS)
    forward_spans: Mapped[list[int]] = mapped_column(SPANS)
    answer_spans: Mapped[list[int]] = mapped_column(SPANS)


class DashboardDay(DashboardSummary, Base):
    __tablename__ = "dashboard_days"

    id: Mapped[int] = mapped_column(primary_key=True)


class DashboardDirty(Base):
    """A local day (the office's zone) whose tickets changed since the summary was
    refreshed (``reporting.rollup``). ``captured``: the change's tickets are known one by
    one (``reporting.models.DashboardChange``), so the dashboard corrects the stored rows
    by them; a mark without (a bulk write) has its whole day summed live."""

    __tablename__ = "dashboard_dirty"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    captured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DraftState(enum.StrEnum):
    PENDING = "pending"      # waiting for the head's decision
    APPROVED = "approved"    # sent to the reporter (as written or as the head edited it)
    RETURNED = "returned"    # back to the pokja with the head's note


class AnswerDraft(Base):
    """A pokja's answer on an agency whose head approves answers (tickets.followup).

    The reporter learns nothing of it until it is approved: the ticket stays with the
    pokja (its follow-up clock running) and only approval moves it to answered.
    """

    __tablename__ = "answer_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    pokja_id: Mapped[int] = mapped_column(ForeignKey("pokja.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[DraftState] = mapped_column(enum_column(DraftState, "draft_state"),
                                              default=DraftState.PENDING)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The head's note on a return; the approved text when the head edited it.
    decision_note: Mapped[str | None] = mapped_column(Text)
    approved_text: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship()
    pokja: Mapped[Pokja] = relationship()


# The heads' queue: an agency's pending drafts, oldest first.
Index("ix_answer_drafts_queue", AnswerDraft.pokja_id, AnswerDraft.state,
      AnswerDraft.submitted_at)


class ApprovalSettingChange(Base):
    """The history of an agency's approval setting: who turned it on or off, and when."""

    __tablename__ = "approval_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pokja_id: Mapped[int] = mapped_column(ForeignKey("pokja.id"), index=True)
    approval_required: Mapped[bool] = mapped_column(Boolean)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_by_label: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- the Indonesian names of these values -----------------------------------------------
# The domain writes them into its audit trail, its error messages and the messages to
# citizens; the console shows the same words. Console-only labels live in ``agents``.

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
