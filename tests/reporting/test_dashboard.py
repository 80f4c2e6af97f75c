"""The dashboard's figures against a month worked out by hand (May 2026, Asia/Jakarta).

May 2026 holidays: Fri 1 (Labour Day), Thu 14 (Ascension), Wed 27 (Eid al-Adha); Mon
1 June is Pancasila Day. ``now`` is Mon 1 June 12:00 WIB.

T1 PUPR: received Fri 1 May 09:00 (a holiday); verified Wed 6 10:00 (due Wed 6: on time);
   answered Fri 15 08:00 (due Wed 13: late). Verify 58 working hours, answer 142.
T2 DINKES, by phone: received Mon 11 08:00; verified Fri 15 09:00 (due Fri 15, the 14th
   being a holiday: on time); answered Fri 22 15:00 (due Fri 22: on time), closed.
   Verify 73 h, answer 126 h.
T3 PUPR: received Fri 8 16:00; verified Fri 15 10:00 (due Wed 13: late); open, due Fri 22:
   overdue now. Verify 90 h; backlog age 13 working days.
T4 PUPR: received Mon 25 10:00; not verified (due Fri 29, the 27th skipped): overdue now;
   backlog age 3.
T5 PUPR: received Fri 29 10:00, rejected at 11:00: verified on time, 1 h.
T6 PUPR: received Thu 30 April (outside the range), forwarded Mon 4 May, open, due Mon 11:
   overdue now; backlog age 18.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from accounts.models import User
from reporting.dashboard import Scope, build
from reporting.medians import hours
from reporting.reports import summary
from tickets import sla
from tickets.errors import PermissionDenied
from tickets.lifecycle import SYSTEM
from tickets.models import Category, Channel, Pokja, Status, Ticket
from tickets.services import create_ticket
from tickets.sla import work_seconds

TZ = "Asia/Jakarta"
NOW = datetime(2026, 6, 1, 5, 0)  # 12:00 WIB
MAY = Scope(date(2026, 5, 1), date(2026, 5, 31))


def wib(day: int, hour: int, month: int = 5) -> datetime:
    """A local (WIB, UTC+7) time as the database stores it: naive UTC."""
    return datetime(2026, month, day, hour) - timedelta(hours=7)


def _ticket(db: Session, code: str, created: datetime, status: Status, *,
            channel: Channel = Channel.WALK_IN, verified: datetime | None = None,
            forwarded: datetime | None = None, answered: datetime | None = None) -> Ticket:
    category = db.scalars(select(Category).join(Pokja).where(Pokja.code == code)).one()
    t = create_ticket(db, channel=channel, actor=SYSTEM, tz=TZ, category=category,
                      description="uji")
    t.status = status
    t.created_at = created
    t.verify_due_at = sla.due_after(created, sla.VERIFY_DAYS, TZ)
    t.verified_at = verified
    t.forwarded_at = forwarded
    t.followup_due_at = sla.due_after(forwarded, sla.FOLLOWUP_DAYS, TZ) if forwarded else None
    t.answered_at = answered
    # What the lifecycle stamps at each step (tickets.lifecycle.transition).
    t.verify_work_seconds = work_seconds(created, verified, TZ) if verified else None
    t.forward_work_seconds = work_seconds(created, forwarded, TZ) if forwarded else None
    t.answer_work_seconds = (work_seconds(forwarded, answered, TZ)
                             if forwarded and answered else None)
    return t


@pytest.fixture
def may(db: Session) -> Session:
    _ticket(db, "PUPR", wib(1, 9), Status.ANSWERED, verified=wib(6, 10), forwarded=wib(6, 10),
            answered=wib(15, 8))
    _ticket(db, "DINKES", wib(11, 8), Status.CLOSED, channel=Channel.PHONE,
            verified=wib(15, 9), forwarded=wib(15, 9), answered=wib(22, 15))
    _ticket(db, "PUPR", wib(8, 16), Status.IN_PROGRESS, verified=wib(15, 10),
            forwarded=wib(15, 10))
    _ticket(db, "PUPR", wib(25, 10), Status.AWAITING_VERIFICATION)
    _ticket(db, "PUPR", wib(29, 10), Status.REJECTED, verified=wib(29, 11))
    _ticket(db, "PUPR", wib(30, 10, month=4), Status.FORWARDED, verified=wib(4, 10),
            forwarded=wib(4, 10))
    db.commit()
    return db


def _user(db: Session, username: str) -> User:
    return db.scalars(select(User).where(User.username == username)).one()


def test_the_deadlines_of_the_fixture_skip_weekends_and_holidays():
    assert sla.due_after(wib(11, 8), 3, TZ) == wib(15, 23) + timedelta(minutes=59, seconds=59)
    assert sla.due_after(wib(25, 10), 3, TZ) == wib(29, 23) + timedelta(minutes=59, seconds=59)


def test_it_counts_what_was_received_in_the_range_by_channel_and_category(may):
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    assert d.total == 5
    assert sum(d.received[Channel.WALK_IN]) == 4 and sum(d.received[Channel.PHONE]) == 1
    assert d.received[Channel.WALK_IN][0] == 1  # 1 May, received on a holiday
    assert dict(d.by_category) == {"Jalan dan jembatan": 4, "Layanan kesehatan": 1}


def test_sla_shares_per_pokja_count_working_days_with_holidays(may):
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    rows = {r.pokja.split(" (")[0]: r for r in d.sla}
    pupr, dinkes = rows["Pokja Infrastruktur"], rows["Pokja Kesehatan"]
    assert (pupr.verify_ok, pupr.verify_total) == (2, 4)
    assert (pupr.answer_ok, pupr.answer_total) == (0, 2)
    assert (pupr.verify_overdue_now, pupr.followup_overdue_now) == (1, 2)
    assert (dinkes.verify_ok, dinkes.verify_total, dinkes.answer_ok, dinkes.answer_total) == (
        1, 1, 1, 1)
    assert pupr.verify_share == 0.5 and dinkes.answer_share == 1.0


def test_backlog_by_age_and_status(may):
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    assert dict(d.backlog_age) == {"0-3 hari kerja": 1, "4-5 hari kerja": 0,
                                   "6-10 hari kerja": 0, "> 10 hari kerja": 2}
    status = dict(d.backlog_status)
    assert status[Status.AWAITING_VERIFICATION] == 1
    assert status[Status.IN_PROGRESS] == 1 and status[Status.FORWARDED] == 1


@pytest.mark.parametrize(("start", "end", "hours"), [
    (wib(1, 9), wib(6, 10), 58),     # from a holiday, over a weekend
    (wib(11, 8), wib(15, 9), 73),    # over Thursday 14, a holiday
    (wib(6, 10), wib(15, 8), 142),
    (wib(8, 16), wib(15, 10), 90),   # Friday evening, the weekend, the holiday
    (wib(29, 10), wib(29, 11), 1),
    (wib(29, 10), wib(1, 12, month=6), 14),  # Sat, Sun, then Pancasila Day: 14 h of Fri
])
def test_working_hours_skip_weekends_and_holidays(start, end, hours):
    assert work_seconds(start, end, TZ) == hours * 3600


def test_the_lifecycle_stamps_the_working_time_of_each_step(db):
    from tickets.lifecycle import transition

    category = db.scalars(select(Category)).first()
    t = create_ticket(db, channel=Channel.WALK_IN, actor=SYSTEM, tz=TZ, category=category)
    t.created_at = wib(8, 16)
    transition(db, t, Status.FORWARDED, SYSTEM, tz=TZ, now=wib(15, 10))
    transition(db, t, Status.ANSWERED, SYSTEM, tz=TZ, now=wib(15, 12))
    assert (t.verify_work_seconds, t.forward_work_seconds, t.answer_work_seconds) == (
        90 * 3600, 90 * 3600, 2 * 3600)
    assert t.verified_at == wib(15, 10)


def test_median_working_hours_skip_weekends_and_holidays(may):
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    assert d.medians == {"verify": 65.5, "forward": 73.0, "answer": 134.0}
    assert d.median_samples == {"verify": 4, "forward": 3, "answer": 2}


def test_the_figures_agree_with_sql_and_with_the_report_page(may):
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    start, end = wib(1, 0), wib(1, 0, month=6)
    assert d.total == may.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.created_at >= start, Ticket.created_at < end))
    assert d.total == may.execute(text(
        "SELECT count(*) FROM tickets WHERE created_at >= :a AND created_at < :b"),
        {"a": start, "b": end}).scalar()
    report = summary(may, _user(may, "supervisor"), now=NOW)
    assert d.verify_overdue_now == report.verify_overdue_count == 1
    assert d.followup_overdue_now == report.followup_overdue_count == 2


def test_a_filter_narrows_every_figure(may):
    d = build(may, _user(may, "supervisor"), Scope(MAY.date_from, MAY.date_to,
                                                   channel=Channel.PHONE), tz=TZ, now=NOW)
    assert d.total == 1 and [r.pokja.split(" (")[0] for r in d.sla] == ["Pokja Kesehatan"]


def test_a_pokja_sees_only_its_own_pokja_whatever_it_asks(may):
    dinkes = may.scalars(select(Pokja).where(Pokja.code == "DINKES")).one()
    asked = Scope(MAY.date_from, MAY.date_to, pokja_id=None)
    d = build(may, _user(may, "pokja"), asked, tz=TZ, now=NOW)
    # PUPR sees what was forwarded to it (T1, T3; not T4 at the desk nor T5 rejected).
    assert d.total == 2 and {r.pokja.split(" (")[0] for r in d.sla} == {"Pokja Infrastruktur"}
    other = build(may, _user(may, "pokja"), Scope(MAY.date_from, MAY.date_to,
                                                  pokja_id=dinkes.id), tz=TZ, now=NOW)
    assert other.total == 2


def test_an_operator_has_no_dashboard(may):
    with pytest.raises(PermissionDenied):
        build(may, _user(may, "operator"), MAY, tz=TZ, now=NOW)


def _same_figures(a, b) -> None:
    from dataclasses import fields

    for f in fields(a):
        assert getattr(a, f.name) == getattr(b, f.name), f.name


def test_the_figures_follow_every_change_and_reading_them_writes_nothing(may):
    """Days changed since the summary stored them are summed live from their tickets:
    the figures are fresh, no statement writes (a dashboard view is a GET), the marks
    stay for the hourly refresh, which then stores the very same figures."""
    from reporting.rollup import refresh_marked
    from tests.writes import writes
    from tickets.models import DashboardDirty

    def marks() -> int:
        return may.scalar(select(func.count()).select_from(DashboardDirty).where(
            DashboardDirty.day >= date(2026, 4, 30),
            DashboardDirty.day <= date(2026, 6, 1))) or 0

    supervisor = _user(may, "supervisor")
    assert marks() > 0  # the fixture's tickets, never summarised yet
    with writes(may.get_bind()) as written:
        live = build(may, supervisor, MAY, tz=TZ, now=NOW)
    assert written == [] and marks() > 0 and live.total == 5
    assert refresh_marked(may, tz=TZ) > 0
    may.commit()
    assert marks() == 0
    _same_figures(build(may, supervisor, MAY, tz=TZ, now=NOW), live)

    other = may.scalars(select(Category).where(Category.name == "Lainnya")).one()
    ticket = may.scalars(select(Ticket).where(Ticket.status == Status.REJECTED)).one()
    ticket.category = other
    may.commit()
    assert marks() > 0
    with writes(may.get_bind()) as written:
        after = build(may, supervisor, MAY, tz=TZ, now=NOW)
    assert written == []
    assert dict(after.by_category) == {"Jalan dan jembatan": 3, "Layanan kesehatan": 1,
                                       "Lainnya": 1}
    assert after.total == live.total == 5
    # A pokja's scope and a filter read the marked days live too.
    pupr = build(may, _user(may, "pokja"), MAY, tz=TZ, now=NOW)
    walk_in = build(may, supervisor, Scope(MAY.date_from, MAY.date_to,
                                           channel=Channel.WALK_IN), tz=TZ, now=NOW)
    refresh_marked(may, tz=TZ)
    may.commit()
    _same_figures(build(may, supervisor, MAY, tz=TZ, now=NOW), after)
    _same_figures(build(may, _user(may, "pokja"), MAY, tz=TZ, now=NOW), pupr)
    _same_figures(build(may, supervisor, Scope(MAY.date_from, MAY.date_to,
                                               channel=Channel.WALK_IN), tz=TZ, now=NOW),
                  walk_in)


def test_a_bulk_import_is_summarised_by_refresh_all(may):
    from reporting.rollup import refresh_all
    from tickets.models import DashboardDay

    supervisor = _user(may, "supervisor")
    expected = build(may, supervisor, MAY, tz=TZ, now=NOW)
    may.execute(DashboardDay.__table__.delete())
    assert refresh_all(may, tz=TZ) > 0
    again = build(may, supervisor, MAY, tz=TZ, now=NOW)
    assert (again.total, again.by_category, again.medians) == (
        expected.total, expected.by_category, expected.medians)


def test_medians_are_exact_over_many_spans_and_agree_with_plain_sql(may):
    """Medians are exact as shown (half up to a tenth of an hour; reporting.medians):
    an even count averages the middle two, as ``statistics.median`` and PostgreSQL's
    percentile_cont do over the tickets table;
    the dashboard's PostgreSQL settings (sort memory, custom plans) end with it."""
    import random
    import statistics

    category = may.scalars(select(Category).join(Pokja).where(Pokja.code == "PUPR")).first()
    rng = random.Random(12)
    for i in range(41):
        t = create_ticket(may, channel=Channel.WEB, actor=SYSTEM, tz=TZ, category=category)
        t.created_at = wib(18 + i % 5, 9)
        t.verify_work_seconds = rng.randrange(0, 400 * 3600)
        t.forward_work_seconds = rng.randrange(0, 400 * 3600) if i % 2 == 0 else None
    may.commit()
    dialect = may.get_bind().dialect.name
    settings = "SELECT current_setting('work_mem') || ' ' || current_setting('plan_cache_mode')"
    before = may.scalar(text(settings)) if dialect == "postgresql" else None
    d = build(may, _user(may, "supervisor"), MAY, tz=TZ, now=NOW)
    start, end = wib(1, 0), wib(1, 0, month=6)
    for measure, column in (("verify", "verify_work_seconds"),
                            ("forward", "forward_work_seconds")):
        where = f"created_at >= :a AND created_at < :b AND {column} IS NOT NULL"
        values = may.scalars(text(f"SELECT {column} FROM tickets WHERE {where}"),
                             {"a": start, "b": end}).all()
        assert d.median_samples[measure] == len(values)
        assert d.medians[measure] == hours(statistics.median(values))
        if dialect == "postgresql":
            plain = may.scalar(text(
                f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {column}) "
                f"FROM tickets WHERE {where}"), {"a": start, "b": end})
            assert d.medians[measure] == hours(plain)
    assert d.median_samples["verify"] % 2 == 1 and d.median_samples["forward"] % 2 == 0
    if dialect == "postgresql":
        assert may.scalar(text(settings)) == before


def test_a_condition_from_the_edge_is_summed_live_and_agrees_with_the_summary(may):
    """Scope.where (a kecamatan, from analytics) is not in the summary table: the figures
    are then summed live from the tickets, and agree with the summary's exactly."""
    from dataclasses import fields

    supervisor = _user(may, "supervisor")
    summed = build(may, supervisor, MAY, tz=TZ, now=NOW)
    live = build(may, supervisor, Scope(MAY.date_from, MAY.date_to,
                                        where=(Ticket.id.is_not(None),)), tz=TZ, now=NOW)
    for f in fields(summed):
        if f.name != "scope":
            assert getattr(live, f.name) == getattr(summed, f.name), f.name
    assert live.total == 5 and live.medians == {"verify": 65.5, "forward": 73.0,
                                                "answer": 134.0}


def test_a_condition_narrows_every_figure_and_keeps_the_other_filters(may):
    supervisor = _user(may, "supervisor")
    t2, t3 = (may.scalars(select(Ticket).where(Ticket.created_at == at)).one()
              for at in (wib(11, 8), wib(8, 16)))
    only = (Ticket.id.in_([t2.id, t3.id]),)
    d = build(may, supervisor, Scope(MAY.date_from, MAY.date_to, where=only), tz=TZ, now=NOW)
    assert d.total == 2 and sum(d.received[Channel.PHONE]) == 1
    assert dict(d.by_category) == {"Jalan dan jembatan": 1, "Layanan kesehatan": 1}
    assert d.medians == {"verify": 81.5, "forward": 81.5, "answer": 126.0}
    assert d.verify_overdue_now == 0 and d.followup_overdue_now == 1  # T3
    assert dict(d.backlog_status).get(Status.IN_PROGRESS) == 1
    phone = build(may, supervisor, Scope(MAY.date_from, MAY.date_to, channel=Channel.PHONE,
                                         where=only), tz=TZ, now=NOW)
    assert phone.total == 1 and [r.pokja.split(" (")[0] for r in phone.sla] == [
        "Pokja Kesehatan"]
    # A pokja's own scope still applies: PUPR sees T3, not DINKES's T2.
    pupr = build(may, _user(may, "pokja"), Scope(MAY.date_from, MAY.date_to, where=only),
                 tz=TZ, now=NOW)
    assert pupr.total == 1
