"""Line charts of a member's measurements drawn on the server as SVG, so no chart script is shipped."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 36
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

Point = tuple[datetime.datetime, Decimal | int]


def _club_time(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, timezone.get_default_timezone())


def _label_day(value: datetime.datetime) -> str:
    return dateformat.format(_club_time(value), "j M Y")


def _label_moment(value: datetime.datetime) -> str:
    return dateformat.format(_club_time(value), "j M Y H:i")


def _number(value: Decimal | int | float) -> str:
    """A value as a person writes it: 80, 80.5 (never 80.0000 or 8E+1)."""
    text = f"{Decimal(str(value)).normalize():f}"
    return text


def nice_ticks(low: float, high: float, *, count: int = 4) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) covering [low, high]."""
    if high < low:
        low, high = high, low
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def line_chart(
    *, points: Sequence[Point], title: str, unit: str, css_class: str = "", colour: str = "#0d6efd"
) -> SafeString:
    """An SVG line chart of ``points`` (time, value) with labelled axes; empty when there is nothing to draw.

    The chart scales with its container (viewBox), names itself for screen readers (title and a summary
    of the first and last values) and gives every point a tooltip.
    """
    points = sorted((p for p in points if p[1] is not None), key=lambda p: p[0])
    if not points:
        return mark_safe("")
    times = [p[0].timestamp() for p in points]
    values = [float(p[1]) for p in points]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    first_time, last_time = times[0], times[-1]
    span = last_time - first_time

    def x(when: float) -> float:
        if span == 0:
            return LEFT + PLOT_WIDTH / 2
        return LEFT + (when - first_time) / span * PLOT_WIDTH

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * PLOT_HEIGHT

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid" stroke="#dee2e6"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" class="chart-label" '
        'font-size="12" fill="#6c757d">{}</text>',
        (
            (LEFT, f"{y(tick):.1f}", LEFT + PLOT_WIDTH, f"{y(tick):.1f}", LEFT - 6, f"{y(tick):.1f}", _number(tick))
            for tick in ticks
        ),
    )
    label_times = [points[0][0]] if span == 0 else [points[0][0], points[-1][0]]
    if len(points) > 2 and span > 0:
        label_times.insert(1, datetime.datetime.fromtimestamp(first_time + span / 2, tz=datetime.UTC))
    anchors = ["middle"] if span == 0 else ["start", "middle", "end"] if len(label_times) == 3 else ["start", "end"]
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" class="chart-label" font-size="12" fill="#6c757d">{}</text>',
        (
            (f"{x(when.timestamp()):.1f}", HEIGHT - 10, anchor, _label_day(when))
            for when, anchor in zip(label_times, anchors, strict=True)
        ),
    )
    coordinates = [(f"{x(t):.1f}", f"{y(v):.1f}") for t, v in zip(times, values, strict=True)]
    line = " ".join(f"{cx},{cy}" for cx, cy in coordinates)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" class="chart-dot" fill="{}"><title>{} {}: {}</title></circle>',
        (
            (cx, cy, colour, _number(value), unit, _label_moment(when))
            for (cx, cy), (when, value) in zip(coordinates, points, strict=True)
        ),
    )
    summary = (
        f"{len(points)} {'entry' if len(points) == 1 else 'entries'} "
        f"from {_label_day(points[0][0])} to {_label_day(points[-1][0])}: "
        f"first {_number(points[0][1])} {unit}, latest {_number(points[-1][1])} {unit}, "
        f"lowest {_number(min(p[1] for p in points))} {unit}, highest {_number(max(p[1] for p in points))} {unit}."
    )
    slug = "".join(ch for ch in title.lower() if ch.isalnum()) or "chart"
    return format_html(
        '<svg class="metric-chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg" style="width:100%;height:auto">'
        '<title id="{slug}-title">{title} ({unit})</title><desc id="{slug}-desc">{summary}</desc>'
        "{grid}"
        '<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="chart-axis" stroke="#6c757d"/>'
        "{x_labels}"
        '<polyline points="{line}" class="chart-line" fill="none" stroke="{colour}" stroke-width="2" '
        'stroke-linejoin="round"/>'
        "{dots}"
        "</svg>",
        css_class=css_class,
        width=WIDTH,
        height=HEIGHT,
        slug=slug,
        title=title,
        unit=unit,
        summary=summary,
        grid=grid,
        left=LEFT,
        right=LEFT + PLOT_WIDTH,
        bottom=TOP + PLOT_HEIGHT,
        x_labels=x_labels,
        line=line,
        colour=colour,
        dots=dots,
    )


def metric_charts(entries: Sequence) -> dict[str, SafeString]:
    """The weight and heart-rate charts of a member's entries (objects with recorded_at, weight, heart_rate)."""
    return {
        "weight": line_chart(
            points=[(e.recorded_at, e.weight) for e in entries], title="Weight", unit="kg", css_class="chart-weight"
        ),
        "heart_rate": line_chart(
            points=[(e.recorded_at, e.heart_rate) for e in entries],
            title="Heart rate",
            unit="bpm",
            css_class="chart-heart-rate",
            colour="#d63384",
        ),
    }
