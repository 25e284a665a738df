"""What the web app shows, read from the catalog once and shared by the pages and the JSON API.

A run is read whole, masked (unless the reviewer opted in to personal data), given its latest
verdicts and turned into the report tree by the report's own builder, so the web app and the
HTML report agree on every number. Trees are cached per run and per state of the verdicts
table; a new verdict invalidates only what it changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stocktake.catalog import Catalog
from stocktake.core.errors import UsageError
from stocktake.core.records import Finding, Run
from stocktake.core.vocab import FindingStatus
from stocktake.history import HistoryComparison, MetricPoint, diff_runs
from stocktake.report import build_report
from stocktake.report.build import SEVERITY_ORDER
from stocktake.report.scores import asset_scores
from stocktake.review import with_verdicts
from stocktake.review.verdicts import latest_verdicts
from stocktake.semantics.redact_run import redact_run

if TYPE_CHECKING:
    from stocktake.catalog import RunSummary
    from stocktake.report import tree

_MAX_HISTORY = 30  # runs drawn in trends and asset histories
_CACHED_RUNS = 16


@dataclass(frozen=True)
class RunView:
    """One run as the app shows it: masked, with verdicts applied, plus its report tree."""

    run: Run
    report: tree.Report
    findings: dict[str, Finding]  # by id, with status from verdicts
    history: list[Run]  # comparable runs (same sources), oldest first, this one last


def priority(finding: Finding) -> float:
    """Impact × confidence: the share of rows a finding touches (downstream too) times its score."""
    share = finding.impact.share + sum(d.share for d in finding.impact.downstream)
    return round(min(share, 1.0) * finding.score, 6)


class CatalogService:
    def __init__(self, catalog_url: str | None, show_pii: bool = False) -> None:
        self.catalog = Catalog(catalog_url)
        self.pii_allowed = show_pii
        self._runs: OrderedDict[tuple[str, bool], Run] = OrderedDict()
        self._views: OrderedDict[tuple[str, bool, int], RunView] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        self.catalog.close()

    # -- runs ----------------------------------------------------------------------------------

    def list_runs(self) -> list[RunSummary]:
        return self.catalog.list_runs()

    def resolve(self, ref: str | None) -> str:
        return self.catalog.resolve_run(ref or "latest")

    def _stored_run(self, run_id: str, reveal: bool) -> Run:
        """A run as stored, masked unless personal data is both allowed and asked for."""
        show = reveal and self.pii_allowed
        key = (run_id, show)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
        run = redact_run(self.catalog.get_run(run_id), show_pii=show)
        with self._lock:
            self._runs[key] = run
            while len(self._runs) > _CACHED_RUNS:
                self._runs.popitem(last=False)
        return run

    def _verdict_stamp(self) -> int:
        return self.catalog.last_verdict_id()

    def _history(self, run: Run, reveal: bool) -> list[Run]:
        uris = sorted(s.uri for s in run.sources)
        ids = [s.id for s in self.list_runs() if sorted(x.uri for x in s.sources) == uris]
        if run.id in ids:
            ids = ids[ids.index(run.id) :]  # this run and older ones; list_runs is newest first
        return [self._stored_run(i, reveal) for i in reversed(ids[:_MAX_HISTORY])]

    def view(self, ref: str | None = None, reveal: bool = False) -> RunView:
        run_id = self.resolve(ref)
        key = (run_id, reveal and self.pii_allowed, self._verdict_stamp())
        with self._lock:
            if key in self._views:
                return self._views[key]
        stored = self._stored_run(run_id, reveal)
        run = with_verdicts(stored, latest_verdicts(self.catalog, (f.id for f in stored.findings)))
        history = self._history(stored, reveal)
        report = build_report(run, history=_comparison(history))
        made = RunView(run, report, {f.id: f for f in run.findings}, history)
        with self._lock:
            self._views[key] = made
            while len(self._views) > _CACHED_RUNS:
                self._views.popitem(last=False)
        return made

    # -- trends --------------------------------------------------------------------------------

    def trends(self, view: RunView) -> list[dict[str, object]]:
        """Per comparable run, oldest first: open findings and the mean asset score (with verdicts)."""
        points = []
        verdicts = latest_verdicts(self.catalog, (f.id for r in view.history for f in r.findings))
        for past in view.history:
            judged = with_verdicts(past, verdicts) if past.id != view.run.id else view.run
            scores = asset_scores(judged.assets, judged.findings)
            open_count = sum(1 for f in judged.findings if f.status == FindingStatus.OPEN)
            mean = sum(scores.values()) / len(scores) if scores else 100.0
            points.append(
                {
                    "run_id": past.id,
                    "started_at": past.started_at,
                    "open": open_count,
                    "score": round(mean, 1),
                }
            )
        return points

    # -- diff ----------------------------------------------------------------------------------

    def diff(self, old_ref: str | None, new_ref: str | None, reveal: bool = False) -> tuple[Run, Run, object]:
        new_id = self.resolve(new_ref)
        old_id = self.resolve(old_ref) if old_ref else self._previous(new_id)
        if old_id == new_id:
            raise UsageError("pick two different runs to compare")
        old, new = self.view(old_id, reveal).run, self.view(new_id, reveal).run
        return old, new, diff_runs(old, new)

    def _previous(self, run_id: str) -> str:
        ids = [s.id for s in self.list_runs()]
        later = ids.index(run_id) + 1
        if later >= len(ids):
            raise UsageError("this is the oldest run: there is nothing to compare it with")
        return ids[later]


def _comparison(history: list[Run]) -> HistoryComparison | None:
    """What the report builder needs to draw rows over runs and 'since the last run'."""
    if not history:
        return None
    run = history[-1]
    series: dict[str, list[MetricPoint]] = defaultdict(list)
    for past in history:
        for asset in past.assets:
            value = None if asset.row_count is None else float(asset.row_count)
            series[asset.id].append(MetricPoint(past.id, past.started_at, value))
    row_counts = {a.id: series[a.id] for a in run.assets}
    if len(history) < 2:
        return HistoryComparison(row_counts=row_counts)
    previous = history[-2]
    return HistoryComparison(previous.id, diff_runs(previous, run), [], row_counts)


def severity_rank(severity: str) -> int:
    return len(SEVERITY_ORDER) - SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
