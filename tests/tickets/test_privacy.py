"""The anonim mask: what the finder reads as the caller naming themselves and how well it
does on the labelled texts."""

from __future__ import annotations

import pytest

from benchmarks.privacy import DEV, HELD_OUT, load, parse, score
from tickets.privacy import find_self_identification


def _masked(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_self_identification(text)]


@pytest.mark.parametrize(("text", "names"), [
    ("nama saya budi santoso dari desa sukamaju jalan rusak", ["budi santoso"]),
    ("saya ibu hasnah dari desa tanjung rejo lampu mati", ["hasnah"]),
    ("halo dengan pak rahman di sini mau lapor sampah", ["rahman"]),
    ("saya joko dari rt 4 got mampet", ["joko"]),
    ("ini wati dari dusun krajan mau tanya sembako", ["wati"]),
    ("nama sya yuliana dri desa karang anyar", ["yuliana"]),  # recognition errors
    ("Nama: Dewi Lestari\nAlamat: RT 02", ["Dewi Lestari"]),  # a WhatsApp form
    ("sa pu nama markus dari distrik abepura", ["markus"]),
    ("nomor hp saya 0812 3456 7890 pak", ["0812 3456 7890"]),
])
def test_the_finder_reads_a_callers_own_name_and_number(text, names):
    assert _masked(text) == names


@pytest.mark.parametrize("text", [
    "saya mau lapor jalan di kampung kami berlubang",
    "nama jalannya jalan merdeka di dekat masjid",
    "pak rt sudah tahu tapi belum ada tindakan",
    "dengan bu lurah sudah saya sampaikan",
    "saya pulang dari pasar lihat jalan longsor",
    "saya ibu rumah tangga mau lapor harga gas",
    "nama saya tidak usah disebut ya pak",
    "dengan ini saya melaporkan pungutan liar",
    "kejadiannya tanggal 12 08 2024 jam 10",
])
def test_the_finder_leaves_near_misses_alone(text):
    assert _masked(text) == []


def test_a_found_name_is_masked_wherever_it_is_said_again():
    text = "nama saya dedi kurniawan pokoknya tanya saja ke dedi di warung"
    assert _masked(text) == ["dedi kurniawan", "dedi"]


def test_the_labelled_files_parse_marks_into_spans():
    item = parse("nama saya [[budi]] dari desa\\nrt 3")
    assert item.text == "nama saya budi dari desa\nrt 3" and item.gold == ((10, 14),)


def test_precision_and_recall_on_the_dev_and_held_out_texts(capsys):
    """Measured (benchmarks/privacy.py, docs/privacy.md): dev 1.000/1.000, held-out
    0.873/0.982 on the first run; the bounds leave a margin for small rule changes."""
    dev, held_out = score(load(DEV)), score(load(HELD_OUT))
    with capsys.disabled():
        for name, s in (("dev", dev), ("held-out", held_out)):
            print(f"\nself-identification {name}: {s.texts} texts, precision "
                  f"{s.precision:.3f}, recall {s.recall:.3f}, fully masked "
                  f"{s.fully_masked}/{s.identifying}, near misses masked "
                  f"{s.near_misses_masked}/{s.near_misses}")
    assert dev.texts >= 100 and held_out.texts >= 60
    assert dev.precision >= 0.95 and dev.recall >= 0.95
    assert held_out.precision >= 0.80 and held_out.recall >= 0.90
    assert held_out.fully_masked >= 0.85 * held_out.identifying
    assert held_out.near_misses_masked <= 0.10 * held_out.near_misses
