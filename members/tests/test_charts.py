"""The server-side SVG charts of the health-metric history."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from members.charts import HEIGHT, LEFT, PLOT_WIDTH, TOP, line_chart, metric_charts, nice_ticks

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
    assert 'viewBox="0 0 640 240"' in svg


def test_axis_labels_are_round_numbers_around_the_values():
    svg = line_chart(points=_points(63, 71, 58), title="Heart rate", unit="bpm")

    labels = re.findall(r'class="chart-label" font-size="12" fill="#6c757d">([^<]+)</text>', svg)
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
