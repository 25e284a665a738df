"""A matcher for near-duplicates inside one table, trained on the table itself, with no labels.

A catalog rarely comes with labelled duplicate pairs, but it teaches two things on its own:
- what a *re-typed copy* of a record looks like: we make one, per sampled record, with the
  edits people and feeds make when they list a product twice (case, spacing, full-width forms,
  words moved or dropped, a typo, a few words added, the price nudged). These are the positives;
- what *different products* look like: each record's nearest neighbours by character trigrams.
  In a catalog with few duplicates they are almost all distinct items, and they are the hard
  ones (the same model in another colour or size). These, and a synthetic variant of each
  sampled record (one word or number substituted, price kept), are the negatives.
Pair features say how the texts differ (pieces added on one side vs substituted, numbers among
them), whether labels agree and how far prices are; a gradient-boosted model with monotonic
constraints (more substitution can only lower the score) turns them into a score. The threshold
is the F1-best one on held-out synthetic pairs, never below `MIN_THRESHOLD`; cross-fitting
(`SelfTrainedMatcher`) keeps each booster away from the pairs it was told were non-matches. The edits are the
usual entity-matching augmentations (span deletion, shuffling, typos) plus additions; none of
them knows any dataset.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stocktake.cleaning.normalise import comparison_key
from stocktake.matching.blocking import Neighbours, top_k_trigram
from stocktake.matching.serialise import values_text
from stocktake.matching.text import first_number

Record = dict[str, str]

MIN_THRESHOLD = 0.8  # a finding says 'these are one product': only confident pairs
MAX_ANCHORS = 600  # records per fold re-typed into positives: enough for the booster, bounded cost
FOLDS = 3  # cross-fitting needs three: a pair's two records may sit in two different folds
NEIGHBOURS = 5  # negatives per anchor
RARE = 0.005  # a word in at most this share of the records counts as rare
COMMON = 0.01  # ... and in at least this share, as common
EDIT_SHARE = 0.7  # chance that each text column of a synthetic copy is edited
# Boosters per fold, each on its own draw of anchors, copies and variants. A pair is scored only
# by the folds that never saw its records, often one: a single booster's score for a pair swung
# from 0.06 to 0.82 with the order the rows were read in; averaging draws steadies it.
DRAWS = 3


@dataclass(frozen=True)
class Columns:
    """The record's columns by role: free text (titles: edited in copies), labels (brand,
    category: kept, since a copy keeps them), numbers (prices: nudged)."""

    text: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


def _to_fullwidth(text: str) -> str:
    """ASCII letters, digits and symbols in their full-width forms (a Chinese input method's)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _words(text: str) -> list[str]:
    return text.split()


# Adding words (6, 7) is listed twice: it is what a second listing does most (tags, years, promotions).
ALL_EDITS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 6, 7)
FORMAT_EDITS = (0, 1, 2, 3, 8)  # edits that change how words are written or ordered, not which


def _edit_text(
    text: str, rng: np.random.Generator, vocabulary: Sequence[str], ops: Sequence[int] = ALL_EDITS
) -> str:
    """One re-typing of `text`: a generic edit chosen at random among `ops`."""
    words = _words(text)
    op = int(rng.choice(list(ops)))
    if not words:
        return text
    if op == 0:
        return text.lower() if text != text.lower() else text.upper()
    if op == 1:  # spacing: gone (as CJK titles often are) or doubled
        return text.replace(" ", "") if rng.random() < 0.5 else text.replace(" ", "  ", 2)
    if op == 2:  # full-width forms folded, or introduced where there are none
        folded = unicodedata.normalize("NFKC", text)
        return folded if folded != text else _to_fullwidth(text)
    if op == 3 and len(words) > 2:  # first word moved to the end, as "Model X - Brand"
        return " ".join(words[1:]) + " - " + words[0]
    if op == 4 and len(words) > 3:  # one word dropped, never a number (numbers tell variants apart)
        droppable = [i for i, w in enumerate(words) if not any(c.isdigit() for c in w)]
        if droppable:
            gone = droppable[int(rng.integers(len(droppable)))]
            return " ".join(w for i, w in enumerate(words) if i != gone)
    if op == 5:  # a typo inside a word: a letter dropped (never a digit: that makes another model)
        i = int(rng.integers(len(words)))
        w = words[i]
        if len(w) > 3 and not any(c.isdigit() for c in w):
            j = int(rng.integers(1, len(w)))
            words[i] = w[:j] + w[j + 1 :]
            return " ".join(words)
    if op in (6, 7) and vocabulary:  # a few words added, before or after (marketing, packaging)
        extra = " ".join(
            vocabulary[int(k)] for k in rng.integers(len(vocabulary), size=int(rng.integers(1, 4)))
        )
        return f"{extra} {text}" if op == 6 else f"{text} ({extra})"
    if op == 8 and len(words) > 1:  # two neighbouring words swapped
        i = int(rng.integers(len(words) - 1))
        words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)
    return text.lower()


def _edit_number(value: str, rng: np.random.Generator) -> str:
    x = first_number(value)
    if x is None or rng.random() < 0.5:
        return value
    return f"{x * float(rng.uniform(0.9, 1.1)):.2f}"


def retype(record: Record, columns: Columns, rng: np.random.Generator, vocabulary: Sequence[str]) -> Record:
    """A copy of `record` as a second listing might spell it: one or two text columns edited."""
    out = dict(record)
    filled = [c for c in columns.text if out.get(c)]
    if filled:
        # A relisting is typed anew: most text columns change, each by one or two edits.
        edited = [c for c in filled if rng.random() < EDIT_SHARE] or [filled[int(rng.integers(len(filled)))]]
        for column in edited:
            out[column] = _edit_text(out[column], rng, vocabulary)
            if rng.random() < 0.5:  # a second edit only rewrites: a drop plus an add would be a new word
                out[column] = _edit_text(out[column], rng, vocabulary, FORMAT_EDITS)
    for column in columns.numeric:
        if out.get(column):
            out[column] = _edit_number(out[column], rng)
    return out


def variant(
    record: Record,
    columns: Columns,
    rng: np.random.Generator,
    vocabulary: Sequence[str],
    common: Sequence[str] = (),
) -> Record:
    """Another product of the same line: one word of every text column substituted (a number
    changed where there is one, as sizes and capacities are, or two numbers swapped; else
    another word of the table),
    or, a quarter of the time, words common in the table added (Cover Set, Pro Max: what names
    another model of a line). Labels and price are kept, so only the text tells it apart."""
    out = dict(record)
    add_common = bool(common) and rng.random() < 0.25
    for column in columns.text:
        words = _words(out.get(column) or "")
        if not words:
            continue
        if add_common:
            extra = [w for w in rng.choice(common, size=min(2, len(common)), replace=False) if w not in words]
            at = int(rng.integers(1, len(words) + 1))
            out[column] = " ".join(words[:at] + [str(w) for w in extra] + words[at:])
            continue
        with_digits = [i for i, w in enumerate(words) if any(c.isdigit() for c in w)]
        numbers = re.findall(r"\d+", " ".join(words))
        if (
            len(set(numbers)) > 1 and rng.random() < 0.3
        ):  # two numbers trade places: 1HP Class 3 / 3HP Class 1
            a, b = rng.choice(sorted(set(numbers)), size=2, replace=False)
            swap = {str(a): str(b), str(b): str(a)}
            out[column] = re.sub(r"\d+", lambda m, swap=swap: swap.get(m.group(), m.group()), " ".join(words))
            continue
        if with_digits and rng.random() < 0.7:
            i = with_digits[int(rng.integers(len(with_digits)))]
            words[i] = re.sub(r"\d+", lambda m: str(int(m.group()) + int(rng.integers(1, 9))), words[i])
        elif vocabulary:
            i = int(rng.integers(len(words)))
            words[i] = vocabulary[int(rng.integers(len(vocabulary)))]
        out[column] = " ".join(words)
    return out


def _vocabulary(
    records: Sequence[Record], columns: Columns, rng: np.random.Generator, freq: PieceFrequency
) -> list[str]:
    """Rare words of the table's own text, for the added-words edit. Rare, because what a second
    listing adds (a year, a promotion tag) is seldom elsewhere in the table, while the words
    that tell a product line's models apart (Pro, Eye, Cover Set) are common in it."""
    rare = max(RARE, 2 / max(len(records), 1))  # in a small table, a word seen twice is rare
    words: list[str] = []
    for i in rng.choice(len(records), size=min(len(records), 2_000), replace=False):
        for column in columns.text:
            text = records[int(i)].get(column, "")
            words += [w for w in _words(text) if freq.most_common_share(column, w) <= rare]
    return words


def _common_words(
    records: Sequence[Record], columns: Columns, rng: np.random.Generator, freq: PieceFrequency
) -> list[str]:
    """Distinct words every piece of which is in at least COMMON of the records."""
    words: set[str] = set()
    for i in rng.choice(len(records), size=min(len(records), 500), replace=False):
        for column in columns.text:
            for w in _words(records[int(i)].get(column, "")):
                shares = [freq.share(column, p) for p in pieces(w)]
                if shares and min(shares) >= COMMON and not any(c.isdigit() for c in w):
                    words.add(w)
    return sorted(words)


class PieceFrequency:
    """In what share of the records each piece of each text column occurs."""

    def __init__(self, records: Sequence[Record], columns: Columns) -> None:
        self.n = max(len(records), 1)
        self.counts = {
            c: Counter(p for r in records for p in set(pieces(r.get(c) or ""))) for c in columns.text
        }

    def share(self, column: str, piece: str) -> float:
        return self.counts.get(column, Counter())[piece] / self.n

    def most_common_share(self, column: str, text: str) -> float:
        return max((self.share(column, p) for p in pieces(text)), default=0.0)


_CJK = "\u3400-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d+", re.UNICODE)


def _piece_sequence(text: str) -> list[str]:
    return _PIECE.findall(unicodedata.normalize("NFKC", text).lower())


def pieces(text: str) -> Counter[str]:
    """Letter runs, digit runs and single CJK characters: a title typed with or without spaces
    (16GB 1TB, 16GB1TB, 笔记本 电脑) gives the same pieces, and a phrase added to it shows as
    pieces on one side only."""
    return Counter(_piece_sequence(text))


def _alike(left: list[str], right: list[str]) -> float:
    """How much the substituted pieces look like typos of each other: for each piece of the
    side with fewer, its best match on the other side, averaged. One near-identical pair among
    many different words (Yilin vs Yili) must not make two products look alike."""
    small, large = (left, right) if len(left) <= len(right) else (right, left)
    return float(np.mean([max(_similar(u, v) for v in large) for u in small]))


def _bound_numbers(seq: list[str]) -> set[tuple[str, str]]:
    """Each number of a piece sequence with the piece after it: 1HP Class 3 and 3HP Class 1 hold
    the same pieces, but {(1, hp), (3, )} is not {(3, hp), (1, )}."""
    return {(p, seq[i + 1] if i + 1 < len(seq) else "") for i, p in enumerate(seq) if p.isdigit()}


def _has_digit(piece: str) -> bool:
    return any(c.isdigit() for c in piece)


def _similar(a: str, b: str) -> float:
    """Character-bigram overlap of two words; short words (sizes, codes: XL vs XXL) never count
    as alike, since one letter there is a different product, not a typo."""
    if min(len(a), len(b)) < 4:
        return float(a == b)
    ta, tb = {a[i : i + 2] for i in range(len(a) - 1)}, {b[i : i + 2] for i in range(len(b) - 1)}
    return len(ta & tb) / len(ta | tb) if ta and tb else float(a == b)


EDIT_FEATURES = (
    "only_left", "only_right", "substituted", "substituted_numbers", "substitute_similarity", "one_side_rarest",
    "numbers_rebound",
)  # fmt: skip


def edit_features(a: Record, b: Record, columns: Columns, freq: PieceFrequency | None = None) -> list[float]:
    """Per text column: pieces found on one side only, how many were *substituted* (both sides
    have unmatched pieces: another colour, size or model), whether numbers were, and how alike
    the substituted pieces are (a typo is alike, Black -> Silver is not), and how common in the
    table the rarest one-side piece is, and how many numbers changed the piece they go with. Relistings add rare words or drop words; variants
    substitute words, or add the words that name another model of the line."""
    out: list[float] = []
    for column in columns.text:
        x, y = a.get(column) or "", b.get(column) or ""
        if not x or not y:
            out += [np.nan] * len(EDIT_FEATURES)
            continue
        sx, sy = _piece_sequence(x), _piece_sequence(y)  # cut once, counted and paired below
        px, py = Counter(sx), Counter(sy)
        left, right = list((px - py).elements()), list((py - px).elements())
        substituted = min(len(left), len(right))
        numbers = min(sum(_has_digit(p) for p in left), sum(_has_digit(p) for p in right))
        alike = _alike(left, right) if substituted else 1.0
        # The rarest piece on one side only: a promotion tag or a year has one; a model name
        # from the same line (Cover Set, Eye) is made of words common in the table.
        common = min((freq.share(column, p) for p in left + right), default=0.0) if freq else np.nan
        bx, by = _bound_numbers(sx), _bound_numbers(sy)
        both = {n for n, _ in bx} & {n for n, _ in by}  # numbers only one side has count as added
        rebound = len({b for b in bx ^ by if b[0] in both}) / 2
        out += [
            float(len(left)),
            float(len(right)),
            float(substituted),
            float(numbers),
            alike,
            common,
            rebound,
        ]
    return out


def _labels_differ(a: Record, b: Record, columns: Columns) -> bool:
    return any(a.get(c) and b.get(c) and a[c] != b[c] for c in columns.labels)


def fold_of(record: Record) -> int:
    """A record's cross-fitting fold, from its content (stable across runs and processes)."""
    return zlib.crc32(values_text(record).encode("utf-8")) % FOLDS


def nearest_records(records: Sequence[Record]) -> Neighbours:
    """Each record's closest others by character trigrams: where the hard negatives come from."""
    return top_k_trigram([values_text(r) for r in records], None, min(4 * NEIGHBOURS, len(records) - 1))


def training_pairs(
    records: Sequence[Record],
    columns: Columns,
    seed: int = 0,
    anchors: Sequence[int] | None = None,
    neighbours: Neighbours | None = None,
    freq: PieceFrequency | None = None,
) -> tuple[list[tuple[Record, Record]], np.ndarray]:
    """(pairs, labels): re-typed copies (1) and each anchor's nearest other records (0)."""
    rng = np.random.default_rng(seed)
    freq = freq or PieceFrequency(records, columns)
    vocabulary = _vocabulary(records, columns, rng, freq)
    common = _common_words(records, columns, rng, freq)
    n = len(records)
    pool = np.arange(n) if anchors is None else np.asarray(anchors, dtype=np.int64)
    chosen = rng.choice(pool, size=min(len(pool), MAX_ANCHORS), replace=False)
    neighbours = neighbours or nearest_records(records)
    pairs: list[tuple[Record, Record]] = []
    labels: list[int] = []
    for a in chosen.tolist():
        pairs.append((records[a], retype(records[a], columns, rng, vocabulary)))
        labels.append(1)
        near = [j for j in neighbours.index[a].tolist() if j >= 0]
        # The closest records, and the closest ones whose labels differ (another brand's model
        # with the same specs): without those, label agreement is never seen to matter.
        other_label = [j for j in near[NEIGHBOURS:] if _labels_differ(records[a], records[j], columns)]
        for j in near[:NEIGHBOURS] + other_label[:2]:
            pairs.append((records[a], records[j]))
            labels.append(0)
        pairs.append((records[a], variant(records[a], columns, rng, vocabulary, common)))
        labels.append(0)
        r = int(rng.integers(n))  # one easy negative keeps far-apart records scored low
        if r != a:
            pairs.append((records[a], records[r]))
            labels.append(0)
    return pairs, np.array(labels, dtype=np.int8)


def pair_features(
    pairs: Sequence[tuple[Record, Record]], columns: Columns, freq: PieceFrequency | None = None
) -> np.ndarray:
    """Edit features per text column, agreement per label column, relative difference per number."""
    rows = []
    for a, b in pairs:
        row = edit_features(a, b, columns, freq)
        for c in columns.labels:
            x, y = (
                comparison_key(a.get(c) or "", accents=False),
                comparison_key(b.get(c) or "", accents=False),
            )
            row.append(float(x == y) if x and y else np.nan)
        for c in columns.numeric:
            x, y = first_number(a.get(c) or ""), first_number(b.get(c) or "")
            scale = max(abs(x), abs(y)) if x is not None and y is not None else 0.0
            row.append(abs(x - y) / scale if scale else np.nan)  # type: ignore[operator]
        rows.append(row)
    width = len(columns.text) * len(EDIT_FEATURES) + len(columns.labels) + len(columns.numeric)
    return np.array(rows, dtype=np.float64).reshape(len(pairs), width)


def _monotonic(columns: Columns) -> list[int]:
    """More words on one side only, more substitutions, a label disagreeing or a larger price
    gap can only lower the score; substituted words that look alike (a typo) only raise it."""
    per_text = [-1, -1, -1, -1, 1, -1, -1]
    return per_text * len(columns.text) + [1] * len(columns.labels) + [-1] * len(columns.numeric)


@dataclass
class _Booster:
    model: object
    threshold: float
    fold: int = 0


def _fit_one(
    pairs: list[tuple[Record, Record]],
    labels: np.ndarray,
    columns: Columns,
    freq: PieceFrequency,
    seed: int,
    fold: int = 0,
) -> _Booster:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from stocktake.matching.metrics import best_threshold

    x = pair_features(pairs, columns, freq)
    order = np.random.default_rng(seed + 1).permutation(len(pairs))
    cut = int(len(order) * 0.8)
    train, valid = order[:cut], order[cut:]
    with threadpool_limits(1):  # small trees: OpenMP threads cost more than they give on 2 cores
        model = HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=20,
            monotonic_cst=_monotonic(columns), random_state=seed,
        ).fit(x[train], labels[train])  # fmt: skip
        chosen = best_threshold(labels[valid], model.predict_proba(x[valid])[:, 1])
    return _Booster(model, chosen.threshold, fold)


class SelfTrainedMatcher:
    """Cross-fitted: one booster per fold of anchors; a pair is scored only by boosters that never
    saw either of its records as an anchor. A true duplicate pair is labelled 0 when one of its
    records is an anchor (its twin is its nearest neighbour), so scoring it with that booster
    would ask the model to contradict its own training label."""

    kind = "self-trained"

    def __init__(
        self, models: list[_Booster], columns: Columns, freq: PieceFrequency, threshold: float
    ) -> None:
        self.models = models
        self.columns = columns
        self.freq = freq
        self.threshold = threshold

    def predict_proba(self, pairs: Sequence[tuple[Record, Record]]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        if not pairs:
            return np.zeros(0)
        sums = np.zeros(len(pairs))
        counts = np.zeros(len(pairs))
        folds = np.array([(fold_of(a), fold_of(b)) for a, b in pairs]).reshape(len(pairs), 2)
        x = pair_features(pairs, self.columns, self.freq)
        for booster in self.models:
            k = booster.fold
            usable = np.flatnonzero((folds[:, 0] != k) & (folds[:, 1] != k))
            if len(usable):
                with threadpool_limits(1):
                    sums[usable] += booster.model.predict_proba(x[usable])[:, 1]  # type: ignore[attr-defined]
                counts[usable] += 1
        return sums / np.maximum(counts, 1)


def self_trained_matcher(records: Sequence[Record], columns: Columns, *, seed: int = 0) -> SelfTrainedMatcher:
    """A matcher fitted on `records`' own synthetic pairs (see the module docstring)."""
    folds = np.array([fold_of(r) for r in records])
    neighbours = nearest_records(records)
    freq = PieceFrequency(records, columns)
    models, thresholds = [], []
    for k in range(FOLDS):
        anchors = np.flatnonzero(folds == k)
        for draw in range(DRAWS):
            draw_seed = seed + k + 1000 * draw
            pairs, labels = training_pairs(records, columns, draw_seed, anchors, neighbours, freq)
            model = _fit_one(pairs, labels, columns, freq, draw_seed, fold=k)
            models.append(model)
            thresholds.append(model.threshold)
    return SelfTrainedMatcher(models, columns, freq, max(float(np.mean(thresholds)), MIN_THRESHOLD))


__all__ = [
    "Columns",
    "SelfTrainedMatcher",
    "fold_of",
    "pieces",
    "retype",
    "self_trained_matcher",
    "training_pairs",
]
