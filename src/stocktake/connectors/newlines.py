"""Text files whose lines end in more than one way (\\n, \\r\\n and a bare \\r in one file).

A CSV reader picks one line ending; a file that mixes them (pasted together on different
systems) loses fields where the others occur. Such a file is read from a UTF-8 copy with
every line ending written as \\n, and the counts of each kind are reported. Line breaks
inside quoted fields are values, not line endings: they are neither counted nor changed.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO

_NAMES = {"\r\n": "crlf", "\r": "cr", "\n": "lf"}
_CHUNK = 1 << 20


class _Scanner:
    """Finds line endings outside quoted fields, carrying the quoting state across chunks."""

    def __init__(self, quote: str, escape: str) -> None:
        self.quote = quote
        self.in_quotes = False
        parts = [r"\r\n", r"\r", r"\n"]
        if quote:
            parts.append(re.escape(quote))
        if escape and escape != quote:
            parts.append(re.escape(escape) + r"[\s\S]")  # an escaped character never toggles quoting
        self.token = re.compile("|".join(parts))
        self.counts = dict.fromkeys(_NAMES.values(), 0)

    def feed(self, text: str) -> str:
        """`text` with its line endings (outside quotes) written as \\n; counts them."""
        out, last = [], 0
        for match in self.token.finditer(text):
            token = match.group()
            if token == self.quote:
                self.in_quotes = not self.in_quotes
            elif token in _NAMES and not self.in_quotes:
                self.counts[_NAMES[token]] += 1
                if token != "\n":
                    out.append(text[last : match.start()])
                    out.append("\n")
                    last = match.end()
        out.append(text[last:])
        return "".join(out)


def line_endings(text: str, quote: str = '"', escape: str = "") -> dict[str, int]:
    """How many lines of `text` end in each way: {"crlf": n, "cr": n, "lf": n}."""
    scanner = _Scanner(quote, escape)
    scanner.feed(text)
    return scanner.counts


def is_mixed(counts: dict[str, int]) -> bool:
    return sum(1 for n in counts.values() if n) > 1


def normalise_newlines(
    source: BinaryIO, target: BinaryIO, encoding: str, quote: str = '"', escape: str = ""
) -> dict[str, int]:
    """Copy `source` (in `encoding`) to `target` as UTF-8 with every line ending as \\n.

    Returns the line-ending counts of the whole file. Undecodable bytes become U+FFFD.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    scanner = _Scanner(quote, escape)
    pending = ""  # a trailing \r or escape waits for the next chunk: it may start a pair
    first = True
    while True:
        chunk = source.read(_CHUNK)
        text = pending + decoder.decode(chunk, final=not chunk)
        if first:
            text, first = text.removeprefix("\ufeff"), False
        pending = ""
        if chunk and text.endswith(("\r", escape or "\r")):
            text, pending = text[:-1], text[-1]
        target.write(scanner.feed(text).encode("utf-8"))
        if not chunk:
            return scanner.counts
