"""The active-learning queue: rows nearest a detector's threshold first, judged ones left out."""

from __future__ import annotations

import pytest

from review.scored_run import scored_run
from stocktake.core.errors import UsageError
from stocktake.core.vocab import FindingStatus
from stocktake.detection.row_scores import MAX_ROWS, MIN_UNFLAGGED, row_scores_evidence
from stocktake.review.active import active_queue
from stocktake.review.rows import row_target


def test_rows_nearest_the_threshold_come_first() -> None:
    queue = active_queue(scored_run(), limit=4, kind="rows")
    assert [item.key for item in queue[:2]] in ([16, 15], [15, 16])  # 0.80 and 0.75 around 0.8
    assert all(item.is_row and item.threshold == 0.8 for item in queue)
    assert queue[0].uncertainty >= queue[-1].uncertainty
    assert {item.flagged for item in queue} == {True, False}  # both sides of the threshold


def test_judged_rows_leave_the_queue() -> None:
    run = scored_run()
    finding_id = run.findings[0].id
    first = active_queue(run, limit=1, kind="rows")[0]
    again = active_queue(run, judged={row_target(finding_id, first.key)}, limit=1, kind="rows")[0]
    assert again.key != first.key


def test_rule_findings_follow_rows_and_a_rejected_finding_asks_nothing() -> None:
    run = scored_run()
    everything = active_queue(run, limit=100)
    findings = [i for i in everything if not i.is_row]
    assert [i.finding_id for i in findings] == [run.findings[1].id]
    assert everything[0].is_row  # a row on the threshold outranks a finding-level item
    rejected = run.findings[0].model_copy(update={"status": FindingStatus.REJECTED})
    run = run.model_copy(update={"findings": [rejected, run.findings[1]]})
    assert not active_queue(run, limit=100, kind="rows")


def test_groups_take_turns() -> None:
    run = scored_run()
    other = run.findings[0].model_copy(
        update={"id": "f" * 16, "asset": "shop/other", "check": "record_detectors:x"}
    )
    run = run.model_copy(update={"findings": [run.findings[0], other]})
    top = active_queue(run, limit=2, kind="rows")
    assert {i.asset for i in top} == {"shop/products", "shop/other"}


def test_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown kind"):
        active_queue(scored_run(), kind="cells")


def test_row_scores_keep_flagged_rows_and_room_for_near_misses() -> None:
    n = 3 * MAX_ROWS
    entry = row_scores_evidence(list(range(n)), [i / n for i in range(n)], 0.1, 0.1, "s", ["k"])
    flags = [r[2] for r in entry["rows"]]
    assert len(flags) == MAX_ROWS
    assert flags.count(False) == MIN_UNFLAGGED
    assert entry["rows"][0][1] == pytest.approx(0.1, abs=1 / n)  # nearest the threshold first
