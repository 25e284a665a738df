"""Settings of a transformer fine-tuning run, importable without torch (the trainer is in
stocktake.models.transformer.finetune)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from stocktake.core.errors import UsageError

Device = Literal["auto", "cpu", "cuda"]
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class FineTuneSettings:
    """How to fine-tune; kept apart from the trainer so a run can record it."""

    epochs: int = 2
    batch_size: int = 16
    max_length: int = 64  # tokens; serialised cells are short
    learning_rate: float = 1e-3  # LoRA adapters and the head
    full_learning_rate: float = 1e-4  # every weight, when lora is False
    lora: bool = True
    lora_rank: int = 8
    precision: Literal["auto", "fp32", "bf16"] = "auto"  # auto: bf16 where the device computes it natively
    device: Device = "auto"  # auto: cuda when torch sees a GPU
    seed: int = 0
    score_batch_size: int = 128

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.max_length < 8:
            raise UsageError("epochs and batch_size must be >= 1 and max_length >= 8")
        if self.device not in DEVICES:
            raise UsageError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if self.precision not in ("auto", "fp32", "bf16"):
            raise UsageError(f"precision must be auto, fp32 or bf16, not {self.precision!r}")
