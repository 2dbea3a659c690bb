"""Metrics from the channels' CSV exports: row-level errors, good rows kept, re-imports never double."""

from sqlalchemy import func, select

from scheduler.models import ContentItem, ItemMetric, MetricMapping
from scheduler.models.database import db
from tests.library.builders import add_items

X_HEADER = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,retweets,replies,likes,url clicks\n"


def tweets():
    return add_items("twitter", [{"remote_id": str(n), "link": f"https://x.com/atlas/status/{n}"} for n in (101, 102)])


def x_export(*rows: str) -> str:
    return X_HEADER + "".join(row + "\n" for row in rows)


def upload(client, csv_text, mapping=None, name="X export", channel="twitter"):
    from scheduler.domain.metrics_csv.presets import PRESETS

    mapping = mapping or PRESETS["x_post_analytics"].mapping.to_dict()
    return client.post(
        "/api/v1/library/metrics",
        json={"csv": csv_text, "channel": channel, "name": name, "mapping": mapping, "filename": "tweets.csv"},
    )


GOOD_101 = '101,https://x.com/atlas/status/101,"Our guide, part 1",2026-11-20 10:00 +0000,"1,200",40,3,5,20,12'
GOOD_102 = "102,https://x.com/atlas/status/102?utm_source=x,Summer,2026-11-21 09:00 +0000,800,10,1,0,7,2"


def test_good_rows_are_kept_and_bad_rows_are_named_by_line(app, client):
    ids = tweets()
    answer = upload(
        client,
        x_export(
            GOOD_101,
            "999,https://x.com/atlas/status/999,Unknown,2026-11-20,10,1,0,0,1,0",
            "102,https://x.com/atlas/status/102,Bad,2026-11-20,12.3x,1,0,0,1,0",
            GOOD_102,
        ),
    )
    assert answer.status_code == 201, answer.get_json()
    result = answer.get_json()
    assert result["rows_stored"] == 2
    errors = {e["line"]: e for e in result["errors"]}
    assert set(errors) == {3, 4}
    assert "999" in errors[3]["message"] and errors[3]["column"] == "Tweet id"
    assert errors[4]["column"] == "impressions" and "12.3x" in errors[4]["message"]
    db.session.expire_all()
    first, second = db.session.get(ContentItem, ids["101"]), db.session.get(ContentItem, ids["102"])
    assert first.metrics == {"impressions": 1200, "clicks": 12, "likes": 20, "replies": 5, "shares": 3}
    assert second.metrics["impressions"] == 800, "found by its id, whatever tracking its link carries"


def test_importing_the_same_file_twice_updates_and_never_duplicates(app, client):
    tweets()
    upload(client, x_export(GOOD_101, GOOD_102))
    upload(client, x_export(GOOD_101.replace('"1,200"', '"1,500"'), GOOD_102))
    assert db.session.scalar(select(func.count()).select_from(ItemMetric)) == 2
    db.session.expire_all()
    assert db.session.scalar(select(ContentItem).where(ContentItem.remote_id == "101")).metrics["impressions"] == 1500


def test_a_mapping_naming_a_missing_column_is_refused_and_nothing_is_stored(app, client):
    tweets()
    mapping = {"key_column": "Tweet permalink", "key_kind": "link", "metric_columns": {"clicks": "Clicks"}}
    answer = upload(client, x_export(GOOD_101), mapping=mapping)
    assert answer.status_code == 422
    assert "metric_columns.clicks" in answer.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(ItemMetric)) == 0
    bad = client.post("/api/v1/library/metrics", json={"channel": "fax", "name": "", "mapping": {}})
    assert bad.status_code == 422 and {"csv"} <= set(bad.get_json()["error"]["fields"])


def test_the_mapping_screen_recognises_an_export_and_remembers_the_mapping(app, client):
    tweets()
    from io import BytesIO

    screen = client.post(
        "/library/metrics",
        data={"file": (BytesIO(x_export(GOOD_101).encode()), "tweets.csv")},
        content_type="multipart/form-data",
    )
    page = screen.get_data(as_text=True)
    assert screen.status_code == 200 and "recognised as X (Twitter) post analytics" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    form = {
        "token": token,
        "filename": "tweets.csv",
        "name": "Our X export",
        "channel": "twitter",
        "key_column": "Tweet permalink",
        "key_kind": "link",
        "metric_impressions": "impressions",
        "metric_likes": "likes",
    }
    done = client.post("/library/metrics/import", data=form)
    assert done.status_code == 200 and "<strong>1</strong> X" in done.get_data(as_text=True)
    assert db.session.scalar(select(MetricMapping.name)) == "Our X export"

    again = client.post(
        "/library/metrics",
        data={"file": (BytesIO(x_export(GOOD_102).encode()), "later.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "remembered from the last “Our X export” import" in again


def test_an_unreadable_upload_gets_a_form_error(client):
    from io import BytesIO

    answer = client.post(
        "/library/metrics", data={"file": (BytesIO(b""), "empty.csv")}, content_type="multipart/form-data"
    )
    assert answer.status_code == 422 and "is empty" in answer.get_data(as_text=True)
