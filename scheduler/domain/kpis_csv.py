"""Monthly actuals from a spreadsheet: a ``month`` column, then one column per indicator.

The file is read by the metrics importer's reader (``metrics_csv.table``: encodings, delimiters, title
and totals lines), so an export saved from any spreadsheet is read the same way. The columns are
found by name, folded as indicators' names are (``kpis.key_of``: "Site traffic" is ``site_traffic``);
when the import is for one indicator, a ``value`` (or ``actual``) column is that indicator's.

A row whose month or any figure can't be read is reported (``line``, ``field``, ``message``) and
skipped whole; every good row is kept. An empty cell is no figure, not zero. A column that names no
indicator of the plan is reported once, on the header's line, and its cells are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain.kpis import BadFigure, key_of, parse_figure, read_month
from scheduler.domain.language import _
from scheduler.domain.metrics_csv.table import Table

MONTH_COLUMNS = ("month", "mois", "period", "periode", "période", "date")
VALUE_COLUMNS = ("value", "actual", "valeur", "réel", "reel")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass(frozen=True)
class Parsed:
    values: dict[str, dict[str, float]]  # indicator's key -> month -> figure (a later row wins)
    errors: list[RowError]


def parse_actuals(table: Table, keys: list[str], only: str | None = None, header_line: int = 1) -> Parsed:
    """The figures of ``table`` for the indicators ``keys`` (their ``key_of``); ``only``: the one
    indicator a ``value`` column belongs to."""
    folded = [key_of(h) for h in table.header]
    month_at = next((i for i, name in enumerate(folded) if name in {key_of(m) for m in MONTH_COLUMNS}), None)
    errors: list[RowError] = []
    if month_at is None:
        return Parsed({}, [RowError(header_line, "month", _("no month column: name one column “month”"))])
    columns: dict[int, str] = {}
    for index, name in enumerate(folded):
        if index == month_at or not name:
            continue
        if only and name in {key_of(v) for v in VALUE_COLUMNS}:
            columns[index] = only
        elif name in keys and (only is None or name == only):
            columns[index] = name
        else:
            said = (
                _("is not “%(kpi)s” (or a column named value); its column was left out", kpi=only)
                if only
                else _("is not an indicator of the plan; its column was left out")
            )
            errors.append(RowError(header_line, table.header[index], said))
    if not columns:
        errors.append(RowError(header_line, "value", _("no column holds a figure of the plan's indicators")))
        return Parsed({}, errors)
    values: dict[str, dict[str, float]] = {}
    for line, cells in table.rows:
        found, problem = _row(cells, month_at, columns, table.header)
        if problem is not None:
            errors.append(RowError(line, *problem))
            continue
        month, figures = found
        for key, figure in figures.items():
            values.setdefault(key, {})[month] = figure
    return Parsed(values, errors)


def _row(cells: list[str], month_at: int, columns: dict[int, str], header: list[str]):
    """((month, {key: figure}), None), or (None, (field, message)) for the row's first problem."""
    raw_month = cells[month_at] if month_at < len(cells) else ""
    month = read_month(raw_month)
    if month is None:
        if raw_month:
            return None, ("month", _("%(month)s is not a month: write it as 2031-06", month=repr(raw_month)))
        return None, ("month", _("is empty: write it as 2031-06"))
    figures = {}
    for index, key in columns.items():
        cell = cells[index] if index < len(cells) else ""
        try:
            figure = parse_figure(cell)
        except BadFigure as bad:
            return None, (header[index], str(bad))
        if figure is not None:
            figures[key] = figure
    return (month, figures), None
