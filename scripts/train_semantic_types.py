"""Train the semantic column type model and write src/stocktake/semantics/data/semantic_model.npz.

Reproducible: a fixed seed draws synthetic tables (scripts/semantic_training_columns.py), the
demo estate adds its own labelled columns, both are profiled by the real scanner (so features
see exactly what a scan sees), and a multinomial logistic regression is fitted on the
torch-free features. The hand-labelled set in tests/data is never read here.

    .venv/bin/python scripts/train_semantic_types.py [--columns-per-type 160] [--seeds 11,12]
    .venv/bin/python scripts/train_semantic_types.py --encoder   # semantic_model_encoder.npz

With --encoder ([model] extra) the MiniLM embeddings of the spelled-out name and the mean
embedding of up to 5 top values are appended to the torch-free features.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import re
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

sys.path.insert(0, str(Path(__file__).resolve().parent))

from semantic_training_columns import MAKERS, draw_column, style_name

from stocktake.core.records import ColumnProfile
from stocktake.demo import generate_estate
from stocktake.pipeline import ScanOptions, scan
from stocktake.semantics.column_features import (
    NAME_DIM,
    VALUE_DIM,
    column_features,
    encoder_features,
    feature_count,
    is_headerless,
    name_text,
    value_texts,
)

MODEL_PATH = (
    Path(__file__).resolve().parents[1] / "src" / "stocktake" / "semantics" / "data" / "semantic_model.npz"
)
ENCODER_MODEL_PATH = MODEL_PATH.with_name("semantic_model_encoder.npz")
_CJK = re.compile(r"[\u3400-\u9fff]")
EMBEDDING_DIM = 384  # all-MiniLM-L6-v2
# Unit-length embeddings have entries near 0.05; scaled up they can compete with 0/1 features
# under the same regularisation. 8 had the lowest held-out synthetic log loss of 4, 8 and 16.
EMBEDDING_SCALE = 8.0
# Keys come headerless more often than other columns (raw event logs such as UserBehavior).
# So do the texts of search logs and passage corpora (query id, query text as column0, column1).
HEADERLESS_SHARE = {
    "user_id": 0.25, "item_id": 0.25, "category": 0.2, "identifier": 0.25, "event_time": 0.15,
    "boolean_flag": 0.2,
    "search_query": 0.2, "product_title": 0.15,
}  # fmt: skip
SCAN_ONLY = ScanOptions(findings=False, relationships=False, suggest=False, semantic_types="off")
# The demo estate's columns, labelled by name once (the estate's layout is fixed by its code).
DEMO_LABELS = {
    "user_id": "user_id", "item_id": "item_id", "clicked_item_id": "item_id", "supplier_sku": "sku",
    "sku": "sku", "order_id": "order_id", "session_id": "session_id", "category_id": "category",
    "category": "category", "brand": "brand", "product_name": "product_title", "title": "product_title",
    "list_price": "price", "price": "price", "unit_price": "price", "amount": "price", "quantity": "quantity",
    "rating": "rating", "review_text": "review_text", "query_text": "search_query",
    "behaviour_type": "behaviour_type", "event_time": "event_time", "created_at": "event_time",
    "updated_at": "event_time", "paid_at": "event_time", "order_time": "event_time", "channel": "channel",
    "status": "status", "order_status": "status", "city": "city", "province": "province",
    "email": "email", "phone": "phone", "position": "numeric_measure", "review_id": "identifier",
    "query_id": "identifier", "as_of": "date",
}  # fmt: skip


def write_tables(out: Path, rng: np.random.Generator, per_type: int) -> dict[tuple[str, str], str]:
    """Write synthetic CSV tables; return (file stem, column) -> semantic type."""
    columns = [t for t in MAKERS for _ in range(per_type)]
    rng.shuffle(columns)
    labels: dict[tuple[str, str], str] = {}
    table = 0
    while columns:
        width = int(rng.integers(3, 10))
        chosen, columns = columns[:width], columns[width:]
        rows = int(rng.choice([300, 800, 2000, 5000]))
        names: list[str] = []
        data: list[list[object]] = []
        for position, semantic_type in enumerate(chosen):
            headerless = HEADERLESS_SHARE.get(semantic_type, 0.1)
            stem, values = draw_column(rng, semantic_type, rows)
            name = style_name(rng, stem, position, headerless)
            while name in names:
                name += "_2"
            names.append(name)
            if rng.random() < 0.03:
                # A column left as one placeholder ("address_2" always "empty"): only its name
                # says what it was meant to hold, and a headerless one says nothing.
                values = [str(rng.choice(["empty", "N/A", "-", "none", "null"]))] * rows
                semantic_type = "unknown" if is_headerless(name) else semantic_type
            data.append(values)
            labels[(f"t{table:04d}", name)] = semantic_type
        with (out / f"t{table:04d}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            writer.writerows(["" if v is None else v for v in row] for row in zip(*data, strict=True))
        table += 1
    return labels


def featurise(folder: Path, label_of: object) -> tuple[list[ColumnProfile], list[str], list[str]]:
    """Scan `folder`; return the labelled profiles, their types and their assets (for hold-out)."""
    run = scan([str(folder)], SCAN_ONLY)
    locations = {a.id: Path(a.location).stem for a in run.assets}
    profiles, ys, groups = [], [], []
    for profile in run.profiles:
        label = label_of(locations.get(profile.asset, ""), profile.column)  # type: ignore[operator]
        if label is None:
            continue
        profiles.append(profile)
        ys.append(label)
        groups.append(profile.asset)
    return profiles, ys, groups


def feature_matrix(profiles: list[ColumnProfile], *, encoder: bool, scale: float) -> np.ndarray:
    """Torch-free features, and with `encoder` the name and value embeddings appended."""
    x = np.vstack([column_features(p.column, p).vector() for p in profiles])
    if not encoder:
        return x
    from stocktake.models.encoder import Encoder

    enc = Encoder(mode="full", progress=True)
    assert enc.dim == EMBEDDING_DIM
    embedded = encoder_features(
        [name_text(p.column) for p in profiles],
        [value_texts(p, readable_only=True) for p in profiles],
        enc.encode,
        enc.dim,
    )
    return np.hstack([x, scale * embedded])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns-per-type", type=int, default=160)
    parser.add_argument(
        "--seeds",
        type=lambda text: [int(v) for v in text.split(",")],
        default=[11, 12],
        help="one synthetic draw per seed, all used for training (comma-separated)",
    )
    parser.add_argument(
        "--c",
        type=lambda text: [float(v) for v in text.split(",")],
        default=[0.5, 2.0, 8.0],
        help="inverse regularisation strengths to try (comma-separated); the best held-out log loss wins",
    )
    parser.add_argument(
        "--encoder", action="store_true", help="append MiniLM name/value embeddings ([model] extra)"
    )
    parser.add_argument(
        "--embedding-scale", type=float, default=EMBEDDING_SCALE, help="weight of the embeddings (--encoder)"
    )
    parser.add_argument("--out", type=Path, help="default: the packaged model of the chosen kind")
    parser.add_argument(
        "--profiles",
        type=Path,
        nargs="*",
        default=[],
        help="pickles of the scanned columns, one per seed: written when absent, reused when present",
    )
    parser.add_argument(
        "--features", type=Path, help="npz of the drawn features: written when absent, reused when present"
    )
    args = parser.parse_args()
    out = args.out or (ENCODER_MODEL_PATH if args.encoder else MODEL_PATH)
    if args.features and args.features.exists():
        with np.load(args.features, allow_pickle=False) as saved:
            x, y, groups_all = saved["x"], saved["y"], list(saved["groups"])
            names = list(saved["names"]) if "names" in saved else [""] * len(y)
    else:
        x, y, groups_all, names = draw_and_featurise(args)
        if args.features:
            np.savez_compressed(args.features, x=x, y=y, groups=np.array(groups_all), names=np.array(names))
    if not args.encoder:
        x = x[:, : feature_count()]  # features drawn for the encoder model serve the torch-free one too
    fit_and_write(args, out, x, y, groups_all, names)


def draw(seed: int, per_type: int, cache: Path | None) -> tuple[list[ColumnProfile], list[str], list[str]]:
    """One draw: synthetic tables and the demo estate of `seed`, scanned (cached in `cache`)."""
    if cache is not None and cache.exists():
        ps, ys, groups, dp, dy, dg = pickle.loads(cache.read_bytes())  # written by this script
    else:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic, demo = Path(tmp) / "synthetic", Path(tmp) / "estate"
            synthetic.mkdir()
            labels = write_tables(synthetic, np.random.default_rng(seed), per_type)
            ps, ys, groups = featurise(synthetic, lambda stem, column: labels.get((stem, column)))
            generate_estate(demo, rows=20000, seed=seed)
            dp, dy, dg = featurise(demo, lambda _stem, column: DEMO_LABELS.get(column))
        if cache is not None:
            cache.write_bytes(pickle.dumps((ps, ys, groups, dp, dy, dg)))
    print(f"seed {seed}: {len(ys)} synthetic + {len(dy)} demo columns")
    # Asset ids (t0001, ...) repeat across draws: such tables share a hold-out fold, which is harmless.
    return ps + dp, ys + dy, groups + dg


def draw_and_featurise(args: argparse.Namespace) -> tuple:
    """Every draw's columns, profiled and turned into (features, labels, asset ids, names)."""
    if args.profiles and len(args.profiles) != len(args.seeds):
        raise SystemExit("--profiles: give one file per seed")
    profiles: list[ColumnProfile] = []
    ys: list[str] = []
    groups: list[str] = []
    for i, seed in enumerate(args.seeds):
        p, y, g = draw(seed, args.columns_per_type, args.profiles[i] if args.profiles else None)
        profiles, ys, groups = profiles + p, ys + y, groups + g
    x = feature_matrix(profiles, encoder=args.encoder, scale=args.embedding_scale)
    print(f"{len(ys)} columns, {x.shape[1]} features")
    return x, np.array(ys), groups, [p.column for p in profiles]


def cjk_value_column() -> int:
    """Index of the dense feature "shape: CJK" (share of shown values with Chinese characters)."""
    probe = ColumnProfile(
        asset="a", column="c", logical_type="string", engine_type="", row_count=0, null_count=0
    )
    feats = column_features("c", probe)
    return NAME_DIM + VALUE_DIM + feats.dense_labels.index("shape: CJK")


def fit_and_write(
    args: argparse.Namespace, out: Path, x: np.ndarray, y: np.ndarray, groups: list, names: list[str]
) -> None:
    # A held-out quarter of the synthetic tables says how well it fits data of its own kind.
    held = np.array([zlib.crc32(str(g).encode()) % 4 == 0 for g in groups])
    # The regularisation is chosen by held-out *synthetic* log loss, never on the labelled set.
    fits, losses = {}, {}
    for c in args.c:
        fits[c] = LogisticRegression(C=c, max_iter=3000).fit(x[~held], y[~held])
        losses[c] = log_loss(y[held], fits[c].predict_proba(x[held]), labels=fits[c].classes_)
        accuracy = fits[c].score(x[held], y[held])
        print(f"C={c}: held-out synthetic accuracy {accuracy:.3f}, log loss {losses[c]:.4f}")
    c_best = min(losses, key=losses.__getitem__)
    check = fits[c_best]
    print(f"chosen C={c_best}; held-out synthetic accuracy: {check.score(x[held], y[held]):.3f}")
    # Chinese-named columns reported apart: the real labelled set has too few to say anything.
    zh = held & np.array([bool(_CJK.search(str(n))) for n in names])
    if zh.any():
        print(f"held-out synthetic, Chinese names: {check.score(x[zh], y[zh]):.3f} ({int(zh.sum())} columns)")
    zh_values = held & (x[:, cjk_value_column()] > 0)
    if zh_values.any():
        share = check.score(x[zh_values], y[zh_values])
        print(f"held-out synthetic, Chinese values: {share:.3f} ({int(zh_values.sum())} columns)")
    model = LogisticRegression(C=c_best, max_iter=3000).fit(x, y)
    out.parent.mkdir(parents=True, exist_ok=True)
    extra = {}
    if args.encoder:
        extra = {
            "embedding_scale": np.array(args.embedding_scale),
            "embedding_dim": np.array(EMBEDDING_DIM),
            "readable_values": np.array(True),
        }
    kind = "logreg-encoder" if args.encoder else "logreg"
    np.savez_compressed(
        out,
        classes=np.array(model.classes_, dtype=str),
        coef=model.coef_.astype(np.float16),
        intercept=model.intercept_.astype(np.float32),
        feature_count=np.array(x.shape[1]),
        version=np.array(f"{kind}-seeds{'+'.join(map(str, args.seeds))}-n{len(y)}-c{c_best}"),
        **extra,
    )
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
