"""Detect a delimited text file's encoding and dialect from a sample, before DuckDB reads it.

DuckDB infers column types well, but it decodes only UTF-8, UTF-16 (LE) and Latin-1 without
its 'encodings' extension, and its dialect sniffer reports a guess without saying why. So the
encoding and the dialect are decided here, on a bounded sample, and handed to DuckDB as
explicit options. Files in other encodings are transcoded to a UTF-8 copy (`transcode_to_utf8`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

if TYPE_CHECKING:
    from typing import BinaryIO

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
QUOTES = ('"', "'")
# A delimiter whose field counts agree on this share of the best share still competes on width.
_CONSISTENCY_SLACK = 0.02
_HEADER_ROWS = 200
# Below this share of records agreeing on a width, a delimiter is chance (prose), not structure.
_MIN_CONSISTENCY = 0.6

# Encodings DuckDB decodes natively: Python codec name -> read_csv's name for it.
DUCKDB_NATIVE_ENCODINGS = {"utf-8": "utf-8", "utf-16-le": "utf-16", "iso8859-1": "latin-1"}

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}( .*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DECIMAL_POINT = re.compile(r"[+-]?\d+\.\d+")
# Half-width katakana, private use, C1 controls, replacement character.
_RARE = re.compile("[\uff61-\uff9f\ue000-\uf8ff\x80-\x9f\ufffd]")
_DIGITS = re.compile(r"[+-]?\d+")
_LEADING_ZERO = re.compile(r"[+-]?0\d")


class NotTextError(ValueError):
    """The bytes do not decode as text in any encoding we could find."""


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str  # Python codec name as codecs.lookup spells it: 'utf-8', 'utf-16-le', 'gb18030'
    method: str  # how it was found: 'byte-order mark', 'strict UTF-8 decode', 'charset-normalizer'
    bom: bool = False

    @property
    def duckdb_encoding(self) -> str | None:
        """read_csv's name for this encoding, or None when the file must be transcoded first."""
        return DUCKDB_NATIVE_ENCODINGS.get(self.encoding)

    @property
    def label(self) -> str:
        return self.encoding.upper()


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str
    escape: str
    header: bool
    newline: str  # '\n', '\r\n' or '\r'
    decimal_comma: bool  # numbers like 1,5 in a ';'-delimited file
    field_count: int
    consistency: float  # share of sampled records that have field_count fields


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name


def detect_encoding(sample: bytes, complete: bool) -> EncodingGuess:
    """BOM first, then UTF-16's NUL bytes, then a strict UTF-8 decode, then charset-normalizer.

    `complete` says the sample is the whole file; otherwise a multibyte character cut at the
    sample's end is not held against UTF-8.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return EncodingGuess(encoding, "byte-order mark", bom=True)
    utf16 = _utf16_without_bom(sample)  # before UTF-8, of which NUL bytes are valid
    if utf16:
        return EncodingGuess(utf16, "NUL-byte pattern")
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return EncodingGuess("utf-8", "strict UTF-8 decode")
    if _mostly_utf8(sample, complete):
        return EncodingGuess("utf-8", "mostly valid UTF-8")
    if not complete and b"\n" in sample:
        # In the ASCII-compatible multibyte encodings (GBK, Big5, Shift_JIS...) byte 0x0A never
        # occurs inside a character, so cutting after it cannot split one.
        sample = sample[: sample.rindex(b"\n") + 1]
    matches = list(from_bytes(sample))
    if not matches:
        if b"\x00" not in sample and sum(b < 0x80 for b in sample) >= 0.7 * len(sample):
            # charset-normalizer gives up on some repetitive Western text; Windows-1252 is
            # the usual source of such files, and its few undefined bytes are counted later.
            return EncodingGuess("cp1252", "fallback for mostly-ASCII text")
        raise NotTextError("does not look like text in any known encoding")
    # On short CJK samples the lowest-chaos match can be a wrong sibling (Big5 read as cp932
    # gives half-width katakana); take the best match whose text has no such tell-tale signs.
    best = next((m for m in matches if _rare_share(str(m)) < 0.05), matches[0])
    return EncodingGuess(_codec_name(best.encoding), "charset-normalizer")


def _rare_share(text: str) -> float:
    """Share of non-ASCII characters that real text almost never holds: signs of a wrong decode."""
    non_ascii = [ch for ch in text if ch > "\x7f"]
    if not non_ascii:
        return 0.0
    rare = sum(1 for ch in non_ascii if _RARE.match(ch))
    return rare / len(non_ascii)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of mostly ASCII has a NUL in every other byte."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    # Not exactly zero on the other side: a few characters (U+4E00...) have a NUL byte too.
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(sample: bytes, complete: bool) -> bool:
    """UTF-8 with a few bad bytes: legacy encodings seldom form valid multibyte UTF-8 by chance."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    invalid = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ch > "\x7f") - invalid
    return multibyte >= 4 * invalid


def decode_sample(sample: bytes, guess: EncodingGuess, complete: bool) -> str:
    """The sample as text, without a BOM and without a trailing partial character."""
    decoder = codecs.getincrementaldecoder(guess.encoding)("replace")
    text = decoder.decode(sample, final=complete)
    return text.removeprefix("\ufeff")


def transcode_to_utf8(source: BinaryIO, target: BinaryIO, encoding: str, chunk_size: int = 1 << 20) -> int:
    """Copy `source` decoded from `encoding` into `target` as UTF-8, streaming; drops a BOM.

    Returns how many undecodable sequences became U+FFFD, so the caller can say so.
    """
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    replaced = 0
    first = True
    while True:
        chunk = source.read(chunk_size)
        text = decoder.decode(chunk, final=not chunk)
        if first and text:
            text = text.removeprefix("\ufeff")
            first = False
        replaced += text.count("\ufffd")
        target.write(text.encode("utf-8"))
        if not chunk:
            return replaced


def sniff_dialect(text: str, complete: bool = True, preferred: str | None = None) -> Dialect:
    """Delimiter, quote, escape and header of the delimited text in `text`.

    The delimiter is the candidate whose records (split respecting quotes, so quoted newlines
    stay inside a field) most consistently have the same number of fields; among equally
    consistent ones the widest wins, then `preferred`, then the order of DELIMITERS.
    """
    newline = _newline(text)
    quote = _detect_quote(text)
    escape = _detect_escape(text, quote)
    candidates = []
    for rank, delimiter in enumerate(_ordered(preferred)):
        records = _records(text, delimiter, quote, escape, complete)
        counts = Counter(len(r) for r in records)
        if not counts:
            continue
        width, hits = max(counts.items(), key=lambda item: (item[1], item[0]))
        candidates.append((hits / len(records), width, -rank, delimiter, records))
    plausible = [c for c in candidates if c[1] >= 2 and c[0] >= _MIN_CONSISTENCY]
    if plausible:
        best_share = max(c[0] for c in plausible)
        share, width, _, delimiter, records = max(
            (c for c in plausible if c[0] >= best_share - _CONSISTENCY_SLACK), key=lambda c: (c[1], c[2])
        )
    else:  # one column: no candidate splits the lines
        delimiter = preferred or DELIMITERS[0]
        records = _records(text, delimiter, quote, escape, complete)
        share, width = 1.0, 1
    return Dialect(
        delimiter=delimiter,
        quote=quote,
        escape=escape,
        header=has_header(records[:_HEADER_ROWS]),
        newline=newline,
        decimal_comma=delimiter == ";" and _uses_decimal_comma(records),
        field_count=width,
        consistency=round(share, 4),
    )


def _newline(text: str) -> str:
    """The first line's ending: a later CRLF may sit inside a quoted field of an LF file."""
    end = text.find("\n")
    if end < 0:
        return "\r" if "\r" in text else "\n"
    return "\r\n" if text[end - 1 : end] == "\r" else "\n"


def _ordered(preferred: str | None) -> list[str]:
    rest = [d for d in DELIMITERS if d != preferred]
    return [preferred, *rest] if preferred else rest


def _records(text: str, delimiter: str, quote: str, escape: str, complete: bool) -> list[list[str]]:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=quote,
        escapechar=escape if escape != quote else None,
        doublequote=escape == quote,
        strict=False,
    )
    try:
        records = [r for r in reader if r]
    except csv.Error:  # e.g. a NUL byte or an over-long field: judge what parsed
        records = []
    if not complete and records:
        records.pop()  # the sample may end inside this record
    return records


def _detect_quote(text: str) -> str:
    """The quote character that encloses whole fields most often; '"' unless "'" clearly does."""
    counts = {}
    for q in QUOTES:
        pattern = rf"(?:^|[,;\t|]) *{q}(?:[^{q}]|{q}{q})*{q} *(?=[,;\t|\r\n]|$)"
        counts[q] = len(re.findall(pattern, text, flags=re.MULTILINE))
    return "'" if counts["'"] > counts['"'] else '"'


def _detect_escape(text: str, quote: str) -> str:
    """Backslash when quotes inside fields are written \\" and never doubled; else the quote."""
    backslashed = len(re.findall(rf"\\{quote}(?![,;\t|\r\n])", text))
    doubled = len(re.findall(rf"[^,;\t|\r\n]{quote}{quote}[^,;\t|\r\n]", text))
    return "\\" if backslashed and not doubled else quote


def _kind(value: str) -> str:
    value = value.strip()
    if not value:
        return "empty"
    if _NUMBER.fullmatch(value):
        return "number"
    if _DATE.fullmatch(value):
        return "date"
    return "text"


def has_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns rather than holding data.

    Each column votes: a text first value above numbers or dates is a header; a first value of
    the column's own type is data; a first value whose length differs from fixed-length text
    below it is a header; a text first value met again below it is data (a column's name is
    not one of its values: `北京市` heading a list of places that names 北京市 again). A first row
    that repeats a value is data too, since names are unique. Ties, including all-text tables
    without these signs, go to "header": most files have one.
    """
    if len(rows) < 2:
        return True
    first, rest = rows[0], rows[1:]
    header_votes = data_votes = 0
    named = [cell.strip() for cell in first if cell.strip()]
    if len(set(named)) < len(named):
        data_votes += 1
    for i, head in enumerate(first):
        values = [r[i] for r in rest if i < len(r) and r[i].strip()]
        head_kind = _kind(head)
        if not values or head_kind == "empty":
            continue
        kind, count = Counter(_kind(v) for v in values).most_common(1)[0]
        if count < 0.9 * len(values):
            continue
        if kind != "text":
            if head_kind == kind:
                data_votes += 1
            else:
                header_votes += 1
        elif head_kind == "text" and head.strip() in {v.strip() for v in values}:
            data_votes += 1
        elif head_kind == "text" and len({len(v) for v in values}) == 1 and len(head) != len(values[0]):
            header_votes += 1
    return header_votes >= data_votes


def leading_zero_columns(text: str, dialect: Dialect, complete: bool = True) -> dict[int, str]:
    """Columns of the sample whose values are all digits and some start with 0 (zip codes, ids).

    Returns position -> an example value. Such a column must stay text: as a number it would
    lose its zeros ("01310" -> 1310).
    """
    records = _records(text, dialect.delimiter, dialect.quote, dialect.escape, complete)
    if dialect.header:
        records = records[1:]
    found: dict[int, str] = {}
    for index in range(dialect.field_count):
        values = [r[index].strip() for r in records if index < len(r) and r[index].strip()]
        if values and all(_DIGITS.fullmatch(v) for v in values):
            example = next((v for v in values if _LEADING_ZERO.match(v)), None)
            if example is not None:
                found[index] = example
    return found


def _uses_decimal_comma(records: list[list[str]]) -> bool:
    comma = point = False
    for record in records:
        for field in record:
            comma = comma or bool(_DECIMAL_COMMA.fullmatch(field))
            point = point or bool(_DECIMAL_POINT.fullmatch(field))
    return comma and not point


__all__ = [
    "DELIMITERS",
    "SAMPLE_BYTES",
    "Dialect",
    "EncodingGuess",
    "NotTextError",
    "decode_sample",
    "detect_encoding",
    "has_header",
    "leading_zero_columns",
    "sniff_dialect",
    "transcode_to_utf8",
]
