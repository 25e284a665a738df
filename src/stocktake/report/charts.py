"""Charts from the report tree as small inline SVG: no scripts, no fonts, no external files.

Geometry is done here in Python; colours and type come from the page's CSS classes
(so dark mode and print styles apply). Every piece of text is escaped.
"""

from __future__ import annotations

import math
from datetime import timedelta

from markupsafe import Markup, escape

from stocktake.report.tree import BarChart, Chart, DayChart, ErDiagram, QuantileStrip, SeriesChart

WIDTH = 420
BAR_ROW = 18
LABEL_WIDTH = 160  # fits ReportOptions.max_label cells at 11px
VALUE_ROOM = 100  # right of the bars: the values, right-aligned
MAX_DAY_BUCKETS = 120  # wider spans are summed into buckets of several days


def _n(x: float) -> str:
    """Coordinates with at most one decimal: enough for a chart, short in the file."""
    return f"{x:.1f}".rstrip("0").rstrip(".")  # never exponent notation


def _svg(height: float, body: str, label: str) -> Markup:
    return Markup(
        # No xmlns: inline SVG in HTML does not need it, and the page carries no URLs at all.
        f'<svg class="chart" viewBox="0 0 {WIDTH} {_n(height)}" role="img" aria-label="{escape(label)}">'
        f"{body}</svg>"
    )


def bar_chart(chart: BarChart, label: str = "bar chart") -> Markup:
    if not chart.bars:
        return Markup('<p class="muted">Nothing to chart.</p>')
    top = max(b.value for b in chart.bars) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    # A column profile holds several of these, so per-bar markup is kept minimal: bars
    # of one tone are strokes of one path; labels and right-aligned values share their
    # group's class and position, so each text carries only its y.
    paths: dict[str, list[str]] = {}
    labels: list[str] = []
    values: list[str] = []
    for i, bar in enumerate(chart.bars):
        y = i * BAR_ROW + 13
        w = max(bar.value / top * span, 1.5 if bar.value else 0)
        paths.setdefault(bar.tone, []).append(f"M{LABEL_WIDTH} {y - 4}h{_n(w)}")
        hover = f"<title>{escape(bar.title)}</title>" if bar.title and bar.title != bar.label else ""
        labels.append(f'<text y="{y}">{hover}{escape(bar.label)}</text>')
        values.append(f'<text y="{y}">{escape(bar.display)}</text>')
    body = "".join(
        f'<path class="bars{" " + escape(tone) if tone else ""}" d="{"".join(d)}"/>'
        for tone, d in paths.items()
    )
    body += (
        f'<g class="l{" mono" if chart.mono else ""}">{"".join(labels)}</g>'
        f'<g class="v" transform="translate({WIDTH} 0)">{"".join(values)}</g>'
    )
    height = len(chart.bars) * BAR_ROW + 4
    if chart.left_off:
        body += f'<text y="{height + 10}" class="note">+ {chart.left_off:,} more</text>'
        height += 16
    return _svg(height, body, label)


def day_chart(chart: DayChart, label: str = "rows per day") -> Markup:
    if not chart.points:
        return Markup('<p class="muted">No dated rows.</p>')
    first = chart.points[0].day
    days = (chart.points[-1].day - first).days + 1
    size = max(1, math.ceil(days / MAX_DAY_BUCKETS))  # days per bucket
    buckets = [0] * math.ceil(days / size)
    for point in chart.points:
        buckets[(point.day - first).days // size] += point.count
    plot_top, base, height = 16, 84, 100
    top = max(buckets) or 1
    step = WIDTH / len(buckets)
    # Columns are vertical strokes of one path, drawn one unit apart and stretched by
    # scale(step, 1): "m1 43V41" per day keeps even a long series small. Empty buckets
    # stay visible as gaps.
    moves: list[str] = []
    last: tuple[int, int] | None = None
    for i, n in enumerate(buckets):
        if not n:
            continue
        y = round(base - max(n / top * (base - plot_top), 1))
        moves.append(f"M{i + 0.5} {base}V{y}" if last is None else f"m{i - last[0]} {base - last[1]}V{y}")
        last = (i, y)
    stroke = 0.8 if step >= 3 else 1  # thin columns get no gap between them
    span = "1 day" if size == 1 else f"{size} days"
    last_bucket_day = first + timedelta(days=(len(buckets) - 1) * size)
    body = (
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" class="axis"/>'
        f'<path d="{"".join(moves)}" class="cols" stroke-width="{stroke}" transform="scale({step:.4g} 1)"/>'
        f'<text x="0" y="10" class="note">peak {escape(chart.peak)} per {span}</text>'
        f'<text x="{WIDTH}" y="10" class="note end">total {escape(chart.total)}</text>'
        f'<text x="0" y="{height - 2}" class="note">{escape(chart.first)}</text>'
        f'<text x="{WIDTH}" y="{height - 2}" class="note end">{escape(chart.last)}</text>'
        f"<title>{escape(label)}: {escape(first.isoformat())} to {escape(last_bucket_day.isoformat())}"
        f"{'' if size == 1 else f', {size} days per bar'}</title>"
    )
    return _svg(height, body, label)


def quantile_strip(chart: QuantileStrip, label: str = "distribution") -> Markup:
    if not chart.marks:
        return Markup("")
    pad, mid, height = 6, 18, 46
    span = WIDTH - 2 * pad

    def x(at: float) -> str:
        return _n(pad + at * span)

    by_rank = {round(m.rank, 4): m for m in chart.marks}
    outer = (chart.marks[0], chart.marks[-1])  # marks arrive sorted by rank
    parts = [
        f'<line x1="{pad}" y1="{mid}" x2="{WIDTH - pad}" y2="{mid}" class="axis"/>',
        f'<line x1="{x(outer[0].at)}" y1="{mid}" x2="{x(outer[1].at)}" y2="{mid}" class="whisker"/>',
    ]
    q1, q3 = by_rank.get(0.25), by_rank.get(0.75)
    if q1 and q3:
        width = max((q3.at - q1.at) * span, 1.5)
        parts.append(
            f'<rect x="{x(q1.at)}" y="{mid - 7}" width="{_n(width)}" height="14" rx="2" class="box"/>'
        )
    # Values are listed under the chart, so the ticks carry no titles: one path for all.
    median = by_rank.get(0.5)
    ticks = "".join(f"M{x(m.at)} {mid - 8}v16" for m in chart.marks if m is not median)
    parts.append(f'<path d="{ticks}" class="tick"/>')
    if median:
        parts.append(f'<path d="M{x(median.at)} {mid - 9}v18" class="median"/>')
    parts.append(f'<text x="{pad}" y="{height - 3}" class="note">{escape(chart.low)}</text>')
    parts.append(f'<text x="{WIDTH - pad}" y="{height - 3}" class="note end">{escape(chart.high)}</text>')
    if median and 0.2 < median.at < 0.8:  # only where it cannot collide with min and max
        parts.append(
            f'<text x="{x(median.at)}" y="{height - 3}" class="note mid">{escape(median.display)}</text>'
        )
    return _svg(height, "".join(parts), label)


def series_chart(chart: SeriesChart, label: str = "history") -> Markup:
    """A metric over runs: a line through the measured points, anomalies marked."""
    known = [p.value for p in chart.points if p.value is not None]
    if len(known) < 2:
        return Markup('<p class="muted">Fewer than two runs measured this.</p>')
    plot_top, base, height = 18, 78, 96
    low, high = min(0.0, min(known)), max(known) or 1.0
    step = (WIDTH - 20) / max(1, len(chart.points) - 1)

    def y(value: float) -> float:
        return base - (value - low) / ((high - low) or 1.0) * (base - plot_top)

    line, dots, flags = [], [], []
    for i, point in enumerate(chart.points):
        if point.value is None:
            continue
        x, yy = 10 + i * step, y(point.value)
        line.append(f"{'M' if not line else 'L'}{_n(x)} {_n(yy)}")
        tip = f"<title>{escape(point.label)}: {escape(point.display)}{' (anomaly)' if point.flagged else ''}</title>"
        (flags if point.flagged else dots).append(
            f'<circle cx="{_n(x)}" cy="{_n(yy)}" r="3.5">{tip}</circle>'
        )
    first, last = chart.points[0], chart.points[-1]
    body = (
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" class="axis"/>'
        f'<path d="{"".join(line)}" class="line"/>'
        f'<g class="dots">{"".join(dots)}</g><g class="dots flagged">{"".join(flags)}</g>'
        f'<text x="0" y="10" class="note">{escape(chart.metric)} over {len(chart.points)} runs</text>'
        f'<text x="{WIDTH}" y="10" class="note end">latest {escape(last.display)}</text>'
        f'<text x="0" y="{height - 2}" class="note">{escape(first.label)}</text>'
        f'<text x="{WIDTH}" y="{height - 2}" class="note end">{escape(last.label)}</text>'
    )
    return _svg(height, body, label)


def er_diagram(chart: ErDiagram, label: str = "relationships") -> Markup:
    """Boxes for assets (linking to their sections), curves from a child's key to its parent's."""
    # The arrowhead marks the referenced (parent) end; markers are referenced by fragment only.
    parts = [
        '<defs><marker id="erd-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0 0L8 4L0 8z" class="arrow"/></marker></defs><g class="edges">'
    ]
    for e in chart.edges:
        parts.append(
            f'<path d="{e.path}" class="edge{" weak" if e.weak else ""}" marker-end="url(#erd-arrow)">'
            f"<title>{escape(e.label)} · {escape(e.coverage)} of values found</title></path>"
        )
    parts.append("</g>")
    for n in chart.nodes:
        rows = "".join(
            f'<text x="{_n(n.x + 10)}" y="{_n(n.y + 24 + 15 * i + 11)}" class="key">{escape(k)}</text>'
            for i, k in enumerate(n.keys)
        )
        parts.append(
            f'<a href="#{escape(n.anchor)}" class="node"><rect x="{_n(n.x)}" y="{_n(n.y)}" width="{_n(n.width)}" '
            f'height="{_n(n.height)}" rx="6"/><path d="M{_n(n.x)} {_n(n.y + 22)}h{_n(n.width)}" class="rule"/>'
            f'<text x="{_n(n.x + 10)}" y="{_n(n.y + 16)}" class="name">{escape(n.name)}</text>{rows}</a>'
        )
    return Markup(
        f'<svg class="chart erd" viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        f'width="{_n(chart.width)}" role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>'
    )


def render_chart(chart: Chart | None, label: str = "") -> Markup:
    """The Jinja filter `svg`: any chart node in, inline SVG out."""
    if chart is None:
        return Markup("")
    if isinstance(chart, BarChart):
        return bar_chart(chart, label or "bar chart")
    if isinstance(chart, DayChart):
        return day_chart(chart, label or "rows per day")
    if isinstance(chart, QuantileStrip):
        return quantile_strip(chart, label or "distribution")
    if isinstance(chart, SeriesChart):
        return series_chart(chart, label or "history")
    if isinstance(chart, ErDiagram):
        return er_diagram(chart, label or "relationships")
    raise TypeError(f"not a chart: {type(chart).__name__}")
