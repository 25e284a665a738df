"""A cross-encoder for record pairs: the packaged MiniLM with a one-logit head, fine-tuned.

Both serialised records go through the transformer together (``[CLS] left [SEP] right``), so
attention compares them token by token: far stronger than comparing two sentence vectors, and
far slower (every pair is a forward pass). Training: BCE loss, AdamW, linear warmup then decay,
optional bf16 autocast, early stopping on validation F1 at the F1-best threshold. Augmentation
swaps the two sides and drops a short token span or one attribute, so the model does not learn
which source sits on which side or lean on a single field.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from stocktake.models.transformer.loading import force_offline, limit_torch_threads, quiet_transformers

TextPair = tuple[str, str]
EpochCallback = Callable[[int, float, float], None]  # epoch, validation F1, seconds so far


@dataclass
class CrossEncoderSettings:
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 3e-5
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    max_length: int = 160
    patience: int = 2
    augment: bool = True
    bf16: bool = False
    device: str = "cpu"
    seed: int = 0
    max_train_pairs: int | None = None  # cap for quick runs; None trains on every pair


def _drop_span(text: str, rng: random.Random) -> str:
    """Remove one ``COL x VAL y`` attribute (half the time) or a span of 1-3 tokens."""
    if rng.random() < 0.5 and text.count("COL ") > 1:
        parts = text.split("COL ")
        head, fields = parts[0], parts[1:]
        fields.pop(rng.randrange(len(fields)))
        return head + "".join("COL " + f for f in fields)
    words = text.split()
    if len(words) < 6:
        return text
    width = rng.randint(1, 3)
    start = rng.randrange(len(words) - width)
    return " ".join(words[:start] + words[start + width :])


def augment(pair: TextPair, rng: random.Random) -> TextPair:
    left, right = pair
    if rng.random() < 0.5:
        left, right = right, left
    if rng.random() < 0.3:
        if rng.random() < 0.5:
            left = _drop_span(left, rng)
        else:
            right = _drop_span(right, rng)
    return left, right


class CrossEncoder:
    def __init__(self, model, tokenizer, settings: CrossEncoderSettings) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.settings = settings
        self.device = torch.device(settings.device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            from stocktake.core.errors import UsageError

            raise UsageError("--device cuda: torch sees no CUDA device here")
        self.model.to(self.device)

    @classmethod
    def from_pretrained(cls, model_dir: Path, settings: CrossEncoderSettings) -> CrossEncoder:
        force_offline()
        limit_torch_threads()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.manual_seed(settings.seed)
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, use_fast=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                model_dir, num_labels=1, local_files_only=True
            )
        return cls(model, tokenizer, settings)

    def save(self, folder: Path) -> None:
        self.model.save_pretrained(folder, safe_serialization=True)  # safetensors: loading runs no code
        self.tokenizer.save_pretrained(folder)

    def _autocast(self):  # -> context manager
        if not self.settings.bf16:
            return nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def _batch(self, pairs: Sequence[TextPair]) -> dict[str, torch.Tensor]:
        encoded = self.tokenizer(
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            truncation="longest_first",
            max_length=self.settings.max_length,
            padding=True,
            return_tensors="pt",
        )
        return {k: v.to(self.device) for k, v in encoded.items()}

    def predict_proba(self, pairs: Sequence[TextPair], batch_size: int = 64) -> np.ndarray:
        self.model.eval()
        out = np.empty(len(pairs), dtype=np.float64)
        order = np.argsort([len(a) + len(b) for a, b in pairs], kind="stable")  # less padding
        with torch.inference_mode(), self._autocast():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                logits = self.model(**self._batch([pairs[i] for i in rows])).logits.float().squeeze(-1)
                out[rows] = torch.sigmoid(logits).cpu().numpy()
        return out

    def fit(
        self,
        train: Sequence[TextPair],
        train_labels: Sequence[int],
        valid: Sequence[TextPair],
        valid_labels: Sequence[int],
        choose: Callable[[np.ndarray, np.ndarray], float],
        on_epoch: EpochCallback | None = None,
    ) -> tuple[float, list[float]]:
        """Fine-tune; keep the weights of the epoch with the best `choose(labels, scores)` (validation
        F1). Returns that F1 and the per-epoch history."""
        s = self.settings
        rng = random.Random(s.seed)
        torch.manual_seed(s.seed)
        indices = list(range(len(train)))
        if s.max_train_pairs is not None and len(indices) > s.max_train_pairs:
            indices = rng.sample(indices, s.max_train_pairs)
        labels = torch.tensor([float(train_labels[i]) for i in range(len(train))])
        positives = float(labels[indices].sum())
        pos_weight = (
            torch.tensor([(len(indices) - positives) / max(positives, 1.0)]).clamp(max=4.0).to(self.device)
        )
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        no_decay = ("bias", "LayerNorm.weight")
        groups = [
            {
                "params": [p for n, p in self.model.named_parameters() if not any(k in n for k in no_decay)],
                "weight_decay": s.weight_decay,
            },
            {
                "params": [p for n, p in self.model.named_parameters() if any(k in n for k in no_decay)],
                "weight_decay": 0.0,
            },
        ]
        optimizer = torch.optim.AdamW(groups, lr=s.learning_rate)
        steps = s.epochs * ((len(indices) + s.batch_size - 1) // s.batch_size)
        warmup = max(1, int(s.warmup_share * steps))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))),
        )
        started = time.perf_counter()
        best_f1, best_state, history, since_best = -1.0, None, [], 0
        for epoch in range(1, s.epochs + 1):
            self.model.train()
            rng.shuffle(indices)
            for start in range(0, len(indices), s.batch_size):
                rows = indices[start : start + s.batch_size]
                batch_pairs = [augment(train[i], rng) if s.augment else train[i] for i in rows]
                with self._autocast():
                    logits = self.model(**self._batch(batch_pairs)).logits.float().squeeze(-1)
                loss = loss_fn(logits, labels[rows].to(self.device))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
            f1 = choose(np.asarray(valid_labels), self.predict_proba(valid))
            history.append(f1)
            if on_epoch is not None:
                on_epoch(epoch, f1, time.perf_counter() - started)
            if f1 > best_f1:
                best_f1, since_best = f1, 0
                best_state = copy.deepcopy(self.model.state_dict())
            else:
                since_best += 1
                if since_best >= s.patience:
                    break
        if best_state is not None:
            self.model.load_state_dict(best_state)
        return best_f1, history


def load_cross_encoder(folder: Path, settings: CrossEncoderSettings) -> CrossEncoder:
    return CrossEncoder.from_pretrained(folder, settings)


__all__ = ["CrossEncoder", "CrossEncoderSettings", "augment", "load_cross_encoder"]
