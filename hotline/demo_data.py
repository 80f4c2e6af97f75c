"""The demo hotline's pokja and categories as plain data: ``hotline.demo`` seeds them, and
``hotline listen``/``hotline suggest`` read them without a database."""

from __future__ import annotations

DEMO_POKJA = (
    ("PUPR", "Pokja Infrastruktur (Dinas PUPR)", "pupr@pemkab.example.id"),
    ("DINKES", "Pokja Kesehatan (Dinas Kesehatan)", "dinkes@pemkab.example.id"),
    ("DISDIK", "Pokja Pendidikan (Dinas Pendidikan)", "disdik@pemkab.example.id"),
    ("DUKCAPIL", "Pokja Kependudukan (Disdukcapil)", "dukcapil@pemkab.example.id"),
    ("DLH", "Pokja Lingkungan Hidup (DLH)", "dlh@pemkab.example.id"),
)

DEMO_CATEGORIES = (
    (1, "Jalan dan jembatan", "PUPR"),
    (2, "Layanan kesehatan", "DINKES"),
    (3, "Pendidikan", "DISDIK"),
    (4, "Administrasi kependudukan", "DUKCAPIL"),
    (5, "Sampah dan kebersihan", "DLH"),
    (6, "Lainnya", None),
)
