"""The distribution chart: a grouped bar chart laid out here and drawn as SVG by the template
`bible_requests/staff/_chart.svg` (autoescaped; presentation attributes only, no script)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from flask_babel import format_number
from flask_babel import gettext as _

from app.i18n import month_name, month_year

SERIES = ("approved", "shipped", "verified")
COLORS = {"approved": "#1f3a5f", "shipped": "#9a3f1c", "verified": "#2f6b3a"}
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 36, 42
TICKS = 4


class MonthValues(Protocol):
    month: date

    def value(self, series: str) -> int: ...


def nice_top(peak: int) -> int:
    """The smallest round axis maximum at or above `peak` (4 ticks of 1, 2, 5, 10, 20, 25...)."""
    for tick in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if tick * TICKS >= peak:
            return tick * TICKS
    return peak


def series_label(series: str) -> str:
    return {"approved": _("Approved"), "shipped": _("Shipped"), "verified": _("Verified")}[series]


def month_label(month: date, with_year: bool = True) -> str:
    return month_year(month) if with_year else month_name(month)


def geometry(rows: list[MonthValues]) -> dict[str, Any]:
    """Everything the SVG template draws, in user units (numbers and plain text only)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = nice_top(max([r.value(s) for r in rows for s in SERIES] + [1]))
    group = plot_w / max(len(rows), 1)
    bar = group * 0.8 / len(SERIES)
    grid = [
        {
            "y": round(TOP + plot_h - plot_h * i / TICKS, 1),
            "value": format_number(top_value * i // TICKS),
        }
        for i in range(TICKS + 1)
    ]
    bars, labels = [], []
    for index, row in enumerate(rows):
        x0 = LEFT + group * index + group * 0.1
        for n, series in enumerate(SERIES):
            value = row.value(series)
            height = plot_h * value / top_value
            bars.append(
                {
                    "x": round(x0 + bar * n, 1),
                    "y": round(TOP + plot_h - height, 1),
                    "width": round(bar, 1),
                    "height": round(height, 1),
                    "fill": COLORS[series],
                    "title": (
                        f"{month_label(row.month)}: {series_label(series)} {format_number(value)}"
                    ),
                }
            )
        labels.append(
            {
                "x": round(LEFT + group * index + group / 2, 1),
                "text": month_label(row.month, index == 0 or row.month.month == 1),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_y": HEIGHT - BOTTOM + 16,
        "title": _("NK Bibles approved, shipped and verified per month"),
        "description": "; ".join(
            f"{month_label(r.month)}: "
            + ", ".join(f"{series_label(s)} {format_number(r.value(s))}" for s in SERIES)
            for r in rows
        ),
        "grid": grid,
        "bars": bars,
        "labels": labels,
        "legend": [
            {"x": LEFT + n * 150, "fill": COLORS[s], "text": series_label(s)}
            for n, s in enumerate(SERIES)
        ],
    }
