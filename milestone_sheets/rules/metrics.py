"""Metric progress against target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from milestone_sheets import i18n
from milestone_sheets.contract.vocab import Direction, MetricHealth
from milestone_sheets.model import Metric, Reading


@dataclass
class MetricStatus:
    """A metric's current value and progress against its target."""

    metric: Metric
    direction: Direction
    current: float | None
    progress: float | None
    expected: float | None
    status: MetricHealth


def infer_direction(m: Metric) -> Direction:
    if m.direction:
        return Direction(m.direction)
    if m.baseline is not None and m.target is not None and m.target < m.baseline:
        return Direction.DECREASE
    return Direction.INCREASE


def target_met(value: float | None, target: float | None, direction: Direction) -> bool:
    if value is None or target is None:
        return False
    return value <= target if direction == Direction.DECREASE else value >= target


def metric_current(m: Metric, readings_by_metric: dict[str, list[Reading]],
                   as_of: date) -> float | None:
    """Current, else the latest Metric log value dated on or before the as-of date."""
    if m.current is not None:
        return m.current
    best = None
    for r in readings_by_metric.get(i18n.normalize(m.name), ()):
        if r.date <= as_of and (best is None or r.date >= best.date):
            best = r
    return best.value if best else None


def metric_progress(m: Metric, readings: dict[str, list[Reading]], as_of: date) -> MetricStatus:
    direction = infer_direction(m)
    current = metric_current(m, readings, as_of)
    progress = expected = None
    if current is not None and m.baseline is not None and m.target is not None \
            and m.target != m.baseline:
        progress = (current - m.baseline) / (m.target - m.baseline)
    if m.baseline_date and m.target_date:
        if m.target_date == m.baseline_date:
            expected = 1.0 if as_of >= m.target_date else 0.0
        else:
            raw = (as_of - m.baseline_date).days / (m.target_date - m.baseline_date).days
            expected = min(1.0, max(0.0, raw))
    if current is None:
        status = MetricHealth.NO_DATA
    elif target_met(current, m.target, direction):
        status = MetricHealth.ACHIEVED
    elif m.target_date and as_of > m.target_date:
        status = MetricHealth.MISSED
    elif expected is None or progress is None:
        status = MetricHealth.IN_PROGRESS
    elif progress >= expected - 0.10:
        status = MetricHealth.ON_TRACK
    elif progress >= expected - 0.25:
        status = MetricHealth.BEHIND
    else:
        status = MetricHealth.OFF_TRACK
    return MetricStatus(m, direction, current, progress, expected, status)
