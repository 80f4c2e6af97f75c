"""The event model in the alert path: keyword groups as override, clusters of calls about
one kecamatan, the desk's one-click verdicts, and a retrained model that waits with its
held-out figures for the admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analytics import event_alerts
from analytics.models import EventAlert, EventModelRow, KeywordGroup, Severity
from notify.models import OutboxMessage
from tests.agents.conftest import Agent, sign_in, user_named
from tests.analytics.conftest import ticket_of


def signed_in(app, username: str) -> Agent:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, username)
    return Agent(client, username)


def event_of(db, number: str) -> EventAlert | None:  # type: ignore[no-untyped-def]
    return db.scalar(select(EventAlert).where(EventAlert.ticket_id == ticket_of(db, number).id))


def test_a_never_alarm_group_silences_the_model(db, phoned):
    db.add(KeywordGroup(name="latihan", words="simulasi damkar", severity=Severity.LOW,
                        mode="tidak", channels="email"))
    db.commit()
    number = phoned("Ada api besar di gudang pasar, simulasi damkar sedang berlangsung")
    assert event_of(db, number) is None


def test_the_third_call_about_one_kecamatan_within_the_hour_is_a_cluster(app, db, phoned):
    texts = ["Air sungai masuk ke rumah warga di Wonomulyo, sudah selutut",
             "Di Wonomulyo air makin tinggi, jalan sudah tergenang",
             "Rumah kami di Wonomulyo kemasukan air, hujan belum berhenti"]
    numbers = [phoned(t, phone=f"+62812000011{i}") for i, t in enumerate(texts)]
    events = [event_of(db, n) for n in numbers]
    assert all(e is not None and e.kind == "banjir" for e in events)
    assert [e.cluster for e in events] == [0, 1, 2]
    assert events[2].severity == event_alerts._raised(
        event_alerts.SEVERITY_OF[events[2].model_severity])
    page = signed_in(app, "supervisor").get("/console/dasbor").get_data(as_text=True)
    assert "Peringatan dini menurut kecamatan" in page and "Wonomulyo (klaster)" in page


def test_the_operator_confirms_dismisses_or_flags_a_missed_alarm_in_one_click(
        app, db, phoned):
    operator = signed_in(app, "operator")
    fire = phoned("Tolong, api sudah merambat ke rumah sebelah di desa Lapeo")
    page = operator.get(f"/console/tiket/{fire}").get_data(as_text=True)
    assert 'id="event-alarm"' in page and "keyakinan" in page and "Benar terjadi" in page
    response = operator.post(f"/console/tiket/{fire}/deteksi-dini", {"verdict": "salah"})
    assert response.status_code == 302
    response = operator.post(f"/console/tiket/{fire}/deteksi-dini", {"verdict": "benar"})
    db.expire_all()
    assert event_of(db, fire).verdict == "benar"
    assert event_of(db, fire).verdict_by_id == user_named(db, "operator").id

    quiet = phoned("jalan di depan rumah saya berlubang", phone="+6281200000999")
    page = operator.get(f"/console/tiket/{quiet}").get_data(as_text=True)
    assert 'id="event-missed"' in page
    response = operator.post(f"/console/tiket/{quiet}/deteksi-dini",
                             {"verdict": "terlewat", "kind": "gempa"})
    assert response.status_code == 302  # refused with the reason, nothing stored
    assert event_of(db, quiet) is None
    operator.post(f"/console/tiket/{quiet}/deteksi-dini",
                  {"verdict": "terlewat", "kind": "bangunan_runtuh"})
    db.expire_all()
    missed = event_of(db, quiet)
    assert (missed.alarm, missed.kind, missed.verdict) == (False, "bangunan_runtuh", "terlewat")
    assert "berlubang" in missed.text
    examples = event_alerts.desk_examples(db)
    assert {(e.kind, e.text[:6]) for e in examples} == {
        ("kebakaran", "Tolong"), ("bangunan_runtuh", "jalan ")}


def test_a_dismissed_alarm_becomes_a_mention_to_learn_from(db, phoned, runtime):
    number = phoned("Api sedang membakar gudang kopra di pelabuhan")
    with runtime.transaction() as session:
        ticket = ticket_of(session, number)
        event_alerts.record_verdict(session, user_named(session, "operator"), ticket,
                                    "salah")
    (example,) = event_alerts.desk_examples(db)
    assert not example.alarm and example.note == "sebut"


def test_only_the_desk_judges_alarms(app, phoned):
    number = phoned("Tolong, api sudah merambat ke rumah sebelah")
    pokja = signed_in(app, "pokja")
    assert pokja.post(f"/console/tiket/{number}/deteksi-dini",
                      {"verdict": "benar"}).status_code == 403


@pytest.mark.slow
def test_a_retrained_model_waits_for_the_admin_with_its_heldout_figures(
        app, db, phoned, runtime):
    number = phoned("Tolong, api sudah merambat ke rumah sebelah")
    with runtime.transaction() as session:
        event_alerts.record_verdict(session, user_named(session, "operator"),
                                    ticket_of(session, number), "benar")
    with runtime.transaction() as session:
        row = event_alerts.retrain(session)
    assert row.desk_samples == 1 and not row.active
    assert row.figures["candidate"]["alarm"]["precision"] >= 0.85
    assert row.figures["current_version"].startswith("seed-")
    admin = signed_in(app, "admin")
    page = admin.get("/console/admin/model-deteksi-dini").get_data(as_text=True)
    assert row.version in page and "Pakai model ini" in page and "presisi" in page
    assert admin.post(f"/console/admin/model-deteksi-dini/{row.id}/pakai").status_code == 302
    db.expire_all()
    assert db.scalar(select(EventModelRow.active).where(EventModelRow.id == row.id))
    assert event_alerts.current_model(db).version == row.version
    # A second retraining on the same data stores nothing new.
    with runtime.transaction() as session:
        assert event_alerts.retrain(session).id == row.id
    assert db.scalars(select(OutboxMessage)).all() is not None
