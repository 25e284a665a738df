"""Suggested checks on the demo estate flag the planted problems and (almost) nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stocktake.checks.contract_render import render_contract
from stocktake.checks.contract_yaml import parse_contract
from stocktake.checks.profile_rules import RuleOptions
from stocktake.demo import evaluate_findings, generate_estate, load_truth
from stocktake.pipeline import ScanOptions, scan_with_checks

# Types the suggested checks (with the profile rules) must find precisely on the demo estate.
GATED = ("temporal_order", "invalid_format", "out_of_range", "duplicate_key", "orphan_reference")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    layout = generate_estate(tmp_path_factory.mktemp("estate"), rows=20_000)
    truth = load_truth(layout.truth_path)
    as_of = datetime.fromisoformat(truth.as_of).replace(tzinfo=UTC)
    outcome = scan_with_checks(truth.source_paths(), ScanOptions(rules=RuleOptions(as_of=as_of)))
    return truth, outcome


def test_suggestions_find_the_planted_problems(demo):
    truth, outcome = demo
    scores = evaluate_findings(truth, outcome.run.findings)
    for name, s in sorted(scores.items()):
        print(
            f"{name:24} planted={s.planted} flagged={s.flagged} precision={s.precision} recall={s.recall:.2f}"
        )
    for name in GATED:
        assert scores[name].precision is not None and scores[name].precision >= 0.95, name
        assert scores[name].recall >= 0.95, name
    assert outcome.run.errors == []


def test_suggestions_carry_rationales_and_origin(demo):
    _, outcome = demo
    kinds = {c.kind for c, _ in outcome.suggestions}
    assert {"not_null", "unique", "allowed_values", "pattern", "range", "column_order", "not_future"} <= kinds
    assert "references" in kinds
    assert all(c.origin == "suggested" and why and "\n" not in why for c, why in outcome.suggestions)
    why = dict((c.name, w) for c, w in outcome.suggestions)
    assert why["not_null:orders:order_id"] == "no NULLs in 1,004 rows"
    assert "holds in 99.5% of 1,004 rows" in why["column_order:orders:ordered_at,paid_at"]
    statuses = {c.values for c, _ in outcome.suggestions if c.name == "allowed_values:orders:status"}
    assert statuses and "created" in next(iter(statuses))


def test_suggest_output_round_trips(demo):
    _, outcome = demo
    text = render_contract(outcome.suggestions, "suggested\nby a test")
    contract = parse_contract(text, "suggested.yml")
    back = {c.name: c for c in contract.checks}
    assert len(back) == len(outcome.suggestions)
    for check, _ in outcome.suggestions:
        assert back[check.name] == check.model_copy(update={"origin": "declared"})
    assert "# no NULLs in" in text


def test_declared_check_wins_over_suggested(demo, tmp_path):
    truth, _ = demo
    contract = parse_contract(
        "expected_assets: [ghosts]\n"
        "datasets:\n"
        "  users:\n"
        "    owner: crm\n"
        "    required_columns: [user_id, loyalty_tier]\n"
        "    checks:\n"
        "      - pattern: {column: email, format: email, severity: fail}\n"
    )
    as_of = datetime.fromisoformat(truth.as_of).replace(tzinfo=UTC)
    options = ScanOptions(rules=RuleOptions(as_of=as_of), contract=contract, relationships=False)
    outcome = scan_with_checks(truth.source_paths(), options)
    emails = [r for r in outcome.check_results if r.check.name == "pattern:users:email"]
    assert [(r.check.origin, r.status) for r in emails] == [("declared", "failed")]
    assert outcome.failed_fail_level == emails
    reasons = {f.reason for f in outcome.run.findings}
    assert "asset ghosts expected by the contract was not found" in reasons
    assert "column loyalty_tier required by the contract is not in users" in reasons
    assert next(a for a in outcome.run.assets if a.name == "users").owner == "crm"
