from datetime import date

import pytest

from scheduler.domain.metrics_csv.mapping import KEY_KINDS, METRICS, Mapping, MappingError, check_mapping
from scheduler.domain.metrics_csv.presets import PRESETS, guess_preset, suggest_mapping
from scheduler.domain.metrics_csv.rows import MetricRow, Parsed, RowError, parse_metrics
from scheduler.domain.metrics_csv.table import read_table

# --------------------------------------------------------------------------------- sample exports

X_EXPORT = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","engagement rate",'
    '"retweets","replies","likes","user profile clicks","url clicks","hashtag clicks","detail expands",'
    '"permalink clicks","app opens","app installs","follows","email tweet","dial phone","media views",'
    '"media engagements"\n'
    '"1859000000000000001","https://twitter.com/refrain/status/1859000000000000001","Our summer offer,\n'
    'now on two lines","2026-11-19 15:30 +0000","1234.0","56.0","0.0453808752","3.0","2.0","40.0","1.0",'
    '"10.0","0","5","0","0","0","0","0","0","0","0"\n'
    '"1859000000000000002","https://twitter.com/refrain/status/1859000000000000002","Back to school",'
    '"2026-11-20 08:05 +0000","987.0","12.0","0.0121580547","0.0","1.0","9.0","0.0","2.0","0","0","0",'
    '"0","0","0","0","0","0","0"\n'
)

YOUTUBE_EXPORT = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
    "Your estimated revenue (USD),Impressions,Impressions click-through rate (%)\n"
    'Total,,,,"1,500",80.5,12,3.21,"20,000",7.5\n'
    'dQw4w9WgXcQ,Our summer offer,"Nov 21, 2026",213,1000,50.1,8,2.10,"12,000",8.33\n'
    'abcDEF12345,"Back to school, again","Sep 1, 2026",180,500,30.4,4,1.11,8000,6.25\n'
)

MAILCHIMP_EXPORT = (
    "Title,Subject,List,Send Date,Send Weekday,Total Recipients,Successful Deliveries,Soft Bounces,"
    "Hard Bounces,Total Bounces,Times Forwarded,Forwarded Opens,Unique Opens,Open Rate,Total Opens,"
    "Unique Clicks,Click Rate,Total Clicks,Unsubscribes,Abuse Complaints\r\n"
    'November news,Our summer offer,Customers,"Nov 21, 2026 09:00 am",Saturday,2000,1980,10,10,20,3,5,'
    "900,45.45%,1500,120,6.06%,200,4,0\r\n"
    'October news,"Back  to school",Customers,"Oct 3, 2026 05:30 pm",Saturday,1900,1890,5,5,10,0,0,'
    "700,37.04%,1100,80,4.23%,150,2,0\r\n"
)

GOOGLE_ADS_EXPORT = "\r\n".join(
    [
        "Ad report",
        "November 1, 2026 - November 30, 2026",
        "Ad status\tFinal URL\tHeadline 1\tCampaign\tAd group\tDay\tClicks\tImpr.\tCTR\tCurrency code\t"
        "Avg. CPC\tCost\tConversions",
        "Enabled\thttps://example.com/offer\tSummer offer\tSummer\tGroup 1\t2026-11-21\t1,234\t45,678\t2.70%\tEUR\t"
        "0.35\t431.90\t12.00",
        "Enabled\thttps://example.com/offer\tSummer offer\tSummer\tGroup 1\t2026-11-22\t100\t4,000\t2.50%\tEUR\t"
        "0.30\t30.00\t1.00",
        "Paused\thttps://example.com/school\tBack to school\tSchool\tGroup 2\t2026-11-21\t0\t --\t --\tEUR\t"
        " --\t0.00\t0.00",
        "Total: Account\t\t\t\t\t\t1,334\t49,678\t2.69%\tEUR\t0.35\t461.90\t13.00",
        "Total: Search\t\t\t\t\t\t1,334\t49,678\t2.69%\tEUR\t0.35\t461.90\t13.00",
        "",
    ]
)


def table(text: str, encoding: str = "utf-8"):
    return read_table(text.encode(encoding))


# --------------------------------------------------------------------------------- the four exports


def test_x_post_analytics_export_end_to_end():
    t = table(X_EXPORT)
    assert (t.delimiter, t.encoding) == (",", "utf-8")
    preset = guess_preset(t.header)
    assert preset is PRESETS["x_post_analytics"] and preset.channel == "twitter"
    mapping = suggest_mapping(t.header)
    assert mapping == preset.mapping
    assert check_mapping(mapping, t.header) == {}
    parsed = parse_metrics(t, mapping)
    assert parsed.errors == []
    assert parsed.rows == [
        MetricRow(
            2,
            "1859000000000000001",
            date(2026, 11, 19),
            {"impressions": 1234.0, "clicks": 10.0, "likes": 40.0, "replies": 2.0, "shares": 3.0},
        ),
        # the tweet text above spans two lines: this row starts on line 4 of the file
        MetricRow(
            4,
            "1859000000000000002",
            date(2026, 11, 20),
            {"impressions": 987.0, "clicks": 2.0, "likes": 9.0, "replies": 1.0, "shares": 0.0},
        ),
    ]


def test_x_export_keyed_by_tweet_id_too():
    t = table(X_EXPORT)
    mapping = Mapping("Tweet id", "remote_id", {"impressions": "impressions"}, "time")
    assert [r.key for r in parse_metrics(t, mapping).rows] == ["1859000000000000001", "1859000000000000002"]


def test_youtube_studio_table_data_end_to_end_without_its_total_row():
    t = table(YOUTUBE_EXPORT)
    assert [line for line, _ in t.rows] == [3, 4]  # "Total" (line 2) is not a video
    preset = guess_preset(t.header)
    assert preset is PRESETS["youtube_studio"]
    mapping = suggest_mapping(t.header)
    assert mapping == Mapping(
        "Content", "remote_id", {"impressions": "Impressions", "views": "Views"}, "Video publish time"
    )
    parsed = parse_metrics(t, mapping)
    assert parsed == Parsed(
        [
            MetricRow(3, "dQw4w9WgXcQ", date(2026, 11, 21), {"impressions": 12000.0, "views": 1000.0}),
            MetricRow(4, "abcDEF12345", date(2026, 9, 1), {"impressions": 8000.0, "views": 500.0}),
        ],
        [],
    )


def test_youtube_optional_columns_are_added_when_the_export_has_them():
    header = [
        "Content",
        "Video title",
        "Video publish time",
        "Duration",
        "Views",
        "Likes",
        "Comments added",
        "Shares",
        "Impressions",
    ]
    assert guess_preset(header) is PRESETS["youtube_studio"]
    assert suggest_mapping(header) == Mapping(
        "Content",
        "remote_id",
        {
            "impressions": "Impressions",
            "likes": "Likes",
            "replies": "Comments added",
            "shares": "Shares",
            "views": "Views",
        },
        "Video publish time",
    )
    # and a preset column the export lacks is left out rather than failing the mapping
    without_impressions = ["Content", "Video title", "Video publish time", "Views"]
    assert suggest_mapping(without_impressions).metric_columns == {"views": "Views"}


def test_newsletter_campaigns_export_end_to_end():
    t = table(MAILCHIMP_EXPORT)
    assert guess_preset(t.header) is PRESETS["newsletter_campaigns"]
    mapping = suggest_mapping(t.header)
    assert mapping == PRESETS["newsletter_campaigns"].mapping
    parsed = parse_metrics(t, mapping)
    assert parsed.errors == []
    assert parsed.rows == [
        MetricRow(2, "Our summer offer", date(2026, 11, 21), {"clicks": 120.0, "opens": 900.0}),
        MetricRow(3, "Back to school", date(2026, 10, 3), {"clicks": 80.0, "opens": 700.0}),  # spaces folded
    ]


def test_google_ads_utf16_tab_separated_report_with_title_lines_and_totals():
    t = read_table(GOOGLE_ADS_EXPORT.encode("utf-16"))  # with a BOM, as Google Ads writes it
    assert t.encoding in ("utf-16-le", "utf-16-be") and t.delimiter == "\t"
    assert t.header[:3] == ["Ad status", "Final URL", "Headline 1"]
    assert [line for line, _ in t.rows] == [4, 5, 6]  # title lines skipped, totals dropped
    assert guess_preset(t.header) is PRESETS["google_ads"]
    mapping = suggest_mapping(t.header)
    assert mapping == Mapping(
        "Final URL", "link", {"impressions": "Impr.", "clicks": "Clicks", "conversions": "Conversions"}, "Day"
    )
    parsed = parse_metrics(t, mapping)
    assert parsed.errors == []
    assert parsed.rows == [
        MetricRow(
            4,
            "https://example.com/offer",
            date(2026, 11, 21),
            {"impressions": 45678.0, "clicks": 1234.0, "conversions": 12.0},
        ),
        MetricRow(
            5,
            "https://example.com/offer",
            date(2026, 11, 22),  # same ad, next day: a time series
            {"impressions": 4000.0, "clicks": 100.0, "conversions": 1.0},
        ),
        MetricRow(
            6, "https://example.com/school", date(2026, 11, 21), {"clicks": 0.0, "conversions": 0.0}
        ),  # ' --' impressions: no value, no error
    ]
    # without the date, the same Final URL twice is a duplicate: the last row wins
    undated = parse_metrics(t, PRESETS["google_ads"].mapping)
    assert [(r.line, r.key, r.observed_on) for r in undated.rows] == [
        (5, "https://example.com/offer", None),
        (6, "https://example.com/school", None),
    ]


def test_google_ads_big_endian_and_bomless_utf16_are_read_too():
    assert read_table(b"\xfe\xff" + GOOGLE_ADS_EXPORT.encode("utf-16-be")).encoding == "utf-16-be"
    bomless = read_table(GOOGLE_ADS_EXPORT.encode("utf-16-le"))
    assert bomless.encoding == "utf-16-le" and len(bomless.rows) == 3


def test_each_preset_is_recognised_and_unknown_headers_are_not():
    assert guess_preset(table(X_EXPORT).header).name == "x_post_analytics"
    assert guess_preset(table(YOUTUBE_EXPORT).header).name == "youtube_studio"
    assert guess_preset(table(MAILCHIMP_EXPORT).header).name == "newsletter_campaigns"
    assert guess_preset(read_table(GOOGLE_ADS_EXPORT.encode("utf-16")).header).name == "google_ads"
    assert guess_preset(["Page", "Visits"]) is None
    assert set(PRESETS) == {"x_post_analytics", "youtube_studio", "newsletter_campaigns", "google_ads"}
    for preset in PRESETS.values():
        m = preset.mapping
        header = [m.key_column, *m.metric_columns.values(), *([m.date_column] if m.date_column else [])]
        assert check_mapping(m, header) == {}


def test_recognised_header_in_another_case_is_mapped_as_the_file_spells_it():
    header = [
        "TWEET ID",
        "Tweet Permalink",
        "Tweet Text",
        "Time",
        "Impressions",
        "Retweets",
        "Replies",
        "Likes",
        "URL Clicks",
    ]
    mapping = suggest_mapping(header)
    assert mapping.key_column == "TWEET ID" and mapping.date_column == "Time"
    assert mapping.metric_columns["clicks"] == "URL Clicks"
    assert check_mapping(mapping, header) == {}
    # a saved mapping still fits a file whose headers changed case only
    assert check_mapping(PRESETS["x_post_analytics"].mapping, header) == {}


def test_best_guess_from_header_names_for_unknown_exports():
    # X's newer "account analytics" content export
    header = [
        "Post id",
        "Date",
        "Post text",
        "Post Link",
        "Impressions",
        "Likes",
        "Engagements",
        "Bookmarks",
        "Shares",
        "New follows",
        "Replies",
        "Reposts",
        "Profile visits",
        "Detail Expands",
        "URL Clicks",
    ]
    assert guess_preset(header) is None
    assert suggest_mapping(header) == Mapping(
        "Post Link",
        "link",
        {
            "impressions": "Impressions",
            "clicks": "URL Clicks",
            "likes": "Likes",
            "replies": "Replies",
            "shares": "Shares",
        },
        "Date",
    )
    assert suggest_mapping(["Campaign", "Impr.", "Unique opens", "Conv."]) == Mapping(
        "Campaign", "title", {"impressions": "Impr.", "opens": "Unique opens", "conversions": "Conv."}
    )
    assert suggest_mapping(["Page", "Visits"]) is None  # no key, no metric
    assert suggest_mapping(["Title", "Author"]) is None  # a key but no metric


# --------------------------------------------------------------------------------- mappings


def test_check_mapping_names_the_missing_column():
    header = ["Final URL", "Impr.", "Click", "Conversions"]
    assert check_mapping(PRESETS["google_ads"].mapping, header) == {
        "metric_columns.clicks": "no column 'Clicks' in this file"
    }
    with pytest.raises(MappingError) as raised:
        parse_metrics(
            read_table(b"Final URL,Impr.,Click,Conversions\nhttps://a.example,1,2,3\n"), PRESETS["google_ads"].mapping
        )
    assert "metric_columns.clicks" in str(raised.value)
    assert raised.value.problems == {"metric_columns.clicks": "no column 'Clicks' in this file"}


def test_check_mapping_reports_every_problem_by_field():
    mapping = Mapping("Link", "url", {"clicks": "Clicks", "saves": "Saves", "views": "Clicks"}, "When")
    assert check_mapping(mapping, ["Link", "Clicks"]) == {
        "key_kind": "must be one of link, remote_id, title",
        "metric_columns.saves": "'saves' is not a metric (" + ", ".join(METRICS) + ")",
        "metric_columns.views": "'Clicks' is already used for clicks",
        "date_column": "no column 'When' in this file",
    }
    assert check_mapping(Mapping("Link", "link", {}), ["Link", "Clicks"]) == {
        "metric_columns": "map at least one metric to a column"
    }
    assert check_mapping(Mapping("Clicks", "link", {"clicks": "Clicks"}), ["Link", "Clicks"]) == {
        "metric_columns.clicks": "'Clicks' is already used for the key"
    }


def test_mapping_round_trips_through_a_dict():
    for preset in PRESETS.values():
        assert Mapping.from_dict(preset.mapping.to_dict()) == preset.mapping
    assert Mapping("S", "title", {"opens": "O"}).to_dict() == {
        "key_column": "S",
        "key_kind": "title",
        "metric_columns": {"opens": "O"},
        "date_column": None,
    }
    assert (
        Mapping.from_dict(
            {"key_column": "S", "key_kind": "title", "metric_columns": {"opens": "O"}, "date_column": ""}
        ).date_column
        is None
    )
    assert KEY_KINDS == ("link", "remote_id", "title")


def test_mapping_from_dict_names_the_bad_fields():
    with pytest.raises(ValueError) as raised:
        Mapping.from_dict(
            {"key_column": "", "key_kind": "url", "metric_columns": {"saves": "Saves", "clicks": " "}, "colour": "blue"}
        )
    problems = raised.value.problems
    assert set(problems) == {"key_column", "key_kind", "metric_columns.saves", "metric_columns.clicks", "colour"}
    for name in problems:
        assert name in str(raised.value)
    with pytest.raises(ValueError, match="metric_columns: missing"):
        Mapping.from_dict({"key_column": "S", "key_kind": "title"})
    with pytest.raises(ValueError, match="metric_columns"):
        Mapping.from_dict({"key_column": "S", "key_kind": "title", "metric_columns": ["opens"]})
    with pytest.raises(ValueError, match="mapping"):
        Mapping.from_dict("S,title")


# --------------------------------------------------------------------------------- row errors


def test_bad_rows_are_reported_with_their_line_and_skipped_and_good_rows_kept():
    data = (
        "Title,Impressions,Clicks,Date\n"  # 1
        'Good one,"1,000",10,2026-11-01\n'  # 2
        ",500,5,2026-11-02\n"  # 3 no key
        "Bad number,12,3x,2026-11-03\n"  # 4 (unquoted, '12,3x' is two cells)
        'Bad number,"12,3x",3,2026-11-03\n'  # 5
        "Negative,100,-5,2026-11-04\n"  # 6
        "Percent,12%,4,2026-11-05\n"  # 7
        "Bad date,100,4,2026-13-45\n"  # 8
        "Just a note at the end\n"  # 9 unknown-looking row
        "\n"  # 10 blank: dropped
        "Good two,--,N/A,\n"  # 11 missing values and date: fine
        "Two bad cells,x,-1,2026-11-06\n"  # 12
    )
    parsed = parse_metrics(
        read_table(data.encode()), Mapping("Title", "title", {"impressions": "Impressions", "clicks": "Clicks"}, "Date")
    )
    assert parsed.rows == [
        MetricRow(2, "Good one", date(2026, 11, 1), {"impressions": 1000.0, "clicks": 10.0}),
        MetricRow(11, "Good two", None, {}),
    ]
    assert parsed.errors == [
        RowError(3, "Title", "no title: 'Title' is empty"),
        RowError(4, "Clicks", "'3x' is not a number"),
        RowError(5, "Impressions", "'12,3x' is not a number"),
        RowError(6, "Clicks", "'-5' is negative: a count can't be"),
        RowError(7, "Impressions", "'12%' is a percentage, not a count"),
        RowError(8, "Date", "'2026-13-45' is not a date"),
        RowError(9, None, "this row has 1 cell but the header has 4: it doesn't look like a row of the export"),
        RowError(12, "Impressions", "'x' is not a number"),
        RowError(12, "Clicks", "'-1' is negative: a count can't be"),
    ]


def test_duplicate_keys_keep_the_last_row_silently():
    data = (
        b"Subject,Unique Opens,Send Date\n"
        b"Offer,10,2026-11-01\n"
        b"Other,7,2026-11-01\n"
        b"Offer,12,2026-11-01\n"
        b"Offer,3,2026-11-02\n"
    )  # another day: not a duplicate
    parsed = parse_metrics(read_table(data), Mapping("Subject", "title", {"opens": "Unique Opens"}, "Send Date"))
    assert parsed.errors == []
    assert [(r.line, r.key, r.values["opens"]) for r in parsed.rows] == [
        (3, "Other", 7.0),
        (4, "Offer", 12.0),
        (5, "Offer", 3.0),
    ]
