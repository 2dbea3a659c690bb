"""A metrics export uploaded for the mapping screen and never imported does not stay on the server: after
a day it is gone, removed by the next upload or by the sweeper, and its mapping screen says so."""

import os
import time
from io import BytesIO
from pathlib import Path

from scheduler.services import metrics
from scheduler.services.sweeper import sweep
from tests.library.test_metrics import GOOD_101, tweets, x_export


def stage(client) -> str:
    screen = client.post(
        "/library/metrics",
        data={"file": (BytesIO(x_export(GOOD_101).encode()), "tweets.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    return screen.split('name="token" value="')[1].split('"')[0]


def staged_file(app, token) -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "uploads" / f"{token}.csv"


def age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def mapping_form(token):
    return {
        "token": token,
        "filename": "tweets.csv",
        "name": "X",
        "channel": "twitter",
        "key_column": "Tweet permalink",
        "key_kind": "link",
        "metric_impressions": "impressions",
    }


def test_an_upload_left_a_day_is_refused_at_import_with_a_word_and_removed(app, client):
    tweets()
    token = stage(client)
    age(staged_file(app, token), hours=24.5)
    answer = client.post("/library/metrics/import", data=mapping_form(token), follow_redirects=True)
    assert "That upload has expired; choose the file again." in answer.get_data(as_text=True)
    assert not staged_file(app, token).exists()


def test_an_upload_a_few_hours_old_is_still_imported_and_then_removed(app, client):
    tweets()
    token = stage(client)
    age(staged_file(app, token), hours=23)
    done = client.post("/library/metrics/import", data=mapping_form(token))
    assert done.status_code == 200 and "<strong>1</strong> X" in done.get_data(as_text=True)
    assert not staged_file(app, token).exists()


def test_the_next_upload_removes_the_expired_ones_and_keeps_the_fresh(app, client):
    abandoned, recent = stage(client), stage(client)
    age(staged_file(app, abandoned), hours=30)
    age(staged_file(app, recent), hours=2)
    newest = stage(client)
    assert not staged_file(app, abandoned).exists()
    assert staged_file(app, recent).exists() and staged_file(app, newest).exists()


def test_the_sweeper_removes_expired_uploads_when_nobody_uploads_again(app, client):
    abandoned = stage(client)
    age(staged_file(app, abandoned), hours=25)
    assert sweep()["expired_uploads"] == 1
    assert not staged_file(app, abandoned).exists()
    assert metrics.staged_upload(abandoned) is None
