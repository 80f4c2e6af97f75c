"""The early-warning model: held-out figures with a margin, the contract of ``assess``,
cues, and that the shipped JSON scores as scikit-learn does (figures: make bench-analytics)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from analytics import event_training, events
from analytics.events import KINDS, Assessment, assess


@pytest.fixture(scope="module")
def heldout_scores() -> event_training.Scores:
    return event_training.evaluate(events.shipped_model(), event_training.heldout_examples())


def test_the_corpus_parts_are_labelled_and_apart() -> None:
    dev, held = event_training.dev_examples(), event_training.heldout_examples()
    second = event_training.second_heldout_examples()
    assert len(dev) + len(held) + len(second) >= 580
    # About 30% of the texts are held out (29.9% after the dev texts added for the
    # independent check's categories).
    assert len(held) + len(second) >= 0.28 * (len(dev) + len(held) + len(second))
    texts = [e.text for part in (dev, held, second) for e in part]
    assert len(set(texts)) == len(texts)
    for part, mentions in ((dev, 50), (held, 50), (second, 15)):
        assert {e.kind for e in part if e.alarm} == set(KINDS)
        assert sum(e.note == "sebut" for e in part) >= mentions


def test_it_meets_the_targets_on_the_heldout_part_with_a_margin(
        heldout_scores: event_training.Scores) -> None:
    s = heldout_scores
    assert (s.alarm.precision or 0) >= 0.92
    assert (s.alarm.recall or 0) >= 0.95
    assert (s.mention_false_alarm_rate or 0) <= 0.06
    assert (s.kind_accuracy or 0) >= 0.88
    assert (s.severity_accuracy or 0) >= 0.8


def test_it_holds_on_the_second_heldout_part_with_a_margin() -> None:
    s = event_training.evaluate(events.shipped_model(),
                                event_training.second_heldout_examples())
    assert (s.alarm.precision or 0) >= 0.9
    assert (s.alarm.recall or 0) >= 0.9
    assert (s.mention_false_alarm_rate or 0) <= 0.12
    assert (s.kind_accuracy or 0) >= 0.9
    assert (s.severity_accuracy or 0) >= 0.85


def test_one_loop_scores_any_decider_against_the_labels() -> None:
    """What a model, the keyword groups or ``hotline listen`` said, scored the same way."""
    Example = event_training.Example
    flood = Example("air masuk rumah", "banjir", "high")
    fire = Example("rumah terbakar", "kebakaran", "critical")
    mention = Example("dulu pernah banjir", note="sebut")
    ordinary = Example("lampu jalan mati", note="biasa")
    s = event_training.score([
        (flood, Assessment(True, "banjir", "critical", 0.9)),  # caught, severity wrong
        (fire, Assessment(False, None, None, 0.1)),             # missed
        (mention, Assessment(True, "banjir", "high", 0.6)),     # a mention that alarms
        (ordinary, Assessment(False, None, None, 0.0))])
    assert (s.alarm.tp, s.alarm.fp, s.alarm.fn) == (1, 1, 1)
    assert (s.mentions, s.mention_alarms, s.kind_accuracy, s.severity_accuracy) == (
        1, 1, 1.0, 0.0)
    assert (s.per_kind["banjir"].tp, s.per_kind["banjir"].fp) == (1, 1)
    assert s.per_kind["kebakaran"].fn == 1
    assert [e for e, _ in s.errors] == [fire, mention]
    # evaluate is that loop over the model's own assessments.
    model = events.shipped_model()
    held = event_training.heldout_examples()[:20]
    assert event_training.evaluate(model, held).as_dict() == event_training.score(
        (e, model.assess(e.text)) for e in held).as_dict()


def test_cross_validation_scores_every_text_once_with_the_same_loop() -> None:
    dev = event_training.dev_examples()[::4]
    s = event_training.cross_validate(dev, folds=2)
    alarms = [e for e in dev if e.alarm]
    assert s.alarm.tp + s.alarm.fn == len(alarms)
    assert s.mentions == sum(e.note == "sebut" for e in dev)
    # Per kind too (the folds' own counts were once summed by hand and these left out).
    assert sum(c.tp + c.fn for c in s.per_kind.values()) == len(alarms)


@pytest.mark.parametrize("text,kind,severity", [
    ("jalan ke kecamatan tertutup tanah longsor dari tebing, tidak ada korban", "longsor",
     "high"),
    ("rumah pak guru tertimbun longsor, istri dan anaknya masih di dalam", "longsor",
     "critical"),
    ("ada buaya naik ke halaman rumah warga di pinggir kali", "bahaya_lain", "high"),
    ("kabel listrik putus jatuh ke jalan depan masjid, masih ada percikan api",
     "bahaya_lain", "high"),
    ("ada ancaman mau membakar balai desa kalau kepala desa tidak mundur",
     "ancaman_kerusuhan", "high"),
    ("ada pembacokan di terminal, korbannya berdarah belum ditolong", "konflik_kekerasan",
     "critical"),
    ("enam orang tidak sadar setelah minum miras oplosan di pesta", "keracunan_wabah",
     "critical"),
])
def test_severity_is_critical_only_when_people_are_in_danger_now(
        text: str, kind: str, severity: str) -> None:
    a = assess(text)
    assert (a.alarm, a.kind, a.severity) == (True, kind, severity)


def test_people_in_danger_and_property_only_are_cues_of_their_own() -> None:
    assert "cue:korban_jiwa" in events.cue_tokens("dua orang tertimbun, belum ditemukan")
    assert "cue:harta_saja" in events.cue_tokens("gudang roboh, tidak ada korban")
    assert "cue:ancaman" in events.cue_tokens("ada ancaman bom di kantor")


@pytest.mark.parametrize("text,kind", [
    ("air sudah masuk rumah sampai lutut dan terus naik", "banjir"),
    ("api sudah merambat ke rumah sebelah", "kebakaran"),
    ("dua kelompok pemuda saling lempar batu di depan pasar", "konflik_kekerasan"),
    ("puluhan warga muntah-muntah setelah makan di hajatan", "keracunan_wabah"),
    ("perahu nelayan terbalik di muara, dua orang belum ditemukan", "kecelakaan_air"),
    ("atap sekolah runtuh waktu murid belajar", "bangunan_runtuh"),
    ("nenek kami pergi ke kebun sejak pagi dan belum pulang sampai sekarang",
     "orang_hilang"),
])
def test_an_event_told_without_its_keyword_alarms(text: str, kind: str) -> None:
    a = assess(text)
    assert a.alarm and a.kind == kind and a.severity in ("critical", "high", "normal")
    assert 0.5 <= a.confidence <= 1 and a.cues


@pytest.mark.parametrize("text", [
    "banjir tahun lalu merusak sawah kami, kapan bantuannya cair",
    "mohon drainase dibersihkan supaya tidak banjir",
    "pak camat kebakaran jenggot dengar jalan rusak",
    "kebakaran di pasar tadi pagi sudah padam, terima kasih damkar",
    "jalan di depan rumah berlubang besar",
    "belum ada yang tersetrum tapi tolong kabel yang menjuntai di gang dirapikan",
    "dulu sudah ada anak hanyut di selokan besar itu, mohon diberi penutup",
    "ada kabar hoaks katanya ada tsunami malam ini, mohon diluruskan",
])
def test_a_mention_or_an_ordinary_complaint_does_not(text: str) -> None:
    a = assess(text)
    assert a == Assessment(False, None, None, a.confidence, a.cues)
    assert a.confidence < 0.5


def test_cues_name_the_words_and_the_time_cues() -> None:
    past = assess("rumah kami terbakar tahun lalu dan belum dapat bantuan")
    assert not past.alarm and "kejadian lampau" in past.cues
    now = assess("tolong, api sudah merambat ke rumah sebelah")
    assert any(c in now.cues for c in ("api", "merambat", "makin parah"))
    assert "dan" not in assess("air masuk rumah dan terus naik").cues


def test_empty_text_is_no_alarm() -> None:
    assert assess("  ") == Assessment(False, None, None, 0.0, [])


def test_cold_start_and_per_text_time_in_a_fresh_process() -> None:
    code = ("import time; t = time.perf_counter(); from analytics.events import assess; "
            "assess('air masuk rumah'); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert float(out.stdout) < 1.5  # ~0.25 s here on an idle core; shared CI is slower
    start = time.perf_counter()
    for _ in range(20):
        assess("dua kelompok pemuda saling lempar batu di depan pasar sejak tadi pagi")
    assert (time.perf_counter() - start) / 20 < 0.05


def test_importing_it_loads_no_scikit_learn() -> None:
    code = "import sys, analytics.events as e; e.assess('banjir'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_line_with_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        event_training.parse_line("gempa\tcritical\tada gempa", "x:1")
    assert event_training.parse_line("# comment") is None


@pytest.mark.slow
def test_the_shipped_model_is_what_build_writes() -> None:
    """Training twice gives the same version; the shipped file is what ``build`` writes."""
    model = event_training.shipped_build()
    assert model.version == events.shipped_model().version
    assert json.loads(model.dumps()) == json.loads(events.MODEL_PATH.read_text())
