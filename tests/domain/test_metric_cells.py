"""A metric export's cells: counts and dates in every form the channels' exports write them."""

from datetime import date

import pytest

from scheduler.domain.metrics_csv.cells import parse_count, parse_date
from scheduler.domain.metrics_csv.mapping import Mapping
from scheduler.domain.metrics_csv.presets import suggest_mapping
from scheduler.domain.metrics_csv.rows import MetricRow, parse_metrics
from scheduler.domain.metrics_csv.table import read_table


def table(text: str, encoding: str = "utf-8"):
    return read_table(text.encode(encoding))


# --------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, value",
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("12,345,678", 12345678.0),
        ("1234.0", 1234.0),
        ("1,234.5", 1234.5),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("1\u202f234", 1234.0),
        ("1 234 567", 1234567.0),
        ("1.2K", 1200.0),
        ("1.1k", 1100.0),
        ("3M", 3000000.0),
        ("2.5 M", 2500000.0),
        ("0", 0.0),
        ("+7", 7.0),
        ("3,5", 3.5),
        ("1.234,5", 1234.5),
        ("1\u202f234,5", 1234.5),
        (" 42 ", 42.0),
        ("-0", 0.0),
    ],
)
def test_counts_in_every_form_exports_write_them(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["", "  ", "-", "--", " --", "—", "–", "N/A", "n/a"])
def test_missing_values_are_no_value_and_no_error(text):
    assert parse_count(text) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("12,3x", "'12,3x' is not a number"),
        ("abc", "'abc' is not a number"),
        ("1,23,456", "is not a number"),
        ("1 23", "is not a number"),
        ("1..2", "is not a number"),
        ("nan", "is not a number"),
        ("inf", "not a number"),
        ("1e5", "is not a number"),
        ("12%", "'12%' is a percentage, not a count"),
        ("4.5 %", "percentage"),
        ("-5", "'-5' is negative"),
        ("−5", "negative"),
        ("(12)", "'(12)' is negative"),
        ("-1.2K", "negative"),
    ],
)
def test_bad_counts_are_errors(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_count(text)


def test_decimal_comma_is_the_rule_in_semicolon_files():
    # one rule for commas everywhere: groups of three are thousands, anything else a decimal comma ...
    assert parse_count("1,234") == 1234.0 and parse_count("3,5") == 3.5
    # ... except where the file is semicolon-separated (European spreadsheets): the comma is the decimal mark
    assert parse_count("1,234", decimal_comma=True) == 1.234
    assert parse_count("3,5", decimal_comma=True) == 3.5
    assert parse_count("1.234", decimal_comma=True) == 1234.0
    assert parse_count("1.234") == 1.234
    assert parse_count("1.5", decimal_comma=True) == 1.5


def test_semicolon_separated_french_export():
    data = (
        "Titre;Impressions;Clics;J'aime;Date\r\n"
        "Offre d'été;1 234;3,5;1\u00a0002;05/11/2026\r\n"
        "Rentrée;12\u202f345;1.234;7;21/11/2026\r\n"
        "Soldes;--;0;;01/12/2026\r\n"
    ).encode("utf-8-sig")
    t = read_table(data)
    assert (t.delimiter, t.encoding) == (";", "utf-8-sig")
    mapping = suggest_mapping(t.header)
    assert mapping == Mapping(
        "Titre", "title", {"impressions": "Impressions", "clicks": "Clics", "likes": "J'aime"}, "Date"
    )
    parsed = parse_metrics(t, mapping)
    assert parsed.errors == []
    assert parsed.rows == [
        MetricRow(2, "Offre d'été", date(2026, 11, 5), {"impressions": 1234.0, "clicks": 3.5, "likes": 1002.0}),
        MetricRow(3, "Rentrée", date(2026, 11, 21), {"impressions": 12345.0, "clicks": 1234.0, "likes": 7.0}),
        MetricRow(4, "Soldes", date(2026, 12, 1), {"clicks": 0.0}),
    ]


# --------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-21", date(2026, 11, 21)),
        ("2026-11-19 15:30 +0000", date(2026, 11, 19)),
        ("2026-11-19T23:30:00-05:00", date(2026, 11, 19)),  # the date as written
        ("2026-11-19T10:00:00.000Z", date(2026, 11, 19)),
        ("2026/11/21", date(2026, 11, 21)),
        ("20261121", date(2026, 11, 21)),
        ("Nov 21, 2026", date(2026, 11, 21)),
        ("November 21, 2026", date(2026, 11, 21)),
        ("Sept 1, 2026", date(2026, 9, 1)),
        ("Nov 21, 2026 09:00 am", date(2026, 11, 21)),
        ("Nov 21, 2026, 9:00 PM", date(2026, 11, 21)),
        ("Nov 21, 2026 9:00 PM EST", date(2026, 11, 21)),
        ("2026-11-21 09:00:00 UTC", date(2026, 11, 21)),
        ("Thu, Nov 19, 2026", date(2026, 11, 19)),
        ("Thu Nov 19 2026 10:00:00 GMT+0000 (Coordinated Universal Time)", date(2026, 11, 19)),
        ("Thursday, November 19, 2026", date(2026, 11, 19)),
        ("21 Nov 2026", date(2026, 11, 21)),
        ("21.11.2026", date(2026, 11, 21)),
        ("21/11/2026", date(2026, 11, 21)),  # can only be day first
        ("11/21/2026", date(2026, 11, 21)),  # can only be month first
        ("05/05/2026", date(2026, 5, 5)),
        ("", None),
        ("--", None),
    ],
)
def test_dates_in_every_form_exports_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01",
        "Nov 31, 2026",
        "Foo 1, 2026",
        "yesterday",
        "32/01/2026",
        "13/13/2026",
        "2026-11",
        "21/11/26x",
        "2026-11-21 foo",
        "Nov 21, 2026 later",
    ],
)
def test_bad_dates_are_errors(text):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


def test_slashed_dates_follow_what_the_file_shows():
    def dates(*cells, delimiter=","):
        data = "Title,Clicks,Date\n" + "".join(f"T{i},1,{c}\n" for i, c in enumerate(cells))
        parsed = parse_metrics(
            read_table(data.replace(",", delimiter).encode()), Mapping("Title", "title", {"clicks": "Clicks"}, "Date")
        )
        return [r.observed_on for r in parsed.rows], [e.message for e in parsed.errors]

    assert dates("05/11/2026", "21/11/2026") == ([date(2026, 11, 5), date(2026, 11, 21)], [])
    assert dates("05/11/2026", "11/21/2026") == ([date(2026, 5, 11), date(2026, 11, 21)], [])
    assert dates("05/11/2026") == ([date(2026, 5, 11)], [])  # nothing shows: month first
    assert dates("05/11/2026", delimiter=";") == ([date(2026, 11, 5)], [])  # European file: day first
    assert dates("05/11/2026", "21/11/2026", "11/21/2026") == (
        [date(2026, 11, 21), date(2026, 11, 21)],
        ["'05/11/2026' is ambiguous: this file writes dates both day first and month first"],
    )
