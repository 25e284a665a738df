"""Bot traffic in behaviour logs: per-entity behaviour features computed in SQL, judged as outliers.

An asset qualifies when the semantic-type classifier finds a user id, an event time and a
behaviour type column. Per user, where the data lives: events, events per active day, the share
of consecutive gaps equal to the user's most common gap (a scheduler ticks, people do not), and
the share of the user's most frequent behaviour type. Users beyond Tukey's far-out fence on at
least MIN_EXTREME features are reported, each with the features that made it (ecod.py).

Per user the score is the number of extreme features plus a fraction from the tail contributions
(so users tie less), and the threshold is MIN_EXTREME unless reviews tuned it (row_scores.py).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from stocktake.core.records import NUMERIC_TYPES
from stocktake.core.vocab import FindingType
from stocktake.detection.ecod import far_out, tail_contributions
from stocktake.detection.records import fetch, in_predicate, make_finding
from stocktake.detection.row_scores import ROW_SCORES_KEY, Tuning, row_scores_evidence
from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    from stocktake.core.records import Finding
    from stocktake.detection.records import AssetContext

CHECK = "record_detectors:bot_traffic"
MIN_EVENTS = 20  # fewer events say nothing about a rhythm
MIN_USERS = 30  # a population to compare against
MIN_EXTREME = 3  # features beyond the far-out fence
MAX_SHARE_FLAGGED = 0.02  # more extreme users than this is a population trait, not bots
FEATURES = ("events", "events_per_day", "gap_regularity", "type_focus")
# Floors on the fence, in feature units: a busy shopper is not extreme at 10 events or 50% regular gaps.
FLOORS = np.array([200.0, 50.0, 0.5, 0.0])


def bot_findings(ctx: AssetContext, tuning: Tuning | None = None) -> list[Finding]:
    users, times, kinds = (ctx.columns_of(t) for t in ("user_id", "event_time", "behaviour_type"))
    if not users or not times or not kinds:
        return []
    user, time, kind = users[0], times[0], kinds[0]
    rows = fetch(ctx, _feature_sql(ctx, user, time, kind))
    if len(rows) < MIN_USERS:
        return []
    ids = [r[0] for r in rows]
    n = np.array([float(r[1]) for r in rows])
    days = np.array([max(float(r[2] or 1), 1.0) for r in rows])
    modal = np.array([float(r[3] or 0) for r in rows])
    top = np.array([float(r[4] or 0) for r in rows])
    x = np.column_stack([n, n / days, modal / np.maximum(n - 1, 1), top / n])
    extreme = far_out(x, FLOORS)
    contrib = tail_contributions(x)
    # Extreme features, plus under one point from how far into the tails the user is.
    spread = np.minimum(contrib.sum(axis=1) / (len(FEATURES) * math.log10(len(rows))), 0.999)
    user_score = extreme.sum(axis=1) + spread
    tuned = tuning or Tuning()
    threshold = tuned.threshold(CHECK, float(MIN_EXTREME))
    labels = [tuned.label(CHECK, i) for i in ids]  # a person's verdict outranks the score
    marks = np.array(
        [
            (s >= threshold or lab is True) and lab is not False
            for s, lab in zip(user_score, labels, strict=True)
        ]
    )
    flagged = np.flatnonzero(marks)
    guessed = sum(1 for i in flagged if labels[i] is None)  # people's labels are not a population trait
    if not len(flagged) or guessed > MAX_SHARE_FLAGGED * len(rows):
        return []
    order = flagged[np.argsort(-contrib[flagged].sum(axis=1))]
    flagged_ids = [ids[i] for i in order]
    count = int(n[order].sum())
    per_user = [
        {
            "user": ids[i],
            "events": int(n[i]),
            "contributions": {f: round(float(contrib[i, j]), 2) for j, f in enumerate(FEATURES)},
            "values": {f: round(float(x[i, j]), 3) for j, f in enumerate(FEATURES)},
        }
        for i in order[:20]
    ]
    first = per_user[0]
    why = ", ".join(
        f"{f} {first['values'][f]:g} (1 in {10 ** first['contributions'][f]:,.0f})"
        for f in sorted(FEATURES, key=lambda f: -first["contributions"][f])[:3]
    )
    reason = (
        f"{len(order)} of {len(rows):,} {user} values behave like bots ({count:,} events): extreme on "
        f"{MIN_EXTREME}+ of {', '.join(FEATURES)}; e.g. {user} {first['user']}: {why}"
    )
    if threshold != MIN_EXTREME:
        reason += f" (score threshold {threshold:.3g}, learned from reviews)"
    medians = {f: round(float(np.median(x[:, j])), 3) for j, f in enumerate(FEATURES)}
    evidence = {
        "users_compared": len(rows),
        "population_median": medians,
        "flagged": per_user,
        ROW_SCORES_KEY: row_scores_evidence(
            ids, user_score.tolist(), threshold, float(MIN_EXTREME),
            "features beyond the far-out fence + tail depth (0-1)", [user], marks.tolist(),
        ),
    }  # fmt: skip
    score = 0.5 + 0.5 * min(1.0, float(contrib[order[0]].sum()) / (len(FEATURES) * math.log10(len(rows))))
    predicate = in_predicate(user, flagged_ids)
    return [
        make_finding(
            ctx, FindingType.BOT_TRAFFIC, [user], CHECK, count, reason, evidence, score, predicate,
            keys=flagged_ids, key_cols=[user],
        )
    ]  # fmt: skip


def _feature_sql(ctx: AssetContext, user: str, time: str, kind: str) -> str:
    u, t, b = quote_duckdb(user), quote_duckdb(time), quote_duckdb(kind)
    numeric = ctx.profiles[time].logical_type in NUMERIC_TYPES  # Unix seconds
    seconds = f"CAST({t} AS DOUBLE)" if numeric else f"CAST({_epoch(ctx.engine.dialect, t)} AS DOUBLE)"
    return f"""
    WITH e AS (SELECT {u} AS u, {seconds} AS s, {b} AS b FROM {{REL}} WHERE {u} IS NOT NULL AND {t} IS NOT NULL),
    g AS (SELECT u, s - LAG(s) OVER (PARTITION BY u ORDER BY s) AS gap FROM e),
    gaps AS (SELECT u, gap, COUNT(*) AS n FROM g WHERE gap > 0 GROUP BY u, gap),
    reg AS (SELECT u, MAX(n) AS modal FROM gaps GROUP BY u),
    kinds AS (SELECT u, b, COUNT(*) AS n FROM e GROUP BY u, b),
    top AS (SELECT u, MAX(n) AS top FROM kinds GROUP BY u),
    base AS (SELECT u, COUNT(*) AS n, COUNT(DISTINCT FLOOR(s / 86400)) AS days FROM e GROUP BY u)
    SELECT base.u, base.n, base.days, reg.modal, top.top
    FROM base LEFT JOIN reg ON reg.u = base.u LEFT JOIN top ON top.u = base.u
    WHERE base.n >= {MIN_EVENTS}
    """


def _epoch(dialect: str, column: str) -> str:
    """Seconds since 1970 in DuckDB SQL that transpiles to something the engine has."""
    if dialect == "sqlite":  # becomes a JULIANDAY difference
        return f"date_diff('second', TIMESTAMP '1970-01-01 00:00:00', {column})"
    if dialect == "mysql":  # passed through by the transpiler as MySQL's own function
        return f"unix_timestamp({column})"
    return f"epoch({column})"
