"""Anomaly strategies on generated histories with planted drops and spikes."""

from __future__ import annotations

import random

import pytest

from stocktake.history import (
    AbsoluteChange,
    OnlineNormal,
    RelativeRateOfChange,
    SeasonalHoltWinters,
    detect_all,
)

WEEKLY_SHAPE = (1.0, 0.9, 0.95, 1.0, 1.1, 1.4, 1.3)  # Monday .. Sunday


def daily_counts(seed: int, days: int = 120, planted: dict[int, float] | None = None) -> list[float]:
    """Orders per day: a level, a trend, a weekly season, 5% noise; planted[t] multiplies day t."""
    rng = random.Random(seed)
    base, slope = rng.uniform(200, 2000), rng.uniform(-0.5, 2.0)
    counts = []
    for t in range(days):
        expected = (base + slope * t) * WEEKLY_SHAPE[t % 7]
        counts.append(float(max(0, round(rng.gauss(expected, 0.05 * expected)))))
    for t, factor in (planted or {}).items():
        counts[t] = round(counts[t] * factor)
    return counts


def run_row_counts(
    seed: int, runs: int = 40, planted: dict[int, float] | None = None, growth: float = 0.01
) -> list[float]:
    """Row counts of one asset over nightly runs: steady growth with 2% noise."""
    rng = random.Random(seed)
    counts = [10_000 * ((1 + growth) ** t) * rng.gauss(1.0, 0.02) for t in range(runs)]
    for t, factor in (planted or {}).items():
        counts[t] *= factor
    return [float(round(c)) for c in counts]


def _plant(seed: int, first: int, last: int, factors: tuple[float, ...]) -> dict[int, float]:
    rng = random.Random(10_000 + seed)
    spots = sorted(rng.sample(range(first, last), 4))
    return {t: rng.choice(factors) for t in spots}


# -- Holt-Winters on daily counts --------------------------------------------------------------------

SEEDS = range(30)


def test_holt_winters_finds_every_planted_drop_and_spike():
    found_planted = false_alarms = total = 0
    for seed in SEEDS:
        planted = _plant(seed, 21, 120, (0.3, 0.5, 2.0, 2.5))
        flagged = {a.index for a in SeasonalHoltWinters(period=7).detect(daily_counts(seed, planted=planted))}
        found_planted += len(flagged & planted.keys())
        false_alarms += len(flagged - planted.keys())
        total += len(planted)
    assert found_planted == total  # recall 1.0 over 120 planted points
    assert false_alarms <= 1  # measured: 1 (seed 1, day 15, early in the first forecast week)


def test_holt_winters_is_quiet_on_clean_seasonal_series():
    # ~3,000 forecast days over 30 series; a 4.5σ band still meets a rare early outlier.
    flagged = {seed: SeasonalHoltWinters(period=7).detect(daily_counts(seed)) for seed in SEEDS}
    assert sum(len(found) for found in flagged.values()) <= 1


def test_holt_winters_reports_the_forecast_and_skips_missing_days():
    counts: list[float | None] = list(daily_counts(3, planted={60: 0.2}))
    counts[30] = None
    (anomaly,) = SeasonalHoltWinters().detect(counts)
    assert anomaly.index == 60 and anomaly.value < anomaly.expected
    assert "below the seasonal forecast" in anomaly.reason


def test_holt_winters_needs_two_seasons_of_baseline():
    assert SeasonalHoltWinters().detect([100.0] * 14) == []


# -- strategies for a run-by-run metric ----------------------------------------------------------------


def test_online_normal_finds_planted_points_on_steady_counts():
    false_alarms = 0
    for seed in range(20):
        planted = _plant(seed, 10, 40, (0.5, 0.7, 1.4, 2.0))
        flagged = {a.index for a in OnlineNormal().detect(run_row_counts(seed, planted=planted, growth=0.0))}
        assert planted.keys() <= flagged, seed
        false_alarms += len(flagged - planted.keys())
        false_alarms += len(OnlineNormal().detect(run_row_counts(seed, growth=0.0)))
    # Of ~1,200 points checked, measured 6 false alarms (0.5%): small-sample std at the start of a series.
    assert false_alarms <= 6


def test_online_normal_keeps_anomalies_out_of_its_band():
    series = [100.0, 101, 99, 100, 102, 98, 100, 500, 100, 101]
    (spike,) = OnlineNormal(warmup=5).detect(series)
    assert spike.index == 7 and spike.expected == pytest.approx(100.0)
    # Learning from the spike would widen the band; here the points after it stay normal either way.
    assert [a.index for a in OnlineNormal(warmup=5, ignore_anomalies=False).detect(series)] == [7]


def test_relative_rate_of_change_flags_halving_and_doubling():
    series = [1000.0, 1010, 1020, 500, 510, 1500, None, 1490]
    found = RelativeRateOfChange(max_ratio_up=2.0, max_ratio_down=0.6).detect(series)
    assert [(a.index, a.expected) for a in found] == [(3, 1020), (5, 510)]
    assert "0.49×" in found[0].reason
    assert RelativeRateOfChange(max_ratio_up=2.0).detect([0.0, 0.0, 5.0])[0].index == 2


def test_relative_rate_of_change_is_quiet_on_clean_runs_and_finds_drops():
    strategy = RelativeRateOfChange(max_ratio_up=1.5, max_ratio_down=0.7)
    for seed in range(20):
        assert strategy.detect(run_row_counts(seed)) == []
        dropped = run_row_counts(seed, planted={25: 0.4})
        assert 25 in {a.index for a in strategy.detect(dropped)}


def test_absolute_change_uses_the_previous_present_point():
    series = [10.0, 12, None, 30, 29, 5]
    found = AbsoluteChange(max_increase=10, max_decrease=20).detect(series)
    assert [(a.index, a.value, a.expected) for a in found] == [(3, 30, 12), (5, 5, 29)]
    assert "rose by 18" in found[0].reason and "fell by 24" in found[1].reason


def test_detect_all_groups_by_index():
    series = [100.0] * 8 + [10.0]
    grouped = detect_all(series, [RelativeRateOfChange(max_ratio_down=0.5), OnlineNormal()])
    assert list(grouped) == [8] and len(grouped[8]) == 2
