"""Fine-tuning throughput of the transformer head: examples/s for full fp32, full bf16 and LoRA.

    .venv/bin/python benchmarks/finetune_speed.py [--examples 64] [--epochs 1] [--device auto|cpu|cuda]

Trains the cell classifier (stocktake.models.transformer.finetune) on serialised-cell-like
texts of seq <= 64 tokens, batch 16, one run per configuration, and prints examples/s for
each and its ratio to the full fp32 baseline; scoring (inference) speed is printed too. Model
loading is not timed. The last line is ``fp32=… bf16=… lora=… examples_per_second``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import numpy as np

from stocktake.models.finetune_settings import FineTuneSettings
from stocktake.models.transformer.finetune import CellClassifier

WORDS = [
    "north",
    "south",
    "market",
    "street",
    "avenue",
    "city",
    "springfield",
    "riverton",
    "lake",
    "hill",
    "view",
    "store",
    "kettle",
]


def texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        value = " ".join(rng.choices(WORDS, k=rng.randint(2, 5)))
        out.append(f"address: {value} | name: {rng.choice(WORDS)} {rng.randint(1, 99)} | usual: {value}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    args = parser.parse_args(argv)
    data = texts(args.examples)
    y = np.array([i % 2 for i in range(len(data))], dtype=np.float64)
    w = np.ones(len(data))
    configs = {"fp32": (False, "fp32"), "bf16": (False, "bf16"), "lora": (True, "auto")}
    speed: dict[str, float] = {}
    for name, (lora, precision) in configs.items():
        settings = FineTuneSettings(epochs=args.epochs, lora=lora, precision=precision, device=args.device)  # type: ignore[arg-type]
        model = CellClassifier.load(settings)
        model.fit(data[:16], y[:16], w[:16])  # warm-up: first steps allocate and pick kernels
        report = model.fit(data, y, w)
        started = time.perf_counter()
        model.predict_proba(data * 4)
        scoring = len(data) * 4 / (time.perf_counter() - started)
        speed[name] = report.examples_per_second
        print(
            f"{name}: {report.examples_per_second:.1f} examples/s training ({report.device}, {report.precision}, "
            f"{'LoRA' if report.lora else 'full'}), {scoring:.0f} texts/s scoring",
            flush=True,
        )
    for name in ("bf16", "lora"):
        print(f"{name} vs fp32: {speed[name] / speed['fp32']:.2f}x")
    print(f"fp32={speed['fp32']:.1f} bf16={speed['bf16']:.1f} lora={speed['lora']:.1f} examples_per_second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
