"""The server-side SVG charts: lines of the health-metric history, bars of the money received."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from clubsite.charts import (
    FONT_SIZE,
    HEIGHT,
    LABEL,
    LEFT,
    PLOT_HEIGHT,
    PLOT_WIDTH,
    TOP,
    WIDTH,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    named_bar_chart,
    nice_ticks,
    series_line_chart,
)
from members.charts import metric_charts

START = timezone.make_aware(datetime.datetime(2025, 3, 1, 8, 0))


def _points(*values):
    return [(START + datetime.timedelta(days=7 * index), value) for index, value in enumerate(values)]


def _polyline(svg: str) -> list[tuple[float, float]]:
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    return [tuple(float(n) for n in pair.split(",")) for pair in points.split()]


def test_nothing_to_draw_gives_no_chart():
    assert line_chart(points=[], title="Weight", unit="kg") == ""
    assert line_chart(points=_points(None, None), title="Weight", unit="kg") == ""


def test_the_line_runs_left_to_right_in_time_and_higher_values_sit_higher():
    shuffled = list(reversed(_points(Decimal("80"), Decimal("82"), Decimal("78"))))

    svg = line_chart(points=shuffled, title="Weight", unit="kg")

    coordinates = _polyline(svg)
    xs = [x for x, _ in coordinates]
    ys = [y for _, y in coordinates]
    assert xs == sorted(xs)
    assert xs[0] == LEFT and xs[-1] == LEFT + PLOT_WIDTH
    # 82 is the highest value, so the smallest y; 78 the lowest.
    assert ys[1] < ys[0] < ys[2]
    assert all(TOP <= y <= HEIGHT for y in ys)


def test_missing_values_are_skipped_not_drawn_as_zero():
    svg = line_chart(points=_points(Decimal("80"), None, Decimal("79")), title="Weight", unit="kg")

    assert len(_polyline(svg)) == 2
    assert svg.count("<circle") == 2


def test_the_chart_describes_itself_for_screen_readers_and_points_have_tooltips():
    svg = line_chart(points=_points(Decimal("80.0"), Decimal("78.5")), title="Weight", unit="kg")

    assert 'role="img"' in svg
    assert '<title id="weight-title">Weight (kg)</title>' in svg
    assert "2 entries from 1 Mar 2025 to 8 Mar 2025: first 80 kg, latest 78.5 kg, lowest 78.5 kg, highest 80 kg." in svg
    assert "<title>78.5 kg: 8 Mar 2025 08:00</title>" in svg
    assert f'viewBox="0 0 {WIDTH} {HEIGHT}"' in svg


def test_axis_labels_are_round_numbers_around_the_values():
    svg = line_chart(points=_points(63, 71, 58), title="Heart rate", unit="bpm")

    labels = re.findall(re.escape(LABEL) + r">([^<]+)</text>", svg)
    assert labels[:5] == ["55", "60", "65", "70", "75"]
    assert labels[-3:] == ["1 Mar 2025", "8 Mar 2025", "15 Mar 2025"]


def test_a_single_entry_is_a_dot_in_the_middle():
    svg = line_chart(points=_points(Decimal("70")), title="Weight", unit="kg")

    [(x, y)] = _polyline(svg)
    assert x == LEFT + PLOT_WIDTH / 2
    assert TOP < y < HEIGHT
    assert svg.count("<circle") == 1


def test_text_is_escaped():
    svg = line_chart(points=_points(1, 2), title="<script>", unit="<b>")

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(58, 71) == [55, 60, 65, 70, 75]
    assert nice_ticks(78.5, 80) == [78.5, 79, 79.5, 80]
    assert nice_ticks(0.2, 0.9) == [0, 0.5, 1]
    # One value alone still gets an axis around it.
    assert nice_ticks(80, 80) == [79, 80, 81]


def test_metric_charts_draws_weight_and_heart_rate():
    entries = [
        SimpleNamespace(recorded_at=START, weight=Decimal("80"), heart_rate=None),
        SimpleNamespace(recorded_at=START + datetime.timedelta(days=1), weight=None, heart_rate=64),
    ]

    charts = metric_charts(entries)

    assert "Weight (kg)" in charts["weight"] and "1 entry" in charts["weight"]
    assert "Heart rate (bpm)" in charts["heart_rate"] and "first 64 bpm" in charts["heart_rate"]


def _bars(svg: str) -> list[tuple[float, float, float]]:
    """(x, y, height) of each bar, left to right."""
    return [
        (float(x), float(y), float(height))
        for x, y, height in re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="[^"]+" height="([^"]+)"', svg)
    ]


def test_bars_stand_on_zero_in_day_order_each_as_tall_as_its_amount():
    first = datetime.date(2026, 11, 1)
    days = [(first + datetime.timedelta(days=n), Decimal(amount)) for n, amount in enumerate(["40", "0", "80"])]

    svg = bar_chart(bars=days, title="Weighed", unit="kg")

    bars = _bars(svg)
    assert [x for x, _y, _h in bars] == sorted(x for x, _y, _h in bars)
    assert {round(y + height, 1) for _x, y, height in bars} == {float(TOP + PLOT_HEIGHT)}  # all on the zero line
    assert bars[1][2] == 0
    assert bars[2][2] == 2 * bars[0][2]
    assert "<title>3 Nov: 80 kg</title>" in svg
    assert "total 120 kg, highest 80 kg on 3 Nov" in svg


def test_bar_values_can_be_written_as_money():
    day = datetime.date(2026, 11, 1)

    svg = bar_chart(bars=[(day, Decimal("12.5"))], title="Received", unit="£", value_text=lambda v: f"£{v:.2f}")

    assert "<title>1 Nov: £12.50</title>" in svg


def test_no_days_gives_no_bar_chart_and_a_month_of_nothing_still_draws_its_axis():
    assert bar_chart(bars=[], title="Received", unit="£") == ""
    empty_month = [(datetime.date(2026, 11, day), Decimal("0")) for day in range(1, 31)]

    svg = bar_chart(bars=empty_month, title="Received", unit="£")

    assert len(_bars(svg)) == 30
    assert all(height == 0 for _x, _y, height in _bars(svg))


def test_chart_text_is_at_least_12_px_where_a_chart_fills_a_phone():
    # 390 px wide, less the page's margins: about 360 px of chart. The 640-wide charts showed 7 px text.
    assert 360 / WIDTH * FONT_SIZE >= 12


def test_grouped_bars_stand_side_by_side_with_a_legend_and_every_group_labelled():
    months = [datetime.date(2026, month, 1) for month in (10, 11, 12)]

    svg = grouped_bar_chart(
        groups=[(month, (index + 1, index)) for index, month in enumerate(months)],
        series=("Joined", "Left"),
        title="Members",
        unit="members",
    )

    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="([\d.]+)" class="chart-bar"', svg)
    assert len(bars) == 6
    assert float(bars[0][0]) < float(bars[1][0]) < float(bars[2][0])  # Joined, then Left, then the next month
    assert float(bars[1][1]) == 0  # October: nobody left
    assert "<title>Left Nov: 1 members</title>" in svg
    labels = re.findall(re.escape(LABEL) + r">([^<]+)</text>", svg)
    assert ["Oct", "Nov", "Dec", "Joined", "Left"] == labels[-5:]
    assert "in all Joined 6, Left 3 members." in svg
    assert grouped_bar_chart(groups=[], series=("Joined",), title="Members", unit="members") == ""


def test_series_lines_skip_missing_values_and_run_from_zero_to_the_top_given():
    weeks = [datetime.date(2026, 11, 2) + datetime.timedelta(days=7 * n) for n in range(4)]

    svg = series_line_chart(
        days=weeks,
        series=(("Attendance", [80, None, 90, 85]), ("Fill", [50, 60, 70, 75])),
        title="Classes",
        unit="%",
        high=100,
    )

    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [3, 4]
    labels = re.findall(re.escape(LABEL) + r">([^<]+)</text>", svg)
    assert labels[0] == "0" and "100" in labels and labels[-2:] == ["Attendance", "Fill"]
    assert "latest: Attendance 85 %, Fill 75 %." in svg
    assert series_line_chart(days=weeks, series=(("Attendance", [None] * 4),), title="C", unit="%") == ""


def test_named_bars_write_each_name_and_value_and_grow_with_their_rows():
    svg = named_bar_chart(
        bars=[("Gold", Decimal("120.00")), ("Off-peak & students", Decimal("30.00"))],
        title="By plan",
        unit="£",
        value_text=lambda value: f"£{value}",
    )

    assert "Off-peak &amp; students" in svg and "£120.00" in svg
    widths = [float(w) for w in re.findall(r'<rect x="8" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 4 * widths[1]
    assert 'class="chart-axis"' not in svg
    assert named_bar_chart(bars=[], title="By plan", unit="£") == ""
