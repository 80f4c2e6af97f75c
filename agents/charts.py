"""Chart geometry for the dashboard: plain numbers the template draws as inline SVG.

No JavaScript, no external assets: each chart is an ``<svg role="img">`` with a title,
a text alternative and its numbers in a table beside it (``dashboard.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Distinguishable for the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass
class Chart:
    title: str
    summary: str  # the text alternative
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, text, anchor
    legend: list[tuple[str, str]] = field(default_factory=list)  # colour, name


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def horizontal(title: str, summary: str, rows: list[tuple[str, float | None]], *,
               unit: str = "", maximum: float | None = None,
               colour: str = PALETTE[0], fmt: Callable[[float], str] | None = None) -> Chart:
    """One bar per row, labelled on the left, its value on the right (``fmt`` writes a
    value in words, e.g. ``35 menit``; else the number and ``unit``)."""
    label_w, bar_w, row_h = 190, 240, 26
    top = max([maximum or 0.0] + [v or 0.0 for _, v in rows]) or 1.0
    chart = Chart(title, summary, label_w + bar_w + 70, max(1, len(rows)) * row_h + 8)
    for i, (label, maybe) in enumerate(rows):
        y = 4 + i * row_h
        value = maybe or 0.0
        width = bar_w * value / top
        text = "-" if maybe is None else fmt(value) if fmt else f"{_fmt(value)}{unit}"
        chart.bars.append(Bar(label, value, text, label_w, y, max(width, 0.5), row_h - 8,
                              colour))
        short = label if len(label) <= 28 else label[:27] + "…"
        chart.labels.append((label_w - 6, y + row_h / 2 + 1, short, "end"))
        chart.labels.append((label_w + width + 6, y + row_h / 2 + 1, text, "start"))
    return chart


def stacked(title: str, summary: str, periods: list[str],
            series: list[tuple[str, list[int]]]) -> Chart:
    """Vertical bars per period, each stacked by series (received per day by channel)."""
    n = max(1, len(periods))
    plot_h, left, bottom = 180, 34, 30
    slot = max(6.0, min(28.0, 620 / n))
    chart = Chart(title, summary, int(left + slot * n + 10), plot_h + bottom + 10)
    totals = [sum(values[i] for _, values in series) for i in range(len(periods))]
    top = max(totals + [1])
    chart.labels.append((left - 4, 12, str(top), "end"))
    chart.labels.append((left - 4, plot_h + 4, "0", "end"))
    every = max(1, n // 8)
    for i, period in enumerate(periods):
        x = left + i * slot
        base = plot_h
        for k, (name, values) in enumerate(series):
            v = values[i]
            if not v:
                continue
            h = plot_h * v / top
            base -= h
            chart.bars.append(Bar(f"{period} · {name}", v, str(v), x + 1, base, slot - 2, h,
                                  PALETTE[k % len(PALETTE)]))
        if i % every == 0:
            chart.labels.append((x + slot / 2, plot_h + 16, period, "middle"))
    chart.legend = [(PALETTE[k % len(PALETTE)], name) for k, (name, _) in enumerate(series)]
    return chart
