"""What the mapping screen saves: which column names the item, which columns hold which metrics.

A mapping is checked on its own (``Mapping.from_dict``) and against a file's header
(``check_mapping``); ``rows.parse_metrics`` refuses (``MappingError``, a ValueError carrying
``check_mapping``'s problems) a mapping that doesn't fit the file: check it first and show the
problems on the mapping screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.domain.language import N_, _

METRICS = ("impressions", "clicks", "likes", "replies", "shares", "views", "opens", "conversions")
KEY_KINDS = ("link", "remote_id", "title")  # how a row names its item
# each metric and each way of naming an item as people read them (the names stay the API's)
METRIC_WORDS = {
    "impressions": N_("impressions"),
    "clicks": N_("clicks"),
    "likes": N_("likes"),
    "replies": N_("replies"),
    "shares": N_("shares"),
    "views": N_("views"),
    "opens": N_("opens"),
    "conversions": N_("conversions"),
}
KEY_KIND_WORDS = {"link": N_("link"), "remote_id": N_("remote id"), "title": N_("title")}

_FIELDS = ("key_column", "key_kind", "metric_columns", "date_column")


@dataclass(frozen=True)
class Mapping:
    """What the mapping screen saves: which column names the item, which hold which metrics."""

    key_column: str
    key_kind: str  # one of KEY_KINDS
    metric_columns: dict[str, str] = field(default_factory=dict)  # metric -> column header
    date_column: str | None = None  # the row's date (publication or report date), optional

    def to_dict(self) -> dict:
        metrics = {m: self.metric_columns[m] for m in METRICS if m in self.metric_columns}
        metrics.update({m: c for m, c in self.metric_columns.items() if m not in metrics})
        return {
            "key_column": self.key_column,
            "key_kind": self.key_kind,
            "metric_columns": metrics,
            "date_column": self.date_column,
        }

    @classmethod
    def from_dict(cls, d) -> Mapping:
        if not isinstance(d, dict):
            raise MappingError({"mapping": _("must be an object with %(fields)s", fields=", ".join(_FIELDS))})
        problems = {name: _("unknown field") for name in d if name not in _FIELDS}
        for name in ("key_column", "key_kind", "metric_columns"):
            if name not in d:
                problems[name] = _("missing")
        metrics = d.get("metric_columns", {})
        if not isinstance(metrics, dict):
            problems["metric_columns"] = _("must be an object of metric -> column")
            metrics = {}
        date_column = d.get("date_column")
        if date_column == "":
            date_column = None
        mapping = cls(d.get("key_column", ""), d.get("key_kind", ""), dict(metrics), date_column)
        for name, problem in _shape_problems(mapping).items():
            problems.setdefault(name, problem)
        if problems:
            raise MappingError(problems)
        return mapping


class MappingError(ValueError):
    """A mapping that can't be used; ``problems`` is field -> problem, as ``check_mapping`` gives."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("bad mapping: " + "; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def _shape_problems(mapping: Mapping) -> dict[str, str]:
    """What is wrong with the mapping itself, whatever the file."""
    problems = {}
    if not isinstance(mapping.key_column, str) or not mapping.key_column.strip():
        problems["key_column"] = _("choose the column that names the item")
    if mapping.key_kind not in KEY_KINDS:
        problems["key_kind"] = _("must be one of %(choices)s", choices=", ".join(KEY_KINDS))
    if not isinstance(mapping.metric_columns, dict) or not mapping.metric_columns:
        problems["metric_columns"] = _("map at least one metric to a column")
    else:
        for metric, column in mapping.metric_columns.items():
            if metric not in METRICS:
                problems[f"metric_columns.{metric}"] = _(
                    "%(metric)s is not a metric (%(metrics)s)", metric=repr(metric), metrics=", ".join(METRICS)
                )
            elif not isinstance(column, str) or not column.strip():
                problems[f"metric_columns.{metric}"] = _("choose a column")
    if mapping.date_column is not None and (
        not isinstance(mapping.date_column, str) or not mapping.date_column.strip()
    ):
        problems["date_column"] = _("must be a column name, or nothing")
    return problems


def check_mapping(mapping: Mapping, header) -> dict[str, str]:
    """field -> problem (``{'metric_columns.clicks': "no column 'Clicks' in this file"}``); empty when fine.

    Columns are found by their exact name, else ignoring case and spacing."""
    problems = _shape_problems(mapping)
    header = list(header)
    used: dict[int, str] = {}

    def find(name: str, field_name: str, label: str) -> None:
        if field_name in problems:
            return
        index = column_index(header, name)
        if index is None:
            problems[field_name] = _("no column %(name)s in this file", name=repr(name))
        elif index in used:
            problems[field_name] = _(
                "%(column)s is already used for %(use)s", column=repr(header[index]), use=used[index]
            )
        else:
            used[index] = label

    find(mapping.key_column, "key_column", _("the key"))
    for metric in sorted(mapping.metric_columns, key=lambda m: METRICS.index(m) if m in METRICS else 99):
        find(mapping.metric_columns[metric], f"metric_columns.{metric}", _(METRIC_WORDS.get(metric, metric)))
    if mapping.date_column is not None:
        find(mapping.date_column, "date_column", _("the date"))
    return problems


def _loose(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").casefold().split())


def column_index(header: list[str], name: str) -> int | None:
    """Where the column of that name is: its exact name, else ignoring case and spacing; None if nowhere."""
    if name in header:
        return header.index(name)
    wanted = _loose(name)
    for index, column in enumerate(header):
        if _loose(column) == wanted:
            return index
    return None
