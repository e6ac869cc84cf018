"""A line chart drawn on the server as SVG geometry (no JavaScript): the template draws the lines
and the page shows the same figures in a table beside it, so the chart is aria-hidden."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 300, 56, 16, 16, 48


@dataclass
class Line:
    label: str
    css: str  # the line's class: history, forecast, demand, benchmark
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float]]


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    baseline: float


def line_chart(years: list[str], series: list[tuple[str, str, dict[str, float]]]) -> Chart | None:
    """`series`: (label, css class, {year: value}). None when there is nothing to draw."""
    values = [v for _, _, data in series for v in data.values()]
    if not years or not values:
        return None
    top = max(values) * 1.1 or 1.0
    step = (WIDTH - LEFT - RIGHT) / max(1, len(years) - 1)
    x = {year: LEFT + i * step for i, year in enumerate(years)}

    def y(value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top), 1)

    lines = []
    for label, css, data in series:
        pts = [(round(x[yr], 1), y(v)) for yr, v in sorted(data.items()) if yr in x]
        if pts:
            lines.append(Line(label, css, " ".join(f"{a},{b}" for a, b in pts), pts))
    every = max(1, len(years) // 8)
    ticks = [(y(top * i / 4), f"{top * i / 4:,.0f}") for i in range(5)]
    return Chart(WIDTH, HEIGHT, lines, [(round(x[yr], 1), yr) for yr in years[::every]], ticks, HEIGHT - BOTTOM)
