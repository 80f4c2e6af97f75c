"""The dashboard page: ``/console/dasbor``, for supervisors, admins and (their own) pokja."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request
from sqlalchemy import select

from agents import charts, forms, insights
from agents.web import bp, cfg, db, roles, user
from analytics import event_alerts
from reporting import dashboard
from reporting.chain import chain_counts
from reporting.sources import received_by_source
from tickets.clock import to_local, utcnow
from tickets.errors import InvalidInput
from tickets.models import CHANNEL_LABELS, STATUS_LABELS, Category, Channel, Pokja, Role, Status

MEASURE_LABELS = {"verify": "Diterima → diverifikasi", "forward": "Diterima → diteruskan",
                  "answer": "Diteruskan → dijawab"}
MAX_DAYS = 731


def _int(args: Mapping[str, str], name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(name, "Pilihan tidak valid.")
    return int(raw)


def scope_from(args: Mapping[str, str], today: date) -> dashboard.Scope:
    """The request's range and filters, checked; a preset unless both dates are given."""
    preset = args.get("preset") or "30hari"
    if preset not in dashboard.PRESETS:
        raise InvalidInput("preset", "Rentang waktu tidak dikenal.")
    start, end = dashboard.preset_range(preset, today)
    given_from = forms.parse_date(args.get("date_from"), "date_from")
    given_to = forms.parse_date(args.get("date_to"), "date_to")
    if given_from or given_to:
        start, end = given_from or start, given_to or end
    forms.check_range(start, end)
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("date_from", "Rentang waktu paling panjang dua tahun.")
    kecamatan_id, desa_id = insights.place_filter(args)
    return dashboard.Scope(start, end, forms.channel(args), _int(args, "category_id"),
                           _int(args, "pokja_id"), kecamatan_id=kecamatan_id, desa_id=desa_id)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def build_charts(d: dashboard.Dashboard) -> list[tuple[charts.Chart, list[str],
                                                        list[list[str]]]]:
    """Each chart with its table: (chart, header, rows)."""
    fmt = "%d-%m" if not d.weekly else "mg %d-%m"
    periods = [p.strftime(fmt) for p in d.periods]
    channels = [c for c in Channel if any(d.received[c])] or [Channel.PHONE]
    unit = "minggu" if d.weekly else "hari"
    received = charts.stacked(
        f"Pengaduan diterima per {unit}, menurut saluran",
        f"Diagram batang bertumpuk: {d.total} pengaduan diterima dalam {len(periods)} {unit}, "
        "dirinci menurut saluran; angka lengkap di tabel.",
        periods, [(CHANNEL_LABELS[c], d.received[c]) for c in channels])
    received_rows = [[p, *[str(d.received[c][i]) for c in channels],
                      str(sum(d.received[c][i] for c in channels))]
                     for i, p in enumerate(periods)]
    category = charts.horizontal(
        "Pengaduan menurut kategori",
        "Diagram batang: jumlah pengaduan per kategori; " + "; ".join(
            f"{n} {name}" for name, n in d.by_category[:6]) + ".",
        [(name, float(n)) for name, n in d.by_category])
    sla_rows = [[r.pokja, f"{r.verify_ok}/{r.verify_total}", _percent(r.verify_share),
                 f"{r.answer_ok}/{r.answer_total}", _percent(r.answer_share),
                 str(r.verify_overdue_now), str(r.followup_overdue_now)] for r in d.sla]
    sla_chart = charts.horizontal(
        "Kepatuhan SLA per pokja: dijawab ≤ 5 hari kerja setelah diteruskan",
        "Diagram batang: persentase tiket yang dijawab pokja dalam 5 hari kerja; "
        + "; ".join(f"{r.pokja} {_percent(r.answer_share)}" for r in d.sla) + ".",
        [(r.pokja, None if r.answer_share is None else round(r.answer_share * 100))
         for r in d.sla],
        unit="%", maximum=100, colour=charts.PALETTE[2])
    verify_chart = charts.horizontal(
        "Kepatuhan SLA: diverifikasi ≤ 3 hari kerja",
        "Diagram batang: persentase tiket yang diverifikasi dalam 3 hari kerja, per pokja; "
        + "; ".join(f"{r.pokja} {_percent(r.verify_share)}" for r in d.sla) + ".",
        [(r.pokja, None if r.verify_share is None else round(r.verify_share * 100))
         for r in d.sla],
        unit="%", maximum=100, colour=charts.PALETTE[4])
    age = charts.horizontal(
        "Tunggakan menurut umur (hari kerja sejak diterima)",
        "Diagram batang: tiket yang masih terbuka menurut umurnya; " + "; ".join(
            f"{label}: {n}" for label, n in d.backlog_age) + ".",
        [(label, float(n)) for label, n in d.backlog_age], colour=charts.PALETTE[5])
    status = charts.horizontal(
        "Tunggakan menurut status",
        "Diagram batang: tiket yang masih terbuka menurut status; " + "; ".join(
            f"{STATUS_LABELS[s]}: {n}" for s, n in d.backlog_status) + ".",
        [(STATUS_LABELS[s], float(n)) for s, n in d.backlog_status], colour=charts.PALETTE[1])
    med_rows = [(MEASURE_LABELS[m], d.medians[m]) for m in dashboard.MEASURES]
    medians = charts.horizontal(
        "Median waktu kerja penanganan",
        "Diagram batang: median waktu kerja; " + "; ".join(
            f"{label}: {dashboard.working_time(v)}" for label, v in med_rows) + ".",
        [(label, v) for label, v in med_rows], colour=charts.PALETTE[3],
        fmt=dashboard.working_time)
    sat_rows = [[r.pokja_name, str(r.ratings),
                 "-" if r.mean_rating is None else f"{r.mean_rating:.1f}".replace(".", ","),
                 str(r.answers), str(r.reopenings), _percent(r.reopen_rate)]
                for r in d.satisfaction]
    satisfaction = charts.horizontal(
        "Kepuasan pelapor per pokja (nilai rata-rata 1-5)",
        "Diagram batang: nilai rata-rata dari pelapor per pokja; " + "; ".join(
            f"{r.pokja_name} {'-' if r.mean_rating is None else round(r.mean_rating, 1)}, "
            f"dibuka kembali {_percent(r.reopen_rate)}" for r in d.satisfaction) + ".",
        [(r.pokja_name, None if r.mean_rating is None else round(r.mean_rating, 1))
         for r in d.satisfaction], maximum=5, colour=charts.PALETTE[6])
    return [
        (received, ["Periode", *[CHANNEL_LABELS[c] for c in channels], "Jumlah"],
         received_rows),
        (category, ["Kategori", "Jumlah"], [[n, str(v)] for n, v in d.by_category]),
        (verify_chart, ["Pokja", "Diverifikasi tepat waktu", "%", "Dijawab tepat waktu", "%",
                        "Lewat batas verifikasi kini", "Lewat batas tindak lanjut kini"],
         sla_rows),
        (sla_chart, ["Pokja", "Dijawab tepat waktu", "%"],
         [[r[0], r[3], r[4]] for r in sla_rows]),
        (age, ["Umur", "Tiket terbuka"], [[label, str(n)] for label, n in d.backlog_age]),
        (status, ["Status", "Tiket terbuka"],
         [[STATUS_LABELS[s], str(n)] for s, n in d.backlog_status]),
        (medians, ["Tahap", "Median (waktu kerja)", "Jumlah tiket"],
         [[label, dashboard.working_time(v),
           str(d.median_samples.get(m, 0))]
          for (label, v), m in zip(med_rows, dashboard.MEASURES, strict=True)]),
        (satisfaction, ["Pokja", "Penilaian", "Rata-rata", "Jawaban", "Dibuka kembali",
                        "Tingkat dibuka kembali"], sat_rows),
    ]


# The monthly report's page writes its medians the same way.
bp.add_app_template_global(dashboard.working_time, "working_time")


def alarm_chart(scope: dashboard.Scope, tz: str) -> tuple[charts.Chart, list[str],
                                                          list[list[str]]]:
    """Early-warning alarms per kecamatan in the period; a kecamatan with a cluster (three
    or more calls within an hour) is named so, in the bar's label and the table."""
    def utc(day: date) -> datetime:
        local = datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))
        return local.astimezone(UTC).replace(tzinfo=None)

    start, end = utc(scope.date_from), utc(scope.date_to + timedelta(days=1))
    rows = event_alerts.by_kecamatan(db(), start, end)
    label = {r.kecamatan: r.kecamatan + (" (klaster)" if r.clusters else "") for r in rows}
    chart = charts.horizontal(
        "Peringatan dini menurut kecamatan",
        "Diagram batang: peringatan dini per kecamatan; " + ("; ".join(
            f"{label[r.kecamatan]} {r.alarms}" for r in rows) or "tidak ada") + ".",
        [(label[r.kecamatan], float(r.alarms)) for r in rows], colour=charts.PALETTE[2])
    return chart, ["Kecamatan", "Peringatan", "Dalam klaster"], [
        [r.kecamatan, str(r.alarms), str(r.clusters)] for r in rows]


@bp.get("/dasbor")
@roles(*dashboard.VIEWERS)
def dashboard_page() -> tuple[str, int]:
    tz = cfg().timezone
    today = to_local(utcnow(), tz).date()
    errors: dict[str, str] = {}
    try:
        scope = scope_from(request.args, today)
    except InvalidInput as exc:
        errors[exc.field] = exc.message
        scope = dashboard.Scope(*dashboard.preset_range("30hari", today))
    figures = dashboard.build(db(), user(), scope, tz=tz)
    args = {k: v for k, v in request.args.items() if v}
    pokjas = list(db().scalars(select(Pokja).order_by(Pokja.name)))
    if user().role is Role.POKJA:
        pokjas = [p for p in pokjas if p.id == user().pokja_id]
    return render_template(
        "agents/dashboard.html", d=figures, charts=build_charts(figures) + [alarm_chart(scope, tz)],
        errors=errors,
        chain=chain_counts(db(), user(), scope, tz=tz),
        by_source=received_by_source(db(), user(), scope, tz=tz, total=figures.total),
        args=args, presets=dashboard.PRESETS, channels=list(Channel),
        categories=list(db().scalars(select(Category).order_by(Category.name))),
        pokjas=pokjas, kecamatan=insights.kecamatan_choices(), desa=insights.desa_choices(),
        open_statuses=[s for s in Status if s in dashboard.OPEN],
    ), 422 if errors else 200
