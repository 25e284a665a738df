"""Quality scores: one number per asset and per domain, 0 (unusable) to 100 (no findings).

An asset starts at 100. Each open finding keeps a fraction of what is left:

    score = 100 × Π (1 − weight(severity) × max(share, MIN_SHARE))

where `share` is the share of the asset's rows the finding touches. So a critical problem on
every row takes the score to 0, an error on 10 % of rows costs 5 %, and many small warnings add
up without any one of them dominating. Findings that touch no countable rows (a dropped column,
a stale partition) still cost MIN_SHARE of their weight. Findings a person rejected or marked
fixed cost nothing. A domain's score is the mean of its assets' scores: each asset is a thing
someone owns and must fix, whatever its size. See docs/report.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from stocktake.core.records import Asset, Finding
from stocktake.core.vocab import FindingStatus, Severity

SEVERITY_WEIGHT: dict[str, float] = {
    Severity.CRITICAL.value: 1.0,
    Severity.ERROR.value: 0.5,
    Severity.WARNING.value: 0.2,
    Severity.INFO.value: 0.02,
}
MIN_SHARE = 0.02
_NOT_COUNTED = {FindingStatus.REJECTED.value, FindingStatus.FIXED.value}
GOOD, FAIR = 90.0, 70.0  # tone thresholds


def asset_scores(assets: Iterable[Asset], findings: Iterable[Finding]) -> dict[str, float]:
    kept: dict[str, float] = {a.id: 1.0 for a in assets}
    for f in findings:
        if f.asset not in kept or str(f.status) in _NOT_COUNTED:
            continue
        cost = SEVERITY_WEIGHT.get(str(f.severity), 0.0) * max(f.rows.share, MIN_SHARE)
        kept[f.asset] *= 1.0 - min(cost, 1.0)
    return {asset: round(100.0 * k, 1) for asset, k in kept.items()}


def domain_scores(assets: Iterable[Asset], scores: dict[str, float]) -> dict[str, tuple[float, str, int]]:
    """domain -> (mean score, lowest-scoring asset id, asset count); untagged assets count as 'other'."""
    members: dict[str, list[str]] = defaultdict(list)
    for a in assets:
        members[a.domain or "other"].append(a.id)
    out = {}
    for domain, ids in members.items():
        worst = min(ids, key=lambda i: (scores[i], i))
        out[domain] = (round(sum(scores[i] for i in ids) / len(ids), 1), worst, len(ids))
    return out


def tone(score: float) -> str:
    return "good" if score >= GOOD else "fair" if score >= FAIR else "poor"
