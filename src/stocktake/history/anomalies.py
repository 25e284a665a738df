"""Anomaly detection over a metric's history, one small strategy per idea (as in Deequ).

Every strategy takes a series (oldest first; None for a missing point, which is
skipped) and returns the anomalous points with the value it expected instead.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

Series = Sequence[float | None]


class Anomaly(NamedTuple):
    index: int
    value: float
    expected: float
    reason: str


class Strategy(Protocol):
    def detect(self, series: Series) -> list[Anomaly]: ...


def detect_all(series: Series, strategies: Sequence[Strategy]) -> dict[int, list[Anomaly]]:
    """Anomalies of every strategy, grouped by index."""
    found: dict[int, list[Anomaly]] = {}
    for strategy in strategies:
        for anomaly in strategy.detect(series):
            found.setdefault(anomaly.index, []).append(anomaly)
    return dict(sorted(found.items()))


def _present(series: Series) -> list[tuple[int, float]]:
    return [(i, float(v)) for i, v in enumerate(series) if v is not None]


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.4g}"


@dataclass(frozen=True)
class AbsoluteChange:
    """A step from the previous point larger than max_increase up or max_decrease down."""

    max_increase: float | None = None
    max_decrease: float | None = None

    def detect(self, series: Series) -> list[Anomaly]:
        found = []
        points = _present(series)
        for (_, prev), (i, value) in itertools.pairwise(points):
            delta = value - prev
            if self.max_increase is not None and delta > self.max_increase:
                found.append(
                    Anomaly(
                        i,
                        value,
                        prev,
                        f"rose by {_num(delta)} from {_num(prev)} (limit +{_num(self.max_increase)})",
                    )
                )
            elif self.max_decrease is not None and -delta > self.max_decrease:
                found.append(
                    Anomaly(
                        i,
                        value,
                        prev,
                        f"fell by {_num(-delta)} from {_num(prev)} (limit −{_num(self.max_decrease)})",
                    )
                )
        return found


@dataclass(frozen=True)
class RelativeRateOfChange:
    """value / previous above max_ratio_up (2.0 = doubled) or below max_ratio_down (0.5 = halved)."""

    max_ratio_up: float | None = None
    max_ratio_down: float | None = None

    def detect(self, series: Series) -> list[Anomaly]:
        found = []
        for (_, prev), (i, value) in itertools.pairwise(_present(series)):
            if prev == 0:
                # Any rise from zero is an unbounded ratio; a zero that stays zero is no change.
                if value > 0 and self.max_ratio_up is not None:
                    found.append(Anomaly(i, value, prev, f"rose from 0 to {_num(value)}"))
                continue
            ratio = value / prev
            if self.max_ratio_up is not None and ratio > self.max_ratio_up:
                found.append(
                    Anomaly(
                        i, value, prev, f"{ratio:.2f}× the previous {_num(prev)} (limit {self.max_ratio_up}×)"
                    )
                )
            elif self.max_ratio_down is not None and ratio < self.max_ratio_down:
                found.append(
                    Anomaly(
                        i,
                        value,
                        prev,
                        f"{ratio:.2f}× the previous {_num(prev)} (limit {self.max_ratio_down}×)",
                    )
                )
        return found


@dataclass(frozen=True)
class OnlineNormal:
    """Outside mean ± k·std of the points before it, once `warmup` points are in.

    Mean and variance are updated online (Welford) and, by default, without the
    anomalies, so one spike does not widen the band for the next.
    """

    # 4σ, not 3σ: with a few dozen runs the std is itself uncertain and 3σ cries wolf (measured).
    upper_k: float = 4.0
    lower_k: float = 4.0
    warmup: int = 8
    ignore_anomalies: bool = True
    # A series that never moved has std 0 and would flag any wobble: the band is at least this share of the mean.
    min_std_share: float = 0.01

    def detect(self, series: Series) -> list[Anomaly]:
        found = []
        count, mean, m2 = 0, 0.0, 0.0
        for i, value in _present(series):
            if count >= self.warmup:
                std = max(math.sqrt(m2 / (count - 1)) if count > 1 else 0.0, self.min_std_share * abs(mean))
                if value > mean + self.upper_k * std or value < mean - self.lower_k * std:
                    sigmas = (value - mean) / std if std else math.inf
                    found.append(
                        Anomaly(
                            i,
                            value,
                            mean,
                            f"{sigmas:+.1f}σ from the mean {_num(mean)} (limit ±{self.upper_k}σ)",
                        )
                    )
                    if self.ignore_anomalies:
                        continue
            count += 1
            delta = value - mean
            mean += delta / count
            m2 += delta * (value - mean)
        return found


@dataclass(frozen=True)
class SeasonalHoltWinters:
    """Additive Holt-Winters (level, trend, season of `period` points) for daily counts.

    The smoothing constants are fitted on the series itself (a small grid, least
    absolute one-step error). Each point is compared with the one-step forecast;
    outside forecast ± z·σ (σ: running spread of accepted forecast errors) it is an
    anomaly and the model learns the forecast instead of it. The first two seasons
    are the baseline: they must be complete and are never flagged; a later missing
    day is stepped over.
    """

    period: int = 7
    z: float = 4.5
    # Counts that are nearly constant give σ≈0: the band is at least this share of the level.
    min_sigma_share: float = 0.02

    _GRID_ALPHA = (0.05, 0.2, 0.5)
    _GRID_BETA = (0.0, 0.05)
    _GRID_GAMMA = (0.05, 0.2, 0.5)

    def detect(self, series: Series) -> list[Anomaly]:
        m = self.period
        if len(series) < 2 * m + 1 or any(v is None for v in series[: 2 * m]):
            return []  # no full baseline to learn the season from
        best: tuple[float, list[Anomaly]] | None = None
        for alpha, beta, gamma in itertools.product(self._GRID_ALPHA, self._GRID_BETA, self._GRID_GAMMA):
            loss, found = self._filter(series, alpha, beta, gamma)
            if best is None or loss < best[0]:
                best = (loss, found)
        assert best is not None
        return best[1]

    def _filter(self, y: Series, alpha: float, beta: float, gamma: float) -> tuple[float, list[Anomaly]]:
        m = self.period
        first = [float(v) for v in y[:m] if v is not None]
        second = [float(v) for v in y[m : 2 * m] if v is not None]
        level = statistics.fmean(second)
        trend = (level - statistics.fmean(first)) / m
        # Season: each weekday's average offset from its own week's mean.
        season = [((first[k] - statistics.fmean(first)) + (second[k] - level)) / 2 for k in range(m)]
        baseline = [
            (first + second)[t] - (statistics.fmean(first if t < m else second) + season[t % m])
            for t in range(2 * m)
        ]
        # In-sample residuals understate the one-step error (each weekday's offset rests on two
        # points, and is fitted to them): roughly fourfold, by the variance of those estimates.
        variance = 4 * statistics.fmean(r * r for r in baseline)
        found, loss = [], 0.0
        for t in range(2 * m, len(y)):
            forecast = level + trend + season[t % m]
            value = y[t]
            sigma = max(math.sqrt(variance), self.min_sigma_share * abs(level))
            if value is None:
                observed = forecast  # a missing day: carry the model forward, keep the weekdays aligned
            elif abs(error := value - forecast) > self.z * sigma:
                found.append(
                    Anomaly(
                        t,
                        value,
                        forecast,
                        f"{'above' if error > 0 else 'below'} the seasonal forecast {_num(forecast)} "
                        f"± {_num(self.z * sigma)}",
                    )
                )
                observed = forecast  # learn nothing from an anomaly
                loss += self.z * sigma  # capped, so the fit is not driven by the anomalies
            else:
                observed = value
                loss += abs(error)
                variance = 0.95 * variance + 0.05 * error * error
            new_level = alpha * (observed - season[t % m]) + (1 - alpha) * (level + trend)
            trend = beta * (new_level - level) + (1 - beta) * trend
            season[t % m] = gamma * (observed - new_level) + (1 - gamma) * season[t % m]
            level = new_level
        return loss, found
