"""An upload's bytes into a header and data rows.

The encoding is taken from the BOM (UTF-8, UTF-16 LE/BE; UTF-16 without a BOM is recognised by its
zero bytes), else UTF-8, else cp1252 (which never fails). The delimiter is the one of ``,`` ``;``
and tab that splits the most lines into the same number of cells. The header is the first line with
at least two non-empty cells whose next line has the same width, so title lines ("Ad report", a date
range) are skipped. Blank lines and totals rows (first non-empty cell "Total", "Total: Account",
...) are dropped; cells are stripped. Line numbers are the file's own, 1-based, counting the lines
inside quoted cells (a tweet's text may span several).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from scheduler.domain import formats
from scheduler.domain.language import _

DELIMITERS = (",", ";", "\t")
HEADER_SEARCH = 50  # lines: title lines come first, the header is never far down


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    delimiter: str
    encoding: str


TOTAL_ROW = re.compile(r"totals?(\s*[:\-–—].*)?", re.IGNORECASE | re.DOTALL)


def read_table(data: bytes, *, max_rows: int = 200_000) -> Table:
    """The header and data rows of an export; ValueError when there is none."""
    text, encoding = _decode(data)
    if not text.replace("\ufeff", "").strip():
        raise ValueError(_("the file is empty"))
    delimiter = _sniff_delimiter(text)
    records = []  # (line, cells), blank lines left out
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = max_rows + HEADER_SEARCH + 1
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            cells = [c.replace("\ufeff", "").strip() for c in cells]
            if any(cells):
                records.append((start, cells))
                if len(records) > limit:
                    break
    except csv.Error as error:
        raise ValueError(
            _("line %(line)s: the file can't be read as CSV (%(error)s)", line=line + 1, error=error)
        ) from None
    header_at = _find_header(records)
    if header_at is None:
        raise ValueError(_("no header found: the file needs a line of column names (at least two columns)"))
    header = records[header_at][1]
    rows = [(n, cells) for n, cells in records[header_at + 1 :] if not _is_total(cells)]
    if len(rows) > max_rows:
        raise ValueError(
            _("the file has more than %(rows)s rows: split it into smaller files", rows=formats.number(max_rows))
        )
    return Table(header, rows, delimiter, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    sample = data[:400]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):  # UTF-16 without a BOM: ASCII has zero halves
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (2+) of cells."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = []
        try:
            for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(c.strip() for c in cells):
                    widths.append(len(cells))
                if len(widths) >= HEADER_SEARCH:
                    break
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w >= 2)
        if counts:
            width, count = max(counts.items(), key=lambda wc: (wc[1] * wc[0], wc[0]))
            if count * width > best_score:
                best, best_score = delimiter, count * width
    return best


def fits(header: list[str], cells: list[str]) -> bool:
    """Same width, or differing only by empty cells at the end."""
    shorter, longer = sorted((header, cells), key=len)
    return not any(longer[len(shorter) :])


def _find_header(records) -> int | None:
    candidates = [i for i, (_, cells) in enumerate(records[:HEADER_SEARCH]) if sum(1 for c in cells if c) >= 2]
    for i in candidates:
        if i + 1 == len(records) or fits(records[i][1], records[i + 1][1]):
            return i
    return candidates[0] if candidates else None


def _is_total(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    return bool(TOTAL_ROW.fullmatch(first))
