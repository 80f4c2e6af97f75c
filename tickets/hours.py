"""Office hours of the call centre's operator desk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

_HOURS = re.compile(r"^([1-7])-([1-7])\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
TZ_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
            "Asia/Jayapura": "WIT"}


@dataclass(frozen=True)
class OfficeHours:
    """Days 1 (Monday) to 7 and a daily window, written ``1-5 08:00-16:00``."""

    first_day: int
    last_day: int
    opens: str
    closes: str

    @classmethod
    def parse(cls, raw: str) -> OfficeHours:
        m = _HOURS.match(raw.strip())
        if not m:
            raise ValueError(f"office hours must look like '1-5 08:00-16:00', got {raw!r}")
        d1, d2, h1, m1, h2, m2 = (int(g) for g in m.groups())
        if d1 > d2 or h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
            raise ValueError(f"office hours are not a valid window: {raw!r}")
        return cls(d1, d2, f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}")

    def __str__(self) -> str:
        return f"{self.first_day}-{self.last_day} {self.opens}-{self.closes}"

    def is_open(self, now_utc: datetime, tz: str) -> bool:
        local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz))
        if not self.first_day <= local.isoweekday() <= self.last_day:
            return False
        return self.opens <= f"{local:%H:%M}" < self.closes

    def days_phrase(self) -> str:
        first, last = DAY_NAMES[self.first_day - 1], DAY_NAMES[self.last_day - 1]
        return first if first == last else f"{first} sampai {last}"
