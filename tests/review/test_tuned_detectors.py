"""Record detectors record per-row scores, and follow thresholds and labels learned from reviews."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from stocktake.connectors import open_source
from stocktake.core.vocab import FindingType
from stocktake.detection.bots import CHECK as BOTS
from stocktake.detection.garbage import CHECK as GARBAGE
from stocktake.detection.row_scores import ROW_SCORES_KEY, Tuning, read_row_scores
from stocktake.detection.unsupervised import RecordOptions, record_findings
from stocktake.engines.profiling import ProfileOptions, profile_asset

BOT = 4242


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _findings(path: Path, tuning: Tuning | None = None):
    with open_source(str(path)) as connector:
        engine = connector.engine()
        (asset,) = connector.discover()
        profiles = profile_asset(engine, asset, ProfileOptions())
        options = RecordOptions(category=False, tuning=tuning)
        return record_findings(engine, asset, profiles, options)


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 people browsing at random, one crawler viewing a page every 30 s."""
    rng = random.Random(11)
    rows: list[list[object]] = []
    for user in range(1, 151):
        t = rng.randint(0, 86_400)
        for _ in range(rng.randint(20, 80)):
            t += rng.choice([rng.randint(5, 300), rng.randint(3_600, 200_000)])
            rows.append([user, rng.choice(["pv", "pv", "pv", "cart", "buy"]), t])
    rows += [[BOT, "pv", 30 * k] for k in range(900)]
    for row in rows:
        s = int(row[2])
        row[2] = f"2023-11-{1 + s // 86_400 % 28:02d} {s // 3600 % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    folder = tmp_path_factory.mktemp("events")
    return _write(folder / "events.csv", ["user_id", "behavior_type", "event_time"], rows)


def _bots(path: Path, tuning: Tuning | None = None):
    return [f for f in _findings(path, tuning) if f.type == FindingType.BOT_TRAFFIC]


def test_bot_finding_scores_users_on_both_sides_of_the_threshold(events: Path) -> None:
    (finding,) = _bots(events)
    threshold, rows = read_row_scores(finding.evidence) or (None, [])
    assert threshold == 3.0
    assert [r.key for r in rows if r.flagged] == [BOT]
    assert len(rows) > 1 and all(r.score < 3.0 for r in rows if not r.flagged)
    assert finding.evidence[ROW_SCORES_KEY]["key_columns"] == ["user_id"]


def test_a_learned_threshold_and_labels_change_what_is_flagged(events: Path) -> None:
    (finding,) = _bots(events)
    _, rows = read_row_scores(finding.evidence) or (None, [])
    runner_up = max((r for r in rows if not r.flagged), key=lambda r: r.score)
    lowered = Tuning({BOTS: runner_up.score - 1e-6})
    (tuned,) = _bots(events, lowered)
    assert {BOT, runner_up.key} <= set(tuned.rows.keys)
    assert "learned from reviews" in tuned.reason
    # A person said the crawler is fine and the runner-up is a bot: labels outrank scores.
    labelled = Tuning(labels={BOTS: {str(BOT): False, str(runner_up.key): True}})
    (relabelled,) = _bots(events, labelled)
    assert relabelled.rows.keys == [runner_up.key]
    assert not _bots(events, Tuning(labels={BOTS: {str(BOT): False}}))


def test_garbage_scores_rows_and_a_raised_mash_threshold_lets_mash_through(tmp_path: Path) -> None:
    rng = random.Random(3)
    good = [
        "Great quality and fast delivery.",
        "Fits perfectly, would recommend.",
        "质量很好，物流也快，好评！",
    ]
    rows = [[i, rng.choice(good)] for i in range(400)]
    rows[17][1] = "质量很好，物流也快，好评！".encode().decode("gbk", errors="replace")
    rows[230][1] = "asdkjqwpeoiruty;lkjhasd"
    path = _write(tmp_path / "reviews.csv", ["review_id", "review_text"], rows)
    (finding,) = [f for f in _findings(path) if f.type == FindingType.TEXT_GARBAGE]
    threshold, scored = read_row_scores(finding.evidence) or (None, [])
    assert threshold == 0.3
    assert {r.key: r.flagged for r in scored} == {17: True, 230: True}
    (strict,) = [f for f in _findings(path, Tuning({GARBAGE: 1.0})) if f.type == FindingType.TEXT_GARBAGE]
    assert strict.rows.keys == [17]  # mojibake scores 1.0; the mash scores less
