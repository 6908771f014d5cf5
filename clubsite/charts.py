"""Charts drawn on the server as SVG, so no page ships a chart script: lines over time, bars by day, groups of
bars, several lines on one axis, and named horizontal bars.

Every chart is drawn on a canvas about as wide as a phone (400 units, text 14 units high), so where it fills a
390 px screen its text is still about 12 px; on a desk it is shown no wider than a few hundred pixels.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 14, 34
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
#: The height of chart text in canvas units: 640-wide charts at 12 were 7 px on a phone.
FONT_SIZE = 14
LABEL = f'class="chart-label" font-size="{FONT_SIZE}" fill="#6c757d"'

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
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" ' + LABEL + ">{}</text>",
        (
            (LEFT, f"{y(tick):.1f}", LEFT + PLOT_WIDTH, f"{y(tick):.1f}", LEFT - 6, f"{y(tick):.1f}", _number(tick))
            for tick in ticks
        ),
    )


def _frame(
    *,
    kind: str,
    css_class: str,
    title: str,
    unit: str,
    summary: str,
    body: SafeString,
    height: int = HEIGHT,
    axis: bool = True,
) -> SafeString:
    """The chart's SVG element: it scales with its container (viewBox) and names itself for screen readers.

    ``axis``: the zero line along the plot's foot (charts of values over time have one; named bars do not).
    """
    slug = "".join(ch for ch in title.lower() if ch.isalnum()) or "chart"
    axis_line = (
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-axis" stroke="#6c757d"/>',
            LEFT,
            TOP + PLOT_HEIGHT,
            LEFT + PLOT_WIDTH,
            TOP + PLOT_HEIGHT,
        )
        if axis
        else ""
    )
    return format_html(
        '<svg class="{kind} {css_class}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg" style="width:100%;height:auto">'
        '<title id="{slug}-title">{title} ({unit})</title><desc id="{slug}-desc">{summary}</desc>'
        "{body}{axis}</svg>",
        kind=kind,
        css_class=css_class,
        width=WIDTH,
        height=height,
        slug=slug,
        title=title,
        unit=unit,
        summary=summary,
        body=body,
        axis=axis_line,
    )


def line_chart(
    *,
    points: Sequence[Point],
    title: str,
    unit: str,
    css_class: str = "",
    colour: str = "#0d6efd",
    value_text: Callable[[Decimal | int], str] | None = None,
) -> SafeString:
    """An SVG line chart of ``points`` (time, value) with labelled axes; empty when there is nothing to draw.

    The chart scales with its container (viewBox), names itself for screen readers (title and a summary
    of the first and last values) and gives every point a tooltip, its values written by ``value_text``
    (else as plain numbers).
    """
    write = value_text or _number
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
        '<text x="{}" y="{}" text-anchor="{}" ' + LABEL + ">{}</text>",
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
            (cx, cy, colour, write(value), unit, _label_moment(when))
            for (cx, cy), (when, value) in zip(coordinates, points, strict=True)
        ),
    )
    summary = (
        f"{len(points)} {'entry' if len(points) == 1 else 'entries'} "
        f"from {_label_day(points[0][0])} to {_label_day(points[-1][0])}: "
        f"first {write(points[0][1])} {unit}, latest {write(points[-1][1])} {unit}, "
        f"lowest {write(min(p[1] for p in points))} {unit}, highest {write(max(p[1] for p in points))} {unit}."
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
        '<text x="{}" y="{}" text-anchor="middle" ' + LABEL + ">{}</text>",
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


#: Colours of a chart's series, in order: each stands out from white (3:1 and more) and from the others.
SERIES_COLOURS = ("#0d6efd", "#c2410c", "#198754", "#6f42c1")
#: Room under the plot for a row of legend.
LEGEND_HEIGHT = 26


def _legend(names: Sequence[str], colours: Sequence[str]) -> SafeString:
    """A row of swatches and names under the plot, so a series is told by its name, not its colour alone."""
    slot = (WIDTH - LEFT) / max(len(names), 1)
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}" class="chart-swatch"/>'
        '<text x="{}" y="{}" dominant-baseline="middle" ' + LABEL + ">{}</text>",
        (
            (
                f"{LEFT + index * slot:.1f}",
                HEIGHT + 4,
                colour,
                f"{LEFT + index * slot + 18:.1f}",
                HEIGHT + 10,
                name,
            )
            for index, (name, colour) in enumerate(zip(names, colours, strict=False))
        ),
    )


def grouped_bar_chart(
    *,
    groups: Sequence[tuple[datetime.date, Sequence[Decimal | int]]],
    series: Sequence[str],
    title: str,
    unit: str,
    label_format: str = "M",
    css_class: str = "",
    colours: Sequence[str] = SERIES_COLOURS,
) -> SafeString:
    """Bars side by side for each period (``groups``: the period's day and a value per ``series``), from zero,
    with a legend; empty without groups. Every group is labelled: a chart of a few months or weeks."""
    if not groups:
        return mark_safe("")
    count = len(series)
    high = nice_ticks(0, max([float(value) for _day, values in groups for value in values] + [0]) or 1)[-1]
    ticks = nice_ticks(0, high)
    slot = PLOT_WIDTH / len(groups)
    width = max(slot * 0.8 / count, 1)

    def y(value: float) -> float:
        return TOP + (high - value) / high * PLOT_HEIGHT

    rectangles = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" fill="{}"><title>{} {}: {} {}</title></rect>',
        (
            (
                f"{LEFT + index * slot + slot * 0.1 + position * width:.1f}",
                f"{y(float(value)):.1f}",
                f"{width:.1f}",
                f"{TOP + PLOT_HEIGHT - y(float(value)):.1f}",
                colours[position % len(colours)],
                name,
                dateformat.format(day, label_format),
                _number(value),
                unit,
            )
            for index, (day, values) in enumerate(groups)
            for position, (name, value) in enumerate(zip(series, values, strict=True))
        ),
    )
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" ' + LABEL + ">{}</text>",
        (
            (f"{LEFT + (index + 0.5) * slot:.1f}", HEIGHT - 10, dateformat.format(day, label_format))
            for index, (day, _values) in enumerate(groups)
        ),
    )
    totals = ", ".join(
        f"{name} {_number(sum(values[position] for _day, values in groups))}" for position, name in enumerate(series)
    )
    summary = (
        f"{len(groups)} periods from {dateformat.format(groups[0][0], label_format)} "
        f"to {dateformat.format(groups[-1][0], label_format)}: in all {totals} {unit}."
    )
    body = format_html("{}{}{}{}", _value_grid(ticks, y), rectangles, x_labels, _legend(series, colours[: len(series)]))
    return _frame(
        kind="grouped-bar-chart",
        css_class=css_class,
        title=title,
        unit=unit,
        summary=summary,
        body=body,
        height=HEIGHT + LEGEND_HEIGHT,
    )


def series_line_chart(
    *,
    days: Sequence[datetime.date],
    series: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    title: str,
    unit: str,
    label_format: str = "j M",
    high: float | None = None,
    css_class: str = "",
    colours: Sequence[str] = SERIES_COLOURS,
) -> SafeString:
    """One line per series (its name and a value per day of ``days``, None where there is none) on a value axis
    from zero to ``high`` (else the highest value), evenly spaced periods, with a legend and a tooltip per
    point; empty when no series has a value."""
    values = [float(value) for _name, line in series for value in line if value is not None]
    if not days or not values:
        return mark_safe("")
    top = nice_ticks(0, high if high is not None else max(values) or 1)[-1]
    ticks = nice_ticks(0, top)
    step = PLOT_WIDTH / max(len(days) - 1, 1)

    def x(index: int) -> float:
        return LEFT + PLOT_WIDTH / 2 if len(days) == 1 else LEFT + index * step

    def y(value: float) -> float:
        return TOP + (top - value) / top * PLOT_HEIGHT

    lines = []
    for position, (name, line) in enumerate(series):
        colour = colours[position % len(colours)]
        points = [(index, value) for index, value in enumerate(line) if value is not None]
        coordinates = " ".join(f"{x(index):.1f},{y(float(value)):.1f}" for index, value in points)
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" class="chart-dot" fill="{}"><title>{} {}: {} {}</title></circle>',
            (
                (
                    f"{x(index):.1f}",
                    f"{y(float(value)):.1f}",
                    colour,
                    name,
                    dateformat.format(days[index], label_format),
                    _number(value),
                    unit,
                )
                for index, value in points
            ),
        )
        lines.append(
            format_html(
                '<polyline points="{}" class="chart-line" fill="none" stroke="{}" stroke-width="2.5" '
                'stroke-linejoin="round"/>{}',
                coordinates,
                colour,
                dots,
            )
        )
    # The first, middle and last periods are labelled: more would collide on a phone.
    labelled = sorted({0, len(days) // 2, len(days) - 1})
    anchors = {0: "start", len(days) - 1: "end"} if len(days) > 1 else {}
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" ' + LABEL + ">{}</text>",
        (
            (f"{x(index):.1f}", HEIGHT - 10, anchors.get(index, "middle"), dateformat.format(days[index], label_format))
            for index in labelled
        ),
    )
    latest = ", ".join(
        f"{name} {_number(next(value for value in reversed(line) if value is not None))} {unit}"
        for name, line in series
        if any(value is not None for value in line)
    )
    summary = (
        f"{len(days)} periods from {dateformat.format(days[0], label_format)} "
        f"to {dateformat.format(days[-1], label_format)}; latest: {latest}."
    )
    body = format_html(
        "{}{}{}{}",
        _value_grid(ticks, y),
        format_html_join("", "{}", ((line,) for line in lines)),
        x_labels,
        _legend([name for name, _line in series], colours[: len(series)]),
    )
    return _frame(
        kind="series-chart",
        css_class=css_class,
        title=title,
        unit=unit,
        summary=summary,
        body=body,
        height=HEIGHT + LEGEND_HEIGHT,
    )


#: The height of one named bar's row: its name and value on a line, the bar under them.
ROW_HEIGHT = 46


def named_bar_chart(
    *,
    bars: Sequence[tuple[str, Decimal | int]],
    title: str,
    unit: str,
    value_text: Callable[[Decimal | int], str] | None = None,
    css_class: str = "",
    colour: str = "#0d6efd",
) -> SafeString:
    """Horizontal bars, one row per name (a plan, a room) with its value written out, longest first as given;
    names of any length stay readable on a phone, where they would collide under upright bars. Empty without
    bars."""

    def text(value: Decimal | int) -> str:
        return value_text(value) if value_text else f"{_number(value)} {unit}"

    if not bars:
        return mark_safe("")
    high = max([float(value) for _name, value in bars] + [0]) or 1
    room = WIDTH - 16
    rows = format_html_join(
        "",
        '<text x="8" y="{}" ' + LABEL + ">{}</text>"
        '<text x="{}" y="{}" text-anchor="end" ' + LABEL + ">{}</text>"
        '<rect x="8" y="{}" width="{}" height="14" class="chart-bar" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                index * ROW_HEIGHT + 20,
                name,
                WIDTH - 8,
                index * ROW_HEIGHT + 20,
                text(value),
                index * ROW_HEIGHT + 27,
                f"{max(float(value), 0) / high * room:.1f}",
                colour,
                name,
                text(value),
            )
            for index, (name, value) in enumerate(bars)
        ),
    )
    summary = "; ".join(f"{name} {text(value)}" for name, value in bars) + "."
    return _frame(
        kind="named-bar-chart",
        css_class=css_class,
        title=title,
        unit=unit,
        summary=summary,
        body=rows,
        height=len(bars) * ROW_HEIGHT + 8,
        axis=False,
    )
