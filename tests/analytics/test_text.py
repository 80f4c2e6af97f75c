"""Normalisation and matching: derived forms, one-letter recognition errors, phrases,
and no false alarms on short or real words. The last test measures precision and recall
of the demo groups on a small labelled set written for it."""

from __future__ import annotations

import pytest

from analytics import matching
from analytics.demo import DEMO_GROUPS
from analytics.text import base, content_words, near, normalise, stem, tokens


def groups():  # type: ignore[no-untyped-def]
    return {name: matching.phrases(words) for name, words, *_ in DEMO_GROUPS}


def matched(text: str) -> set[str]:
    return {name for name, phrases in groups().items() if matching.find(text, phrases)}


def test_normalise_lowers_and_drops_punctuation_and_splits_hyphens():
    assert normalise("Banjir!!  Rumah-rumah, JALAN.") == "banjir rumah rumah jalan"
    assert [t.norm for t in tokens("Desa Ba'ba Tapua")] == ["desa", "ba'ba", "tapua"]


def test_affixes_are_stripped_by_pysastrawi_and_inflections_by_base():
    assert stem("kebanjiran") == "banjir"
    assert stem("bentrokan") == "bentrok"
    assert base("banjirnya") == "banjir"
    assert base("kamu") == "kamu"  # too short to carry a suffix


@pytest.mark.parametrize("heard, wanted", [
    ("kebakarn", "kebakaran"), ("kebakaram", "kebakaran"), ("banjer", "banjir"),
    ("longsr", "longsor"), ("tauran", "tawuran"), ("bentrak", "bentrok"),
])
def test_one_letter_off_on_a_longer_word_is_the_word(heard, wanted):
    assert near(heard, wanted)


@pytest.mark.parametrize("heard, wanted", [
    ("gempar", "gempa"),    # a real word: uproar
    ("wajah", "wabah"),     # a real word: face
    ("banjar", "banjir"),   # a real word: row, a place name
    ("apa", "api"),         # short words are never approximate
    ("desa", "dusa"),
    ("kebakar", "kebakaran"),  # two letters off
])
def test_real_words_short_words_and_two_letters_off_are_not_the_word(heard, wanted):
    assert not near(heard, wanted)


@pytest.mark.parametrize("text, group", [
    ("Terjadi kebakarn di pasar Wonomulyo tadi malam", "bencana"),
    ("rumah kami kebanjiran sejak semalam", "bencana"),
    ("banjirnya sudah sepinggang", "bencana"),
    ("ada tanah longsor menutup jalan", "bencana"),
    ("angin puting beliong merobohkan rumah", "bencana"),
    ("terjadi bentrokan antara warga dua desa", "konflik"),
    ("perkelahian antar warga desa Bonde dan Lapeo", "konflik"),
    ("perkelahian antar desa semalam", "konflik"),
    ("ada tauran pelajar di depan sekolah", "konflik"),
    ("pembakaran rumah warga oleh sekelompok orang", "konflik"),
    ("puluhan warga keracunan makanan hajatan", "kesehatan darurat"),
    ("diare massal di dusun kami", "kesehatan darurat"),
    ("jembatannya yang putus total", "bahaya infrastruktur"),
    ("kabel listriknya putus menjuntai ke jalan", "bahaya infrastruktur"),
])
def test_demo_groups_find_their_words_as_callers_say_and_recognisers_write_them(text, group):
    assert group in matched(text)


@pytest.mark.parametrize("text", [
    "Jalan di desa Lapeo rusak parah dan berlubang",
    "warga gempar karena lampu jalan mati",
    "wajah kota kotor, sampah menumpuk di pasar",
    "banjar kami minta bantuan bibit",
    "apa kabar, saya mau tanya soal KTP",
    "rumah saya di Kebunsari belum dapat air bersih",
    "pelayanan puskesmas lambat sekali",
])
def test_ordinary_complaints_raise_no_group(text):
    assert matched(text) == set()


def test_a_root_written_keyword_matches_derived_forms_but_a_derived_one_does_not():
    fire = matching.phrases(["kebakaran"])
    arson = matching.phrases(["pembakaran"])
    assert matching.find("pembakaran rumah", fire) == []
    assert matching.find("kebakaran rumah", arson) == []
    assert matching.find("dibakar massa", matching.phrases(["bakar"]))


def test_hits_say_what_stands_in_the_text():
    hits = matching.find("Kabel listriknya PUTUS!", matching.phrases(["kabel listrik putus"]))
    assert [h.heard for h in hits] == ["Kabel listriknya PUTUS"]


def test_content_words_are_roots_without_stop_words():
    assert content_words("Jalannya rusak dan berlubang di depan sekolah") >= {
        "jalan", "rusak", "lubang", "sekolah"}
    assert "dan" not in content_words("jalan dan jembatan")


# Labelled by hand: (text, the groups it should raise). Written for this test, apart
# from the demo's words; misspellings as Whisper writes them on telephone audio.
LABELLED = [
    ("Pak, kampung kami kebanjiran, air sudah masuk rumah", {"bencana"}),
    ("ada kebakaran gudang di dekat pasar", {"bencana"}),
    ("rumah warga terbakar habis tadi subuh", {"bencana"}),
    ("longsoran tanah menimbun kebun warga", {"bencana"}),
    ("gempa tadi malam bikin dinding retak", {"bencana"}),
    ("kebakaram lahan dekat sekolah", {"bencana"}),
    ("banjer bandang di sungai Mandar", {"bencana"}),
    ("bentrok antar pemuda dua kampung", {"konflik"}),
    ("tawuran pelajar lagi di jalan poros", {"konflik"}),
    ("kami dapat ancaman dari preman pasar", {"konflik"}),
    ("terjadi kerusuhan saat pembagian bantuan", {"konflik"}),
    ("perang antar kampung pecah lagi", {"konflik"}),
    ("banyak anak kena demam berdarah di dusun", {"kesehatan darurat"}),
    ("keracunan massal setelah makan nasi kotak", {"kesehatan darurat"}),
    ("wabah diare di kampung nelayan", {"kesehatan darurat"}),
    ("jembatan gantung putus dibawa arus", {"bahaya infrastruktur"}),
    ("jalan amblas sepanjang lima meter", {"bahaya infrastruktur"}),
    ("jembatan putus karena banjir", {"bahaya infrastruktur", "bencana"}),
    ("jalan rusak berlubang depan sekolah", set()),
    ("lampu jalan mati sudah seminggu", set()),
    ("sampah tidak diangkut tiga hari", set()),
    ("mohon perbaikan saluran air di gang", set()),
    ("KTP saya belum jadi padahal sudah lama", set()),
    ("guru sering tidak masuk kelas", set()),
    ("warga gempar ada ular besar", set()),
    ("pembangunan jembatan baru lambat", set()),
    ("antrean di puskesmas panjang sekali", set()),
    ("bantuan beras terlambat dibagikan", set()),
    ("air PDAM keruh dan berbau", set()),
    ("pohon tumbang menghalangi jalan", set()),
]


def test_demo_groups_precision_and_recall_on_a_labelled_set():
    tp = fp = fn = 0
    for text, expected in LABELLED:
        got = matched(text)
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"demo groups on {len(LABELLED)} texts: precision {precision:.2f}, "
          f"recall {recall:.2f}")
    assert precision >= 0.9 and recall >= 0.85
