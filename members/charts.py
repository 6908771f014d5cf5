"""The charts of a member's measurements (weight and heart rate over time)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.utils.safestring import SafeString

from clubsite.charts import line_chart
from members.units import metric_text


def metric_charts(entries: Sequence) -> dict[str, SafeString]:
    """The weight and heart-rate charts of a member's entries (objects with recorded_at, weight, heart_rate)."""
    return {
        "weight": line_chart(
            points=[(e.recorded_at, e.weight) for e in entries],
            title="Weight",
            unit="kg",
            css_class="chart-weight",
            value_text=partial(metric_text, unit="kg"),
        ),
        "heart_rate": line_chart(
            points=[(e.recorded_at, e.heart_rate) for e in entries],
            title="Heart rate",
            unit="bpm",
            css_class="chart-heart-rate",
            colour="#d63384",
            value_text=partial(metric_text, unit="bpm"),
        ),
    }
