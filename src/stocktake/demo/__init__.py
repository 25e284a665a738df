"""A synthetic e-commerce estate with planted problems of every finding type, and its ground truth.

layout = generate_estate(Path("estate"), rows=100_000, seed=7)
truth = load_truth(layout.truth_path)
scores = evaluate_findings(truth, run.findings)
"""

from __future__ import annotations

from stocktake.demo.estate import generate_estate
from stocktake.demo.evaluate import TypeScore, evaluate_findings
from stocktake.demo.layout import EstateLayout
from stocktake.demo.truth import Problem, Truth, load_truth

__all__ = [
    "EstateLayout",
    "Problem",
    "Truth",
    "TypeScore",
    "evaluate_findings",
    "generate_estate",
    "load_truth",
]
