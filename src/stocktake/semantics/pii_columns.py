"""Find personal data in an asset: whole columns of it, and leaks inside free text.

A column is PII of kind K when most sampled values validate as K (semantics/pii.py);
words in its name only break ties and lower the bar a little, never decide alone.
Free-text columns (reviews, search queries) are counted over all rows with a portable
regex for the candidate shapes, then the candidates are validated in Python.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from stocktake.checks.asset_findings import AssetFindings, score_from_share
from stocktake.checks.wording import share_text
from stocktake.core.records import Finding
from stocktake.core.vocab import FindingType, Severity
from stocktake.engines.profiling import REL, quote_duckdb, sql_literal, to_scalar
from stocktake.semantics.pii import (
    ADDRESS,
    BANK_CARD,
    CN_RESIDENT_ID,
    DEFAULT_PHONE_REGIONS,
    EMAIL,
    IP_ADDRESS,
    PERSON_NAME,
    PHONE,
    is_bank_card,
    is_cn_mobile,
    is_cn_resident_id,
    is_email,
    is_ip_address,
    is_phone,
    mask_text,
    mask_value,
    recognise,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from stocktake.core.records import Asset, ColumnProfile, Scalar
    from stocktake.engines.base import Engine

PII_COLUMN_CHECK = "pii.column"
PII_TEXT_CHECK = "pii.free_text"

_NOUNS = {
    EMAIL: "email addresses",
    PHONE: "phone numbers",
    CN_RESIDENT_ID: "resident ID numbers",
    BANK_CARD: "bank card numbers",
    IP_ADDRESS: "IP addresses",
    PERSON_NAME: "person names",
    ADDRESS: "postal addresses",
}
# Name words that hint at a kind (matched against lower-case name tokens, or as substrings for CJK).
_CONTEXT_TOKENS = {
    PHONE: {"phone", "mobile", "tel", "telephone", "cellphone", "cell", "msisdn"},
    EMAIL: {"email", "mail", "e_mail"},
    CN_RESIDENT_ID: {"id_card", "idcard", "id_no", "id_number", "identity", "sfz"},
    BANK_CARD: {"card", "card_no", "pan", "bank_card"},
    IP_ADDRESS: {"ip", "ipv4", "ipv6", "ip_address"},
    PERSON_NAME: {"name", "full_name", "first_name", "last_name", "surname", "recipient", "contact_name"},
    ADDRESS: {"address", "addr", "street", "address_line", "shipping_address"},
}
_CONTEXT_CJK = {
    PHONE: ("手机", "电话"),
    EMAIL: ("邮箱",),
    CN_RESIDENT_ID: ("身份证",),
    BANK_CARD: ("银行卡", "卡号"),
    PERSON_NAME: ("姓名", "收货人", "联系人"),
    ADDRESS: ("地址",),
}
_CONTEXT_BONUS = 0.1


# -- column decision -----------------------------------------------------------------------
def name_context(name: str) -> str | None:
    """The kind a column name hints at, if any ('mobile_no' -> phone, '身份证号' -> cn_resident_id)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", snake) if t]
    words = set(tokens) | {f"{a}_{b}" for a, b in itertools.pairwise(tokens)}
    for kind in (CN_RESIDENT_ID, BANK_CARD, PHONE, EMAIL, IP_ADDRESS, ADDRESS, PERSON_NAME):
        if words & _CONTEXT_TOKENS[kind] or any(w in name for w in _CONTEXT_CJK.get(kind, ())):
            return kind
    return None


def classify_pii_column(
    name: str,
    values: Iterable[object],
    *,
    min_share: float = 0.6,
    regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
) -> tuple[str | None, float, dict[str, Any]]:
    """(kind or None, share of sampled non-null values valid as that kind, evidence)."""
    texts = [t for t in (_text(v) for v in values) if t]
    kinds = [recognise(t, regions) for t in texts]
    counts = Counter(k for k in kinds if k)
    context = name_context(name)
    evidence: dict[str, Any] = {"sampled": len(texts), "valid": dict(counts), "name_context": context}
    if not counts:
        return None, 0.0, evidence
    # Most valid values wins; the name only breaks ties.
    kind = max(counts, key=lambda k: (counts[k], k == context))
    share = counts[kind] / len(texts)
    needed = min_share - (_CONTEXT_BONUS if kind == context else 0.0)
    evidence.update(share=round(share, 4), needed=round(needed, 4))
    examples = [t for t, k in zip(texts, kinds, strict=True) if k == kind][:3]
    evidence["examples"] = [mask_value(kind, t) for t in examples]
    if kind == PHONE:
        phones = [t for t, k in zip(texts, kinds, strict=True) if k == PHONE]
        evidence["cn_mobile_share"] = round(sum(map(is_cn_mobile, phones)) / len(phones), 4)
    if share < needed or counts[kind] < min(3, len(texts)):
        return None, share, evidence
    if kind in {PHONE, BANK_CARD, CN_RESIDENT_ID} and _sequential(texts):
        evidence["sequential"] = True  # a run of ids that happens to fit a number plan
        return None, share, evidence
    return kind, share, evidence


def _text(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))  # phone numbers read back as floats from some files
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return str(value).strip()


def _sequential(texts: Sequence[str]) -> bool:
    """Mostly consecutive integers: surrogate keys, not phone or card numbers."""
    nums = sorted({int(t) for t in texts if t.isdigit()})
    if len(nums) < 10:
        return False
    gaps = [b - a for a, b in itertools.pairwise(nums)]
    return sum(g <= 10 for g in gaps) / len(gaps) > 0.5


# -- free text -----------------------------------------------------------------------------
_EMAIL_CANDIDATE = re.compile(
    r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
# Runs of digits with separators; ASCII-only boundaries because Python's \w includes CJK.
_NUMBER_RUN = re.compile(r"(?<![0-9A-Za-z+])(?:\+|\()?\d[\d \-().]{4,80}[\dXx](?![0-9A-Za-z])")
_NUMBER_TOKEN = re.compile(r"[+(]?\d+[Xx]?\)?")
_IP_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![0-9A-Za-z:]|\.[0-9A-Za-z])"
)

# Portable SQL regex (RE2, Python re, PostgreSQL ARE, ICU) for every candidate shape above:
# no lookarounds, no \d, no backslashes. It selects a superset of the rows with real PII.
TEXT_SHAPE_SQL = (
    "[0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}"
    "|[+][0-9]{1,3}[ (-]*[0-9]"
    "|[(][0-9]{2,4}[)] ?[0-9]{3}"
    "|[0-9]{3,4}[ -][0-9]{3,4}[ -][0-9]{4}"
    "|[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+[.][A-Za-z]"
    "|[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}"
    "|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:"
)


def find_pii_in_text(text: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every validated email, phone, resident ID, card number or IP address
    in `text`. Names and addresses are not searched in free text: without a column to vote, a
    capitalised first name or a street word in a review is far more often something else."""
    found: list[tuple[str, int, int]] = []
    for m in _EMAIL_CANDIDATE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in ".'-":
            start += 1  # punctuation before the address belongs to the sentence
        if is_email(text[start:end]):
            found.append((EMAIL, start, end))
    for m in _IP_CANDIDATE.finditer(text):
        candidate = m.group(0)
        # IPv6 needs 3+ colons here (a clock time has 2); the SQL shape above relies on it.
        if (":" not in candidate or candidate.count(":") >= 3) and is_ip_address(candidate):
            found.append((IP_ADDRESS, m.start(), m.end()))
    taken = [(s, e) for _, s, e in found]
    for m in _NUMBER_RUN.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found.extend(_numbers_in_run(text, m.start(), m.end(), regions))
    return sorted(found, key=lambda f: f[1])


def _numbers_in_run(text: str, lo: int, hi: int, regions: Sequence[str]) -> list[tuple[str, int, int]]:
    """Validate windows of consecutive digit groups in a run, longest first, so
    '138 1234 5678 2' still yields the phone and 'No. 3 4111111111111111' the card."""
    tokens = [(t.start(), t.end()) for t in _NUMBER_TOKEN.finditer(text, lo, hi)]
    used = [False] * len(tokens)
    out = []
    for size in range(len(tokens), 0, -1):
        for i in range(len(tokens) - size + 1):
            j = i + size - 1
            if any(used[i : j + 1]):
                continue
            start, end = tokens[i][0], tokens[j][1]
            start, end = _unbracket(text, start, end)
            kind = _number_kind(text[start:end], regions)
            if kind:
                out.append((kind, start, end))
                used[i : j + 1] = [True] * size
    return out


def _unbracket(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop brackets that belong to the sentence: '(13812345678)' but not '(212) 555-0123'."""
    candidate = text[start:end]
    opens, closes = candidate.count("("), candidate.count(")")
    if candidate.startswith("(") and (closes == 0 or (candidate.endswith(")") and opens == closes == 1)):
        start += 1
    if text[start:end].endswith(")") and "(" not in text[start:end]:
        end -= 1
    return start, end


def _number_kind(candidate: str, regions: Sequence[str]) -> str | None:
    if is_cn_resident_id(candidate):
        return CN_RESIDENT_ID
    if is_phone(candidate, regions):
        return PHONE
    if is_bank_card(candidate):
        return BANK_CARD
    return None


def looks_like_free_text(values: Sequence[str]) -> bool:
    """Sentences or queries: many values hold a space or CJK characters."""
    if not values:
        return False
    wordy = sum(1 for v in values if " " in v.strip() or re.search(r"[\u2e80-\u9fff]", v))
    return wordy / len(values) >= 0.3


# -- findings ------------------------------------------------------------------------------
def pii_findings(
    engine: Engine,
    asset: Asset,
    profiles: Sequence[ColumnProfile],
    *,
    sample_rows: int = 2000,
    text_rows: int = 5000,
    min_share: float = 0.6,
    regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
) -> list[Finding]:
    """pii_exposure findings for `asset`; sets `pii_kind` on the profiles of PII columns.

    Each text or integer column is sampled (`sample_rows` non-null values) and classified.
    PII columns give an info finding (the inventory); free-text columns with embedded
    contacts, IDs or cards give a warning counted over every row.
    """
    by_column = {p.column: p for p in profiles if p.asset == asset.id}
    build = AssetFindings(engine, asset, by_column)
    drill = build.drill
    out = []
    for col in asset.columns:
        prof = by_column.get(col.name)
        if not _worth_sampling(col.logical_type, prof):
            continue
        q = quote_duckdb(col.name)
        rows = drill.run(f"SELECT {q} FROM {REL} WHERE {q} IS NOT NULL LIMIT {int(sample_rows)}")
        values = [r[0] for r in rows]
        kind, share, evidence = classify_pii_column(col.name, values, min_share=min_share, regions=regions)
        if kind:
            if prof is not None:
                prof.pii_kind = kind
            out.append(_column_finding(build, col.name, prof, kind, share, evidence))
        elif col.logical_type == "string" and looks_like_free_text([str(v) for v in values]):
            finding = _text_finding(build, col.name, prof, text_rows, regions)
            if finding:
                out.append(finding)
    return out


def _worth_sampling(logical_type: str, prof: ColumnProfile | None) -> bool:
    if logical_type == "integer":
        # Phone and card numbers stored as integers are at least 10 digits long.
        return prof is None or prof.max is None or (isinstance(prof.max, int | float) and prof.max >= 1e9)
    if logical_type != "string":
        return False
    # Two characters: a Chinese name (王芳) is as short as PII gets.
    return prof is None or prof.length_max is None or prof.length_max >= 2


def _column_finding(
    build: AssetFindings,
    column: str,
    prof: ColumnProfile | None,
    kind: str,
    share: float,
    evidence: dict[str, Any],
) -> Finding:
    asset, drill = build.asset, build.drill
    q = quote_duckdb(column)
    non_null = prof.non_null_count if prof else drill.count_where(f"{q} IS NOT NULL")
    count = round(non_null * share)
    noun = _NOUNS[kind]
    if kind == PHONE and evidence.get("cn_mobile_share", 0) >= 0.9:
        noun = "Chinese mobile numbers"
    example = f" (e.g. {evidence['examples'][0]})" if evidence.get("examples") else ""
    reason = (
        f"{kind}: {share:.1%} of {evidence['sampled']:,} sampled values of {asset.name}.{column} "
        f"are valid {noun}{example}."
    )
    return build.finding(
        FindingType.PII_EXPOSURE,
        [column],
        PII_COLUMN_CHECK,
        reason,
        count,
        {"pii_kind": kind, **evidence},
        f"{q} IS NOT NULL",
        score=0.3,
        severity=Severity.INFO,
    )


def _shape_sql(engine: Engine, column_sql: str) -> str:
    if engine.dialect == "mysql":  # MariaDB has no REGEXP_LIKE, which sqlglot writes for MySQL
        return f"REGEXP_INSTR({column_sql}, {sql_literal(TEXT_SHAPE_SQL)}) > 0"
    return f"REGEXP_MATCHES({column_sql}, {sql_literal(TEXT_SHAPE_SQL)})"


def _text_finding(
    build: AssetFindings,
    column: str,
    prof: ColumnProfile | None,
    text_rows: int,
    regions: Sequence[str],
) -> Finding | None:
    drill, keys = build.drill, build.keys
    q = quote_duckdb(column)
    shape = f"{q} IS NOT NULL AND {_shape_sql(drill.engine, q)}"
    shaped = drill.count_where(shape)
    if shaped == 0:
        return None
    key_sql = ", ".join(quote_duckdb(k) for k in keys)
    rows = drill.run(
        f"SELECT {key_sql}, {q} FROM {REL} WHERE {shape} ORDER BY {key_sql} LIMIT {int(text_rows)}"
    )
    hits: list[tuple[Scalar | list[Scalar], str, list[tuple[str, int, int]]]] = []
    for row in rows:
        text = str(row[-1])
        spans = find_pii_in_text(text, regions)
        if spans:
            key = to_scalar(row[0]) if len(keys) == 1 else [to_scalar(v) for v in row[:-1]]
            hits.append((key, text, spans))
    if not hits:
        return None
    exact = shaped <= len(rows)
    count = len(hits) if exact else round(shaped * len(hits) / len(rows))
    non_null = prof.non_null_count if prof else drill.count_where(f"{q} IS NOT NULL")
    kinds = Counter(k for _, _, spans in hits for k in {s[0] for s in spans})
    nouns = " or ".join(_NOUNS[k] for k, _ in kinds.most_common())
    share = count / non_null if non_null else 0.0
    example = mask_text(hits[0][1], hits[0][2])
    reason = (
        f"{'' if exact else '~'}{count:,} of {non_null:,} {column} values ({share_text(share)}) contain "
        f"{nouns} (e.g. '{example}')."
    )
    predicate = shape
    if exact and len(keys) == 1 and count <= 1000:
        listed = ", ".join(_literal(k) for k, _, _ in hits)
        predicate = f"{shape} AND {quote_duckdb(keys[0])} IN ({listed})"
    return build.finding(
        FindingType.PII_EXPOSURE,
        [column],
        PII_TEXT_CHECK,
        reason,
        count,
        {
            "kinds": dict(kinds),
            "rows_with_candidate_shape": shaped,
            "candidates_validated": len(rows),
            "count_exact": exact,
            "examples": [mask_text(t, s) for _, t, s in hits[:3]],
            "method": (
                "rows whose text has a phone, ID, card or email shape are counted over the whole "
                "column in SQL; those candidates are validated in Python (number plans, checksums, "
                "Luhn). Up to "
                f"{text_rows:,} candidates are validated; beyond that the count is the candidate "
                "count scaled by the validated share, so it is an estimate."
            ),
        },
        predicate,
        # Confidence rises with the share of the column's values, not of the table's rows.
        score=score_from_share(share),
        keys=[k for k, _, _ in hits],
        key_cols=keys,
        severity=Severity.WARNING,
    )


def _literal(value: Scalar | list[Scalar]) -> str:
    if isinstance(value, bool) or value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    return sql_literal(str(value))


__all__ = [
    "PII_COLUMN_CHECK",
    "PII_TEXT_CHECK",
    "TEXT_SHAPE_SQL",
    "classify_pii_column",
    "find_pii_in_text",
    "looks_like_free_text",
    "name_context",
    "pii_findings",
]
