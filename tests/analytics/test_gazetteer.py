"""Finding places without a database (analytics.gazetteer): the regency is not Kecamatan
Polewali, common-word desa are read where the kecamatan fits, and names misheard by two
letters are matched by how they sound, not on ordinary words."""

from __future__ import annotations

import pytest

from analytics.gazetteer import Gazetteer, regency_names, sound_key, sounds_like


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return Gazetteer.from_csv()


def found(places: Gazetteer, text: str) -> tuple[str | None, str | None]:
    m = places.find(text)
    if m is None:
        return (None, None)
    return (m.kecamatan.name if m.kecamatan else None, m.desa.name if m.desa else None)


@pytest.mark.parametrize("text", [
    "Saya warga Kabupaten Polewali Mandar mau melapor",
    "pelayanan di polewali mandar lambat sekali",
    "mohon pemkab polman perhatikan jalan kami",
    "sudah lapor ke kantor bupati tapi belum ada tanggapan",
    "kab. polewali mandar, sulawesi barat",
])
def test_the_regency_names_no_kecamatan(places: Gazetteer, text: str) -> None:
    m = places.find(text)
    assert m is not None and m.regency and m.kecamatan is None and m.desa is None


def test_a_place_named_beside_the_regency_wins(places: Gazetteer) -> None:
    assert found(places, "Kabupaten Polewali Mandar, desa Lapeo jalannya rusak") == (
        "Campalagian", "Lapeo")
    assert found(places, "di kecamatan polewali dekat kantor bupati") == ("Polewali", None)
    assert found(places, "pasar di polewali becek") == ("Polewali", "Polewali")


@pytest.mark.parametrize(("text", "expected"), [
    ("jembatan di paku binuang putus", ("Binuang", "Paku")),
    ("warga batu kecamatan tapango mengeluh", ("Tapango", "Batu")),
    ("di kurma, mapilli, jalannya rusak", ("Mapilli", "Kurma")),
    ("desa baru di luyo belum dapat listrik", ("Luyo", "Baru")),
])
def test_a_common_word_desa_is_found_where_its_kecamatan_is_named(
        places: Gazetteer, text: str, expected: tuple[str, str]) -> None:
    assert found(places, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("banyak paku di jalan binuang", ("Binuang", None)),  # nails on the road
    ("kebun kurma di mapilli", ("Mapilli", "Mapilli")),
    ("batu besar jatuh ke jalan", (None, None)),  # no kecamatan: a stone
    ("rumah baru di tapango", ("Tapango", "Tapango")),
])
def test_a_common_word_elsewhere_is_no_desa(places: Gazetteer, text: str,
                                           expected: tuple[str | None, str | None]) -> None:
    assert found(places, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("banjir di batetanga", ("Binuang", "Batetangnga")),
    ("jalan di wonomolyo rusak", ("Wonomulyo", None)),
    ("lampu mati di tinambun", ("Tinambung", "Tinambung")),
    ("sampah di campalagiang", ("Campalagian", None)),
    ("air bersih di pambusuan", ("Balanipa", "Pambusuang")),
    ("di desa kalumamang", ("Alu", "Kalumammang")),
    ("puskesmas mattakali tutup", ("Matakali", "Matakali")),
])
def test_names_misheard_by_two_letters_are_matched_by_sound(
        places: Gazetteer, text: str, expected: tuple[str, str | None]) -> None:
    assert found(places, text) == expected


@pytest.mark.parametrize("text", [
    "tanganan warga sudah bekerja",  # not Tangan Baru
    "pembangunan jalan lambat",
    "banyak sampah menumpuk di pinggir jalan",
    "tetangga saya sakit",
    "lapangan sepak bola rusak",
    "mohon bantuan segera",
])
def test_ordinary_words_are_no_place(places: Gazetteer, text: str) -> None:
    assert found(places, text) == (None, None)


def test_the_sound_key_folds_what_a_recogniser_confuses() -> None:
    assert sound_key("Batetangnga") == sound_key("batetanga")
    assert sound_key("Wonomulyo") == sound_key("wonomolyo")
    assert sounds_like("pambusuan", "pambusuang")
    assert not sounds_like("tetangga", "tangnga")  # too far apart
    assert not sounds_like("pemukiman", "pembusuang")


def test_the_regency_names_come_from_the_agency_and_the_demo_gazetteer() -> None:
    assert regency_names("Pemerintah Kabupaten Mamuju") == ["Mamuju"]
    assert regency_names("Pemerintah Kabupaten Contoh", ["Polewali", "Binuang"]) == [
        "Polewali Mandar", "Polman"]
