"""The subscriber list: searched and paged, exported and imported with the date each reader agreed;
rows without consent refused one by one, and nobody who left subscribed again."""

import csv
import io
from datetime import datetime, timezone
from io import BytesIO

from sqlalchemy import insert, select

from scheduler.models import Subscriber
from scheduler.models.database import db
from tests.factories import make_person, signed_in

AGREED = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)


def add(email, status="confirmed", name="", **more):
    db.session.execute(
        insert(Subscriber),
        [{"email": email, "name": name, "status": status, "token_nonce": "x", "confirmed_at": AGREED, **more}],
    )
    db.session.commit()


def upload(client, text: str):
    return client.post(
        "/newsletter/subscribers/import",
        data={"file": (BytesIO(text.encode("utf-8")), "readers.csv")},
        content_type="multipart/form-data",
    )


def test_the_list_is_searched_by_address_or_name_and_paged_newest_first(client, app):
    db.session.execute(
        insert(Subscriber),
        [{"email": f"reader{n:03d}@example.com", "name": f"Reader {n}", "token_nonce": "x"} for n in range(120)],
    )
    db.session.commit()
    add("lea@example.fr", name="Léa Dupont")
    first = client.get("/newsletter/subscribers").get_data(as_text=True)
    assert "121 subscribers · page 1 of 3" in first and first.index("lea@example.fr") < first.index("reader119@")
    assert 'rel="next"' in first and "reader000@" not in first
    last = client.get("/newsletter/subscribers?page=3").get_data(as_text=True)
    assert "reader000@example.com" in last and 'rel="prev"' in last
    found = client.get("/newsletter/subscribers?q=dupont").get_data(as_text=True)
    assert "1 subscriber found" in found and "lea@example.fr" in found and "2025-03-14 09:30 UTC" in found
    assert "0 subscribers found" in client.get("/newsletter/subscribers?q=100%25").get_data(as_text=True)
    assert "1 subscriber found" in client.get("/newsletter/subscribers?q=reader100").get_data(as_text=True)
    assert '<label class="field"><span>Search' in first, "every field has its label"


def test_the_export_carries_the_consent_dates_and_defuses_formulas(client, app):
    add("lea@example.fr", name="=HYPERLINK(1)", referral_code="alice")
    add("gone@example.com", status="unsubscribed", unsubscribed_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    answer = client.get("/newsletter/subscribers.csv?status=confirmed")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert 'filename="subscribers.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert rows == [
        {
            "email": "lea@example.fr",
            "name": "'=HYPERLINK(1)",
            "status": "confirmed",
            "source": "signup",
            "signed_up_at": rows[0]["signed_up_at"],
            "consented_at": "2025-03-14T09:30:00+00:00",
            "unsubscribed_at": "",
            "referral_code": "alice",
        }
    ]
    assert client.get("/newsletter/subscribers.csv?status=whatever").status_code == 400


def test_the_import_keeps_good_rows_and_refuses_each_bad_one_by_its_line(client, app, clock_at):
    clock_at("2026-01-10T12:00:00+00:00")
    add("gone@example.com", status="unsubscribed", unsubscribed_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    add("waiting@example.com", status="pending", confirmed_at=None)
    add("already@example.com")
    page = upload(
        client,
        "email,name,consented_at\n"
        "léa@example.fr,Léa,2025-03-14\n"  # line 2: kept, accents and all
        "no-consent@example.com,Sans,\n"  # 3: refused
        "gone@example.com,Gone,2025-01-01\n"  # 4: left: never subscribed again
        "waiting@example.com,,2025-02-02T10:00:00+01:00\n"  # 5: a waiting signup, confirmed with the date
        "already@example.com,,2025-01-01\n"  # 6: left as it is
        "not an address,X,2025-01-01\n"  # 7
        "later@example.com,,2027-01-01\n"  # 8: a consent still to come is none
        "LÉA@example.fr,Twice,2025-03-14\n",  # 9: the same inbox again
    ).get_data(as_text=True)
    assert "<strong>1</strong> imported, <strong>1</strong> waiting signup(s) confirmed" in page
    assert "1 already subscribed, <strong>5</strong> row(s) refused" in page
    for line, words in (
        (3, "no-consent@example.com has no consent date"),
        (4, "gone@example.com unsubscribed (2025-06-01): an import never subscribes anyone again"),
        (7, "not an address is not an email address"),
        (8, "later@example.com has a consent date &#39;2027-01-01&#39; still to come"),
        (9, "léa@example.fr is in the file twice"),
    ):
        assert f"Line {line}: {words}" in page
    db.session.expire_all()
    stored = {s.email: s for s in db.session.scalars(select(Subscriber))}
    assert stored["léa@example.fr"].status == "confirmed" and stored["léa@example.fr"].source == "import"
    assert stored["léa@example.fr"].confirmed_at == datetime(2025, 3, 14, tzinfo=timezone.utc)
    assert stored["waiting@example.com"].confirmed_at == datetime(2025, 2, 2, 9, tzinfo=timezone.utc)
    assert stored["gone@example.com"].status == "unsubscribed"
    assert "later@example.com" not in stored


def test_a_file_without_a_consent_column_imports_nothing_and_says_which_column_is_missing(client, app):
    page = upload(client, "email,name\nlea@example.fr,Léa\n")
    assert page.status_code == 422
    assert "no column for the consent date" in page.get_data(as_text=True)
    assert db.session.scalar(select(Subscriber.id)) is None


def test_the_list_is_a_managers_and_the_newsletter_page_links_to_it(client, app):
    assert 'href="/newsletter/subscribers"' in client.get("/newsletter").get_data(as_text=True)
    creator = signed_in(app, make_person("chloe@example.com", "creator"))
    assert creator.get("/newsletter/subscribers").status_code == 403
    assert creator.get("/newsletter/subscribers.csv").status_code == 403
    assert 'href="/newsletter/subscribers"' not in creator.get("/newsletter").get_data(as_text=True)


def test_a_list_larger_than_a_megabyte_is_still_imported(client, app):
    rows = "".join(f"reader{n:06d}@example.com,Reader {n},2025-03-14\n" for n in range(30_000))
    text = "email,name,consented_at\n" + rows
    assert len(text.encode()) > 1024 * 1024
    page = upload(client, text).get_data(as_text=True)
    assert "<strong>30000</strong> imported" in page
