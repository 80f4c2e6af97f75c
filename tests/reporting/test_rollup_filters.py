"""Every dashboard filter read from the summary tables gives what the live sums over the
tickets give (both backends): channel, category, pokja, kecamatan, desa and their
combinations, a pokja's own scope, before and after the refresh of changed days, and a
ticket's place moved (its mark refreshes the place summary)."""

from __future__ import annotations

import random
from dataclasses import fields, replace
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from analytics.demo import seed_places
from analytics.models import Place, PlaceKind, TicketPlace
from reporting.dashboard import Dashboard, Scope, build, filters_for, range_condition
from reporting.models import (
    DashboardChange,
    DashboardPlaceDay,
    DashboardSpanDay,
    DashboardSpanMonth,
)
from reporting.monthly import build_monthly
from reporting.rollup import refresh_marked
from reporting.sources import received_by_source
from tests.reporting.test_dashboard import MAY, NOW, TZ, _ticket, _user, may, wib  # noqa: F401
from tickets.models import Category, Channel, DashboardDirty, Pokja, Status, Ticket
from tickets.sla import local_day
from tickets.sources import Source, TicketSource

LIVE = (Ticket.id.is_not(None),)  # a condition the summaries do not know: summed live
POKJA_SCOPES = ("none", "kecamatan", "desa+category")
STATUSES = (Status.CLOSED, Status.ANSWERED, Status.REJECTED, Status.IN_PROGRESS,
            Status.FORWARDED, Status.AWAITING_VERIFICATION)


@pytest.fixture
def placed(may: Session) -> Session:  # noqa: F811
    """The hand-worked May plus 80 tickets over the month in every channel, category and
    status; most placed in a desa or only a kecamatan of the demo gazetteer."""
    seed_places(may)
    desas = may.scalars(select(Place).where(Place.kind == PlaceKind.DESA)
                        .order_by(Place.id)).all()[:6]
    codes = may.scalars(select(Pokja.code).order_by(Pokja.id)).all()
    rng = random.Random(23)
    tickets = may.scalars(select(Ticket)).all()
    for i in range(80):
        day, hour = 1 + i % 30, 1 + (i * 7) % 22
        status = STATUSES[i % len(STATUSES)]
        decided = status is not Status.AWAITING_VERIFICATION
        forwarded = status not in (Status.REJECTED, Status.AWAITING_VERIFICATION)
        answered = status in (Status.CLOSED, Status.ANSWERED)
        verified_at = wib(min(day + 2, 31), 10) if decided else None
        t = _ticket(may, codes[i % len(codes)], wib(day, hour), status,
                    channel=list(Channel)[i % len(Channel)], verified=verified_at,
                    forwarded=verified_at if forwarded else None,
                    answered=wib(min(day + rng.randrange(3, 12), 31), 15)
                    if answered and day < 28 else None)
        tickets.append(t)
    may.flush()
    for i, t in enumerate(tickets):
        if i % 5 == 4:
            continue  # not placed
        desa = desas[i % len(desas)]
        may.add(TicketPlace(ticket_id=t.id, kecamatan_id=desa.parent_id,
                            desa_id=None if i % 4 == 0 else desa.id, source="otomatis"))
    may.commit()
    return may


def _scopes(db: Session) -> list[tuple[str, Scope]]:
    desa = db.scalars(select(TicketPlace.desa_id).where(TicketPlace.desa_id.is_not(None))
                      .order_by(TicketPlace.desa_id)).first()
    kec = db.get(Place, desa).parent_id  # type: ignore[union-attr]
    other_kec = db.scalar(select(Place.id).where(Place.kind == PlaceKind.KECAMATAN,
                                                 Place.id != kec).order_by(Place.id))
    category = db.scalars(select(Category.id).order_by(Category.id)).first()
    pokja = db.scalars(select(Pokja.id).order_by(Pokja.id)).first()
    base = MAY
    return [
        ("none", base),
        ("channel", replace(base, channel=Channel.PHONE)),
        ("category", replace(base, category_id=category)),
        ("pokja", replace(base, pokja_id=pokja)),
        ("kecamatan", replace(base, kecamatan_id=kec)),
        ("desa", replace(base, desa_id=desa)),
        ("kecamatan+desa", replace(base, kecamatan_id=kec, desa_id=desa)),
        ("desa of another kecamatan", replace(base, kecamatan_id=other_kec, desa_id=desa)),
        ("kecamatan+channel", replace(base, kecamatan_id=kec, channel=Channel.WALK_IN)),
        ("desa+category", replace(base, desa_id=desa, category_id=category)),
        ("pokja+kecamatan+channel", replace(base, pokja_id=pokja, kecamatan_id=kec,
                                            channel=Channel.WEB)),
        ("channel+category+pokja", replace(base, channel=Channel.SMS_WA, category_id=category,
                                           pokja_id=pokja)),
        ("a week", replace(base, date_from=wib(10, 0).date(), date_to=wib(16, 0).date(),
                           kecamatan_id=kec)),
        # No filter, days outside a whole month: the days' own bins (dashboard_span_days).
        ("a week unfiltered", replace(base, date_from=wib(10, 0).date(),
                                      date_to=wib(16, 0).date())),
    ]


def _same(summed: Dashboard, live: Dashboard, name: str) -> None:
    for f in fields(summed):
        if f.name != "scope":
            assert getattr(summed, f.name) == getattr(live, f.name), (name, f.name)


def _check_every_filter(db: Session) -> int:
    """Every scope, as the supervisor and as a pokja, from the summaries and live; the
    number of tickets the figures counted (so a test sees they were not all empty)."""
    counted = 0
    for username in ("supervisor", "pokja"):
        user = _user(db, username)
        for name, scope in _scopes(db):
            if username == "pokja" and name not in POKJA_SCOPES:
                continue  # its own scope narrows the same code path: a few suffice
            summed = build(db, user, scope, tz=TZ, now=NOW)
            live = build(db, user, replace(scope, where=LIVE), tz=TZ, now=NOW)
            _same(summed, live, f"{username}: {name}")
            counted += summed.total
    return counted


def test_every_filter_from_the_stored_summaries_equals_the_live_sums(placed):
    refresh_marked(placed, tz=TZ)
    placed.commit()
    assert placed.scalar(select(func.count()).select_from(DashboardDirty)) == 0
    assert placed.scalar(select(func.count()).select_from(DashboardPlaceDay)) > 0
    assert _check_every_filter(placed) > 100


def test_every_filter_with_changed_days_not_yet_refreshed_equals_the_live_sums(placed):
    refresh_marked(placed, tz=TZ)
    placed.commit()
    # Changes after the refresh: a ticket moved to another desa, one unplaced, one placed,
    # one answered; their days are marked and read live until the next refresh.
    places = placed.scalars(select(TicketPlace).order_by(TicketPlace.ticket_id)).all()
    other = placed.scalars(select(Place).where(Place.kind == PlaceKind.DESA)
                           .order_by(Place.id.desc())).first()
    assert other is not None
    places[0].kecamatan_id, places[0].desa_id = other.parent_id, other.id
    placed.delete(places[1])
    first_desa = placed.scalar(select(TicketPlace.desa_id).where(
        TicketPlace.desa_id.is_not(None)).order_by(TicketPlace.desa_id))
    unplaced = placed.scalars(select(Ticket).where(
        Ticket.id.not_in(select(TicketPlace.ticket_id))).order_by(Ticket.id)).first()
    assert unplaced is not None and first_desa is not None
    placed.add(TicketPlace(ticket_id=unplaced.id, desa_id=first_desa,
                           kecamatan_id=placed.get(Place, first_desa).parent_id,  # type: ignore[union-attr]
                           source="operator"))
    placed.commit()
    assert placed.scalar(select(func.count()).select_from(DashboardDirty)) > 0
    before = _check_every_filter(placed)
    refresh_marked(placed, tz=TZ)
    placed.commit()
    assert placed.scalar(select(func.count()).select_from(DashboardDirty)) == 0
    assert _check_every_filter(placed) == before


def test_a_place_change_alone_marks_the_tickets_received_day(placed):
    refresh_marked(placed, tz=TZ)
    placed.commit()
    tp = placed.scalars(select(TicketPlace).order_by(TicketPlace.ticket_id)).first()
    assert tp is not None
    received = local_day(placed.get(Ticket, tp.ticket_id).created_at,  # type: ignore[union-attr]
                         TZ)
    tp.desa_id = None
    placed.commit()
    assert placed.scalars(select(DashboardDirty.day)).all() == [received]


def test_the_monthly_report_from_the_summary_equals_a_count_of_the_tickets(placed):
    refresh_marked(placed, tz=TZ)
    placed.commit()
    report = build_monthly(placed, _user(placed, "supervisor"), MAY.date_from, tz=TZ,
                           agency="Uji", now=NOW)
    in_may = range_condition(MAY, TZ)
    names = dict(placed.execute(select(Category.id, Category.name)).all())
    live = {names.get(cid, "(tanpa kategori)"): int(n) for cid, n in placed.execute(
        select(Ticket.category_id, func.count()).where(in_may).group_by(Ticket.category_id))}
    assert {r.name: r.received for r in report.by_category} == live
    rejected = placed.scalar(select(func.count()).where(
        in_may, Ticket.status == Status.REJECTED))
    assert sum(r.rejected for r in report.by_category) == rejected
    per_pokja = dict(placed.execute(select(Ticket.pokja_id, func.count()).where(in_may)
                                    .group_by(Ticket.pokja_id)).all())
    names_pokja = dict(placed.execute(select(Pokja.name, Pokja.id)).all())
    for row, n in report.by_pokja:
        assert n == per_pokja.get(names_pokja.get(row.pokja), 0), row.pokja


def test_sources_from_the_dashboards_total_equal_the_count_over_the_tickets(placed):
    t = placed.scalars(select(Ticket).where(range_condition(MAY, TZ)).order_by(Ticket.id)).first()
    assert t is not None
    placed.add(TicketSource(ticket_id=t.id, kind=list(Source)[0]))
    placed.commit()
    supervisor = _user(placed, "supervisor")
    for _, scope in _scopes(placed):
        total = build(placed, supervisor, scope, tz=TZ, now=NOW).total
        assert received_by_source(placed, supervisor, scope, tz=TZ, total=total) == \
            received_by_source(placed, supervisor, scope, tz=TZ)



def test_medians_from_the_month_bins_equal_the_exact_medians_of_every_filter(placed):
    """Whole months read their bins (per single filter); the figure equals the exact
    median of the tickets' spans, rounded half up to a tenth of an hour."""
    import statistics

    from reporting.medians import hours

    refresh_marked(placed, tz=TZ)
    placed.commit()
    assert placed.scalar(select(func.count()).select_from(DashboardSpanMonth)) > 0
    assert placed.scalar(select(func.count()).select_from(DashboardSpanDay)) > 0
    supervisor = _user(placed, "supervisor")
    for name, scope in _scopes(placed):
        d = build(placed, supervisor, scope, tz=TZ, now=NOW)
        for measure in ("verify", "forward", "answer"):
            column = getattr(Ticket, f"{measure}_work_seconds")
            values = placed.scalars(select(column).where(
                range_condition(scope, TZ), *filters_for(supervisor, scope),
                column.is_not(None))).all()
            expected = hours(statistics.median(values)) if values else None
            assert (d.medians[measure], d.median_samples[measure]) == (
                expected, len(values)), (name, measure)


def test_the_median_of_bins_is_exact_at_the_bins_edges():
    from reporting.medians import add_spans, median

    for spans, shown in (([179, 181], 0.1), ([0, 359], 0.0), ([100, 900], 0.1),
                         ([540], 0.2), ([180], 0.1), ([1, 2, 3600 * 7 + 180], 0.0),
                         ([3600, 3600 + 359, 3600 + 361, 9000], 1.1)):
        bins: dict[int, list[int]] = {}
        add_spans(bins, spans)
        assert median(bins) == (shown, len(spans)), spans


@pytest.mark.parametrize("days", [(3, 4, 5, 6), (3, 4, 9, 17), (12,)])
def test_marked_days_in_a_run_or_with_gaps_are_summed_once(placed, days):
    """A run of marked days is read as one range of received times, days with gaps
    through the list of days as well: either way each marked day's tickets count once."""
    refresh_marked(placed, tz=TZ)
    placed.add_all(DashboardDirty(day=wib(d, 12).date()) for d in days)
    placed.commit()
    assert _check_every_filter(placed) > 100


def test_an_earlier_months_ticket_changed_since_the_refresh_counts_in_mays_backlog(placed):
    """The backlog reads every marked day, not only the range's: a ticket received in
    April and answered after the refresh leaves May's backlog at once, as it would live."""
    codes = placed.scalars(select(Pokja.code).order_by(Pokja.id)).all()
    april = _ticket(placed, codes[0], wib(20, 9, month=4), Status.IN_PROGRESS,
                    verified=wib(21, 9, month=4), forwarded=wib(21, 9, month=4))
    placed.commit()
    refresh_marked(placed, tz=TZ)
    placed.commit()
    supervisor = _user(placed, "supervisor")
    before = dict(build(placed, supervisor, MAY, tz=TZ, now=NOW).backlog_status)
    april.status = Status.ANSWERED
    placed.commit()
    assert placed.scalars(select(DashboardDirty.day)).all() == [date(2026, 4, 20)]
    after = dict(build(placed, supervisor, MAY, tz=TZ, now=NOW).backlog_status)
    assert after[Status.IN_PROGRESS] == before[Status.IN_PROGRESS] - 1
    assert _check_every_filter(placed) > 100


def _other_category(db: Session, ticket: Ticket) -> Category:
    return db.scalars(select(Category).where(Category.id != ticket.category_id,
                                             Category.pokja_id.is_not(None))
                      .order_by(Category.id)).first()  # type: ignore[return-value]


def test_every_kind_of_change_between_refreshes_corrects_the_stored_rows_exactly(placed):
    """The tickets changed since the refresh correct the stored rows (what the summaries
    stored of them taken back, the tickets as they stand added), no day is summed whole:
    a ticket decided, then changed again in the same transaction after a flush and in a
    later one; answered; moved to another category and pokja (its spans leave the
    category's figures); to another channel; received on another day (out of the range);
    a new ticket. Every filter equals the live sums, before and after the refresh."""
    refresh_marked(placed, tz=TZ)
    placed.commit()
    in_may = placed.scalars(select(Ticket).where(range_condition(MAY, TZ))
                            .order_by(Ticket.id)).all()

    def of(*statuses: Status) -> list[Ticket]:
        return [t for t in in_may if t.status in statuses]

    decided = of(Status.AWAITING_VERIFICATION)[0]
    answered = of(Status.FORWARDED, Status.IN_PROGRESS)[1]
    moved, rechannelled, redated = of(Status.CLOSED)[:3]
    decided.status = Status.FORWARDED
    decided.verified_at = decided.forwarded_at = wib(30, 9)
    decided.verify_work_seconds = decided.forward_work_seconds = 7 * 3600 + 11
    placed.flush()
    decided.status = Status.IN_PROGRESS
    answered.status = Status.ANSWERED
    answered.answered_at = wib(30, 12)
    answered.answer_work_seconds = 5 * 3600 + 7
    target = _other_category(placed, moved)
    moved.category_id, moved.pokja_id = target.id, target.pokja_id
    rechannelled.channel = (Channel.WEB if rechannelled.channel is not Channel.WEB
                            else Channel.PHONE)
    redated.created_at = wib(20, 9, month=4)
    placed.commit()
    codes = placed.scalars(select(Pokja.code).order_by(Pokja.id)).all()
    _ticket(placed, codes[1], wib(30, 11), Status.AWAITING_VERIFICATION)
    placed.commit()
    decided.status = Status.ANSWERED
    decided.answered_at = wib(31, 9)
    decided.answer_work_seconds = 3600
    placed.commit()

    assert placed.scalar(select(func.count()).select_from(DashboardChange)) >= 7
    assert placed.scalar(select(func.count()).select_from(DashboardDirty)
                         .where(DashboardDirty.captured.is_(False))) == 0
    before = _check_every_filter(placed)
    assert before > 100
    refresh_marked(placed, tz=TZ)
    placed.commit()
    assert placed.scalar(select(func.count()).select_from(DashboardChange)) == 0
    assert _check_every_filter(placed) == before


def test_a_rolled_back_change_leaves_no_correction(placed):
    refresh_marked(placed, tz=TZ)
    placed.commit()
    ticket = placed.scalars(select(Ticket).order_by(Ticket.id)).first()
    assert ticket is not None
    ticket.channel = Channel.WEB if ticket.channel is not Channel.WEB else Channel.PHONE
    placed.flush()
    assert placed.scalar(select(func.count()).select_from(DashboardChange)) == 1
    placed.rollback()
    assert placed.scalar(select(func.count()).select_from(DashboardChange)) == 0
    assert _check_every_filter(placed) > 100


def _changes_and_marks(db: Session) -> tuple[int, set[date]]:
    return (db.scalar(select(func.count()).select_from(DashboardChange)) or 0,
            set(db.scalars(select(DashboardDirty.day))))


def test_only_a_write_the_summaries_read_captures_the_ticket(placed):
    """A write the summaries do not read (priority, a note's ticket, the transcript) captures
    and marks nothing; a status change, or a category set through the relationship,
    captures the ticket and marks its day."""
    refresh_marked(placed, tz=TZ)
    placed.commit()
    ticket = placed.scalars(select(Ticket).where(range_condition(MAY, TZ),
                                                 Ticket.status == Status.FORWARDED)
                            .order_by(Ticket.id)).first()
    assert ticket is not None
    ticket.priority = 1 if ticket.priority != 1 else 3
    placed.commit()
    assert _changes_and_marks(placed) == (0, set())
    ticket.status = Status.IN_PROGRESS
    placed.commit()
    assert _changes_and_marks(placed) == (1, {local_day(ticket.created_at, TZ)})
    refresh_marked(placed, tz=TZ)
    placed.commit()
    ticket.category = placed.get(Category, _other_category(placed, ticket).id)
    placed.commit()
    assert _changes_and_marks(placed)[0] == 1
    assert _check_every_filter(placed) > 100


def test_a_received_time_moved_without_its_old_value_loaded_marks_the_stored_day(placed):
    """The day a ticket was stored on is marked from what the capture read, so moving
    its received time marks the old day even when the old value was never loaded."""
    refresh_marked(placed, tz=TZ)
    placed.commit()
    ticket = placed.scalars(select(Ticket).where(range_condition(MAY, TZ))
                            .order_by(Ticket.id)).first()
    assert ticket is not None
    old = local_day(ticket.created_at, TZ)
    placed.expire(ticket, ["created_at"])
    ticket.created_at = wib(20, 9, month=4)
    placed.commit()
    assert _changes_and_marks(placed)[1] == {old, date(2026, 4, 20)}
    assert _check_every_filter(placed) > 100


def test_capturing_a_change_does_not_wait_for_a_row_added_beside_the_ticket(placed):
    """Another transaction adding a ticket's event holds FOR KEY SHARE on the ticket until
    it commits; the capture locks as the flush's own UPDATE does (FOR NO KEY UPDATE), so
    a desk changing the ticket meanwhile does not wait for it (PostgreSQL's row locks)."""
    if placed.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks")
    ticket = placed.scalars(select(Ticket).where(Ticket.status == Status.FORWARDED)
                            .order_by(Ticket.id)).first()
    assert ticket is not None
    placed.commit()
    with placed.get_bind().connect() as other:
        other.execute(text("INSERT INTO ticket_events (ticket_id, at, actor_label, kind, "
                           "internal) VALUES (:t, now(), 'sistem', 'note', false)"),
                      {"t": ticket.id})
        placed.execute(text("SET LOCAL lock_timeout = '2s'"))
        ticket.status = Status.IN_PROGRESS
        placed.flush()  # LockNotAvailable after 2 s if the capture waited
        other.rollback()
    placed.commit()
    assert _changes_and_marks(placed)[0] >= 1


def test_a_median_on_a_bin_edge_a_change_took_away_sums_the_changed_days(placed,
                                                                        monkeypatch):
    """When the bins cannot tell a median (a span taken back was the edge it needs), the
    changed tickets' days are summed live instead: the same exact figures."""
    from reporting import medians

    refresh_marked(placed, tz=TZ)
    placed.commit()
    moved = placed.scalars(select(Ticket).where(
        range_condition(MAY, TZ), Ticket.verify_work_seconds.is_not(None))
        .order_by(Ticket.id)).first()
    assert moved is not None
    target = _other_category(placed, moved)
    moved.category_id, moved.pokja_id = target.id, target.pokja_id
    placed.commit()
    real = medians.median
    refused: list[object] = []

    def unsure_once(bins: medians.Bins, doubtful: frozenset[int] | set[int] = frozenset()
                    ) -> tuple[float | None, int]:
        if not refused:
            refused.append(bins)
            raise medians.Inexact("as if a taken span had been the edge")
        return real(bins, doubtful)

    monkeypatch.setattr(medians, "median", unsure_once)
    supervisor = _user(placed, "supervisor")
    scope = replace(MAY, category_id=target.id)
    _same(build(placed, supervisor, scope, tz=TZ, now=NOW),
          build(placed, supervisor, replace(scope, where=LIVE), tz=TZ, now=NOW), "fallback")
    assert refused


def test_bins_know_when_a_span_taken_away_was_the_edge_a_median_needs():
    from reporting.medians import Inexact, add_spans, median, remove_spans

    bins: dict[int, list[int]] = {}
    add_spans(bins, [3600, 3700, 7200, 7300])
    doubtful: set[int] = set()
    remove_spans(bins, [3650 + 50], doubtful)  # 3700: the largest of its bin
    assert median(bins) == (2.0, 3)             # the middle one alone: exact
    remove_spans(bins, [7300], doubtful)        # now the middle two straddle two bins
    with pytest.raises(Inexact):
        median(bins, doubtful)
    bins, doubtful = {}, set()
    add_spans(bins, [3600, 3620, 3700, 7200])
    remove_spans(bins, [3620], doubtful)        # inside its bin: the edges stand
    assert median(bins, doubtful) == (1.0, 3)
    with pytest.raises(Inexact):
        remove_spans({}, [60], set())           # never binned: the bins are not these


def test_a_change_committed_while_the_refresh_runs_keeps_its_correction(placed, monkeypatch):
    """The refresh reads one snapshot and removes exactly the changes it read: a ticket
    changed and committed by another transaction in the middle of it keeps its change
    row, and the figures stay exact (PostgreSQL; SQLite lets no writer in meanwhile)."""
    if placed.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: nothing commits while a refresh runs")
    from reporting import rollup

    refresh_marked(placed, tz=TZ)
    placed.commit()
    ticket = placed.scalars(select(Ticket).where(range_condition(MAY, TZ),
                                                 Ticket.status == Status.CLOSED)
                            .order_by(Ticket.id)).first()
    assert ticket is not None
    ticket.channel = Channel.WEB if ticket.channel is not Channel.WEB else Channel.PHONE
    placed.commit()
    ticket_id, maker = ticket.id, placed.get_bind()
    real = rollup.received_on

    def meanwhile(days: list[date], tz: str, dialect: str) -> object:
        # After the refresh read the marks and changes, before it sums the tickets.
        with Session(maker) as other:
            # What the app's tracked sessions do on a flush (reporting.rollup.track):
            # capture first, then write.
            t = other.get(Ticket, ticket_id)
            assert t is not None
            rollup.capture(other, [ticket_id], TZ)
            t.status = Status.REOPENED
            other.add(DashboardDirty(day=local_day(t.created_at, TZ), captured=True))
            other.commit()
        return real(days, tz, dialect)

    monkeypatch.setattr(rollup, "received_on", meanwhile)
    assert refresh_marked(placed, tz=TZ) > 0
    placed.commit()
    monkeypatch.undo()
    placed.expire_all()
    assert placed.scalar(select(func.count()).select_from(DashboardChange)
                         .where(DashboardChange.ticket_id == ticket_id)) == 1
    assert _check_every_filter(placed) > 100
