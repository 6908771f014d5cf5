"""Charts drawn on the server as SVG, so no page ships a chart script: lines over time and bars."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
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


def _value_grid(ticks: Sequence[float], y: Callable[[float], float]) -> SafeString:
    """A horizontal line and a label at each tick of the value axis."""
    return format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid" stroke="#dee2e6"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" class="chart-label" '
        'font-size="12" fill="#6c757d">{}</text>',
        (
            (LEFT, f"{y(tick):.1f}", LEFT + PLOT_WIDTH, f"{y(tick):.1f}", LEFT - 6, f"{y(tick):.1f}", _number(tick))
            for tick in ticks
        ),
    )


def _frame(*, kind: str, css_class: str, title: str, unit: str, summary: str, body: SafeString) -> SafeString:
    """The chart's SVG element: it scales with its container (viewBox) and names itself for screen readers."""
    slug = "".join(ch for ch in title.lower() if ch.isalnum()) or "chart"
    return format_html(
        '<svg class="{kind} {css_class}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg" style="width:100%;height:auto">'
        '<title id="{slug}-title">{title} ({unit})</title><desc id="{slug}-desc">{summary}</desc>'
        "{body}"
        '<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="chart-axis" stroke="#6c757d"/>'
        "</svg>",
        kind=kind,
        css_class=css_class,
        width=WIDTH,
        height=HEIGHT,
        slug=slug,
        title=title,
        unit=unit,
        summary=summary,
        body=body,
        left=LEFT,
        right=LEFT + PLOT_WIDTH,
        bottom=TOP + PLOT_HEIGHT,
    )


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

    grid = _value_grid(ticks, y)
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
    body = format_html(
        '{grid}{x_labels}<polyline points="{line}" class="chart-line" fill="none" stroke="{colour}" '
        'stroke-width="2" stroke-linejoin="round"/>{dots}',
        grid=grid,
        x_labels=x_labels,
        line=line,
        colour=colour,
        dots=dots,
    )
    return _frame(kind="metric-chart", css_class=css_class, title=title, unit=unit, summary=summary, body=body)


def bar_chart(
    *,
    bars: Sequence[tuple[datetime.date, Decimal | int]],
    title: str,
    unit: str,
    label_format: str = "j M",
    value_text: Callable[[Decimal | int], str] | None = None,
    css_class: str = "",
    colour: str = "#0d6efd",
) -> SafeString:
    """An SVG bar chart of ``bars`` (day, value) from zero, labelled like the line chart; empty without bars.

    Every bar has a tooltip with its day and value (written by ``value_text``, else as a number and the
    unit); the summary names the total and the highest day.
    """

    def text(value: Decimal | int) -> str:
        return value_text(value) if value_text else f"{_number(value)} {unit}"

    if not bars:
        return mark_safe("")
    values = [float(value) for _day, value in bars]
    ticks = nice_ticks(0, max(max(values), 0) or 1)
    high = ticks[-1]
    slot = PLOT_WIDTH / len(bars)
    width = max(slot * 0.7, 1)

    def y(value: float) -> float:
        return TOP + (high - value) / high * PLOT_HEIGHT

    grid = _value_grid(ticks, y)
    rectangles = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{LEFT + index * slot + (slot - width) / 2:.1f}",
                f"{y(value):.1f}",
                f"{width:.1f}",
                f"{TOP + PLOT_HEIGHT - y(value):.1f}",
                colour,
                dateformat.format(day, label_format),
                text(amount),
            )
            for index, ((day, amount), value) in enumerate(zip(bars, values, strict=True))
        ),
    )
    # The first, middle and last bars are labelled: more would collide on a phone.
    labelled = sorted({0, len(bars) // 2, len(bars) - 1})
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" class="chart-label" font-size="12" fill="#6c757d">{}</text>',
        (
            (f"{LEFT + (index + 0.5) * slot:.1f}", HEIGHT - 10, dateformat.format(bars[index][0], label_format))
            for index in labelled
        ),
    )
    best_day, best = max(bars, key=lambda bar: bar[1])
    summary = (
        f"{len(bars)} {'bar' if len(bars) == 1 else 'bars'} from {dateformat.format(bars[0][0], label_format)} "
        f"to {dateformat.format(bars[-1][0], label_format)}: total {text(sum(v for _d, v in bars))}, "
        f"highest {text(best)} on {dateformat.format(best_day, label_format)}."
    )
    body = format_html("{}{}{}", grid, rectangles, x_labels)
    return _frame(kind="bar-chart", css_class=css_class, title=title, unit=unit, summary=summary, body=body)
