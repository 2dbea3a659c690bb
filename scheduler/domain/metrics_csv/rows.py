"""The table's rows read through the mapping: good rows, and the errors of the others.

A row with any bad cell (no key, a bad number or date, a width unlike the header's) is reported
with its line and skipped whole; good rows are all kept. Rows repeating a (key, date) already seen
replace it silently: the last one wins (exports repeat rows rarely, and the latest is the freshest).
Without a date column, the key alone decides: an ads report listing one Final URL twice keeps one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.domain.language import N_, _, ngettext
from scheduler.domain.metrics_csv.cells import BadCell, cached_date, parse_count, slashed_day_first
from scheduler.domain.metrics_csv.mapping import METRICS, Mapping, MappingError, check_mapping, column_index
from scheduler.domain.metrics_csv.table import Table, fits

KEY_MISSING = frozenset({"", "-", "--", "---", "—", "–", "n/a"})


@dataclass(frozen=True)
class MetricRow:
    line: int
    key: str
    observed_on: date | None
    values: dict[str, float]  # only the metrics present in the row


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str  # e.g. line 7, 'Impressions': "'12,3x' is not a number"


@dataclass(frozen=True)
class Parsed:
    rows: list[MetricRow]
    errors: list[RowError]


def parse_metrics(table: Table, mapping: Mapping) -> Parsed:
    """The table's rows read through the mapping: good rows, and one error per bad cell of bad rows.

    A row with any bad cell is skipped whole. A row repeating an earlier (key, date) replaces it."""
    problems = check_mapping(mapping, table.header)
    if problems:
        raise MappingError(problems)
    header = table.header
    key_index = column_index(header, mapping.key_column)
    metric_indexes = [
        (m, column_index(header, mapping.metric_columns[m])) for m in METRICS if m in mapping.metric_columns
    ]
    date_index = None if mapping.date_column is None else column_index(header, mapping.date_column)
    decimal_comma = table.delimiter == ";"
    day_first = None
    if date_index is not None:
        day_first = slashed_day_first(
            (cells[date_index] for _, cells in table.rows if date_index < len(cells)), table.delimiter == ";"
        )

    kept: dict[tuple[str, date | None], MetricRow] = {}
    errors: list[RowError] = []
    for line, cells in table.rows:
        if not fits(header, cells):
            width = ngettext("%(num)s cell", "%(num)s cells", len(cells))
            errors.append(
                RowError(
                    line,
                    None,
                    _(
                        "this row has %(width)s but the header has %(columns)s:"
                        " it doesn't look like a row of the export",
                        width=width,
                        columns=len(header),
                    ),
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        row_errors = []
        key = cells[key_index]
        if mapping.key_kind == "title":
            key = " ".join(key.split())
        if key.casefold() in KEY_MISSING:
            row_errors.append(
                RowError(
                    line,
                    header[key_index],
                    _(
                        "no %(kind)s: %(column)s is empty",
                        kind=_(_KIND_LABEL[mapping.key_kind]),
                        column=repr(header[key_index]),
                    ),
                )
            )
        values = {}
        for metric, index in metric_indexes:
            try:
                value = parse_count(cells[index], decimal_comma=decimal_comma)
            except BadCell as bad:
                row_errors.append(RowError(line, header[index], str(bad)))
                continue
            if value is not None:
                values[metric] = value
        observed_on = None
        if date_index is not None:
            try:
                observed_on = cached_date(cells[date_index], day_first)
            except BadCell as bad:
                row_errors.append(RowError(line, header[date_index], str(bad)))
        if row_errors:
            errors.extend(row_errors)
            continue
        kept.pop((key, observed_on), None)  # the last one wins, in its own place
        kept[(key, observed_on)] = MetricRow(line, key, observed_on, values)
    return Parsed(list(kept.values()), errors)


_KIND_LABEL = {"link": N_("link"), "remote_id": N_("id"), "title": N_("title")}
