"""Reading an uploaded metric export: encodings, title lines, headers and limits."""

import pytest

from scheduler.domain.metrics_csv.mapping import Mapping
from scheduler.domain.metrics_csv.rows import MetricRow, Parsed, parse_metrics
from scheduler.domain.metrics_csv.table import read_table


def table(text: str, encoding: str = "utf-8"):
    return read_table(text.encode(encoding))


# --------------------------------------------------------------------------------- reading


def test_empty_files_and_files_without_a_header_are_refused():
    for data in (b"", b"\n\n  \r\n", b"\xef\xbb\xbf", "\ufeff".encode("utf-16")):
        with pytest.raises(ValueError, match="the file is empty"):
            read_table(data)
    with pytest.raises(ValueError, match="no header"):
        read_table(b"just one column\nand another line\n")


def test_header_only_file_has_no_rows_and_no_errors():
    t = read_table(b"Subject,Unique Opens\r\n")
    assert t.header == ["Subject", "Unique Opens"] and t.rows == []
    assert parse_metrics(t, Mapping("Subject", "title", {"opens": "Unique Opens"})) == Parsed([], [])


def test_encodings_bom_and_fallback():
    text = "Titre,Clics\nCafé crème,3\n"
    assert read_table(text.encode("utf-8-sig")).encoding == "utf-8-sig"
    assert read_table(text.encode("utf-8-sig")).header == ["Titre", "Clics"]  # no BOM left in the header
    utf8 = read_table(text.encode("utf-8"))
    assert utf8.encoding == "utf-8" and utf8.rows == [(2, ["Café crème", "3"])]
    cp1252 = read_table(text.encode("cp1252"))
    assert cp1252.encoding == "cp1252" and cp1252.rows == [(2, ["Café crème", "3"])]
    assert read_table(b"A,B\n\x81\x8d,1\n").encoding == "cp1252"  # bytes cp1252 lacks: no crash
    french = read_table("Titre;Vues\nÉté;1\u00a0234\n".encode("cp1252"))  # old Excel, no-break space
    assert french.encoding == "cp1252" and parse_metrics(french, Mapping("Titre", "title", {"views": "Vues"})).rows == [
        MetricRow(2, "Été", None, {"views": 1234.0})
    ]


def test_title_lines_blank_lines_and_cells_are_cleaned():
    data = (
        b"Campaign report\n"
        b'"Nov 1, 2026 - Nov 30, 2026"\n'
        b"\n"
        b" Campaign , Clicks ,Impr.\n"
        b"  Summer  , 12 , 100 \n"
        b"\n"
        b"School,3,40\n"
        b"Total,15,140\n"
    )
    t = read_table(data)
    assert t.header == ["Campaign", "Clicks", "Impr."]
    assert t.rows == [(5, ["Summer", "12", "100"]), (7, ["School", "3", "40"])]


def test_a_short_two_cell_title_line_is_not_taken_for_the_header():
    t = read_table(b"Report:,Ads\nTitle,Clicks,Impressions\nA,1,2\n")
    assert t.header == ["Title", "Clicks", "Impressions"] and t.rows == [(3, ["A", "1", "2"])]


def test_trailing_empty_cells_do_not_make_rows_unfit():
    t = read_table(b"Title,Clicks,\nA,1,\nB,2\nC,3,,,\n")
    parsed = parse_metrics(t, Mapping("Title", "title", {"clicks": "Clicks"}))
    assert [r.key for r in parsed.rows] == ["A", "B", "C"] and parsed.errors == []


def test_too_many_rows_are_refused():
    data = b"Title,Clicks\n" + b"".join(b"T%d,1\n" % i for i in range(11))
    assert len(read_table(data, max_rows=11).rows) == 11
    with pytest.raises(ValueError, match="more than 10 rows"):
        read_table(data, max_rows=10)
