"""`stocktake review`: confirm, reject or mark fixed the findings of a run, in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from stocktake.cli.progress import console

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Finding, Run

_KEYS = {"c": "confirmed", "r": "rejected", "f": "fixed"}


@click.command()
@click.argument("finding_id", required=False)
@click.option(
    "--verdict",
    type=click.Choice(["confirmed", "rejected", "fixed"]),
    help="Record this verdict on FINDING_ID and exit.",
)
@click.option(
    "--pair",
    nargs=2,
    default=None,
    metavar="K1 K2",
    help="Judge one example pair of a near-duplicate FINDING_ID, by its two keys: --verdict confirmed "
    "(same entity) or rejected (different). Kept as labels for `train matcher --from-reviews`.",
)
@click.option("--comment", default=None, help="Why (kept with the verdict; shown in later reports).")
@click.option("--reviewer", envvar="USER", default=None, help="Who decided [default: $USER].")
@click.option(
    "--run",
    "run_ref",
    default="latest",
    show_default=True,
    metavar="RUN",
    help="A run id, id prefix, 'latest' or 'previous'.",
)
@click.option(
    "--type", "type_", default=None, metavar="T", help="Only findings of this type (e.g. missing_values)."
)
@click.option("--asset", default=None, metavar="A", help="Only findings on this asset (id or unique name).")
@click.option(
    "--active",
    is_flag=True,
    help="Label first what the detectors are least sure of: rows near a record detector's threshold, "
    "then low-confidence findings (the active-learning queue).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Items in the --active queue."
)
@click.pass_context
def review(
    ctx: click.Context,
    finding_id: str | None,
    verdict: str | None,
    pair: tuple[str, str] | None,
    comment: str | None,
    reviewer: str | None,
    run_ref: str,
    type_: str | None,
    asset: str | None,
    active: bool,
    limit: int,
) -> None:
    """Review open findings one by one (c confirm, r reject, f fixed, s skip, q quit), or record one
    verdict: `stocktake review FINDING_ID --verdict rejected --comment '...'`, or one on an example
    pair of a near-duplicate finding: `stocktake review FINDING_ID --pair K1 K2 --verdict confirmed`."""
    from stocktake.catalog import Catalog
    from stocktake.core.errors import CatalogError, UsageError
    from stocktake.review import apply_verdicts

    if (finding_id is None) != (verdict is None):
        raise UsageError("give both FINDING_ID and --verdict, or neither for the interactive review")
    if pair is not None and (finding_id is None or verdict not in ("confirmed", "rejected")):
        raise UsageError(
            "--pair needs FINDING_ID and --verdict confirmed (same entity) or rejected (different)"
        )
    if active and finding_id is not None:
        raise UsageError("--active is the interactive queue: leave out FINDING_ID and --verdict")
    with Catalog(ctx.obj["catalog"]) as catalog:
        run = apply_verdicts(catalog, catalog.get_run(run_ref))
        if active:
            _active_review(catalog, run, limit, reviewer)
            return
        if finding_id is not None:
            found = next((f for f in run.findings if f.id == finding_id), None)
            if found is None:
                raise CatalogError(f"no finding {finding_id!r} in run {run.id}")
            if pair is not None:
                _pair_verdict(catalog, run, found, pair, verdict or "", comment, reviewer)
                return
            catalog.record_verdict(
                finding_id, verdict or "", run_id=run.id, comment=comment, reviewer=reviewer
            )
            console.print(f"{finding_id}: {verdict}")
            return
        asset_id = catalog.get_asset(asset, run.id)[0].id if asset else None
        queue = [
            f
            for f in run.findings
            if str(f.status) == "open"
            and (type_ is None or f.type == type_)
            and (asset_id is None or f.asset == asset_id)
        ]
        console.print(f"{len(queue)} open findings in run {run.id}")
        done = 0
        for n, f in enumerate(queue, 1):
            console.print(
                f"\n[{n}/{len(queue)}] {f.severity} · {f.type} · {f.asset} {', '.join(f.columns)}",
                markup=False,
            )
            console.print(f"  {f.reason}", markup=False)
            console.print(
                f"  {f.rows.count:,} rows ({f.rows.share:.1%}) · score {f.score:.2f} · id {f.id}",
                markup=False,
            )
            key = click.prompt(
                "  c confirm / r reject / f fixed / s skip / q quit",
                type=click.Choice(["c", "r", "f", "s", "q"]),
                show_choices=False,
            )
            if key == "q":
                break
            if key == "s":
                continue
            note = click.prompt("  comment (Enter for none)", default="", show_default=False)
            catalog.record_verdict(f.id, _KEYS[key], run_id=run.id, comment=note or None, reviewer=reviewer)
            done += 1
        console.print(f"recorded {done} verdicts")


def _pair_verdict(
    catalog: Catalog,
    run: Run,
    finding: Finding,
    texts: tuple[str, str],
    verdict: str,
    comment: str | None,
    reviewer: str | None,
) -> None:
    from stocktake.review.pairs import find_pair, pair_target

    target = pair_target(finding.id, find_pair(finding, texts))
    catalog.record_verdict(target, verdict, run_id=run.id, comment=comment, reviewer=reviewer)
    meaning = "same entity" if verdict == "confirmed" else "different entities"
    console.print(f"{target}: {verdict} ({meaning})", markup=False)


def _active_review(catalog: Catalog, run: Run, limit: int, reviewer: str | None) -> None:
    from stocktake.review.active import active_queue

    judged = {v.finding_id for v in catalog.verdicts_starting_with("")}
    queue = active_queue(run, judged, limit)
    console.print(f"{len(queue)} items to label first in run {run.id} (most uncertain first)")
    done = 0
    for n, item in enumerate(queue, 1):
        if item.is_row:
            what = f"row {item.key} of finding {item.finding_id}"
            state = "flagged" if item.flagged else "not flagged"
            detail = f"score {item.score:.4g} vs threshold {item.threshold:.4g} ({state})"
            ask = "  c wrong (confirm) / r fine (reject) / s skip / q quit"
        else:
            what, detail = f"finding {item.finding_id}", f"score {item.score:.2f}"
            ask = "  c confirm / r reject / s skip / q quit"
        console.print(f"\n[{n}/{len(queue)}] {item.type} · {item.asset} · {what}", markup=False)
        console.print(f"  {detail} · uncertainty {item.uncertainty:.2f}", markup=False)
        key = click.prompt(ask, type=click.Choice(["c", "r", "s", "q"]), show_choices=False)
        if key == "q":
            break
        if key == "s":
            continue
        catalog.record_verdict(item.target, _KEYS[key], run_id=run.id, reviewer=reviewer)
        done += 1
    console.print(f"recorded {done} verdicts; `stocktake train from-reviews` learns from them")
