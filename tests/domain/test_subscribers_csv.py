"""Reading a subscriber list: the consent date is what lets a row in."""

from datetime import datetime, timezone

import pytest

from scheduler.domain.metrics_csv.table import read_table
from scheduler.domain.subscribers_csv import MissingColumns, consent_moment, read_subscribers

NOW = datetime(2026, 1, 10, 12, tzinfo=timezone.utc)


def test_consent_dates_are_iso_dates_or_times_a_naive_time_being_utc():
    assert consent_moment("2025-03-14", NOW) == (datetime(2025, 3, 14, tzinfo=timezone.utc), "")
    assert consent_moment("2025-03-14 10:00:00", NOW)[0] == datetime(2025, 3, 14, 10, tzinfo=timezone.utc)
    assert consent_moment("2025-03-14T10:00:00+01:00", NOW)[0] == datetime(2025, 3, 14, 9, tzinfo=timezone.utc)
    assert consent_moment("2025-03-14T10:00:00Z", NOW)[0] == datetime(2025, 3, 14, 10, tzinfo=timezone.utc)
    assert consent_moment("", NOW)[1].startswith("has no consent date")
    assert "not a date" in consent_moment("14/03/2025", NOW)[1]
    assert "still to come" in consent_moment("2026-01-11", NOW)[1]


def test_columns_are_found_by_their_usual_names_and_rows_keep_their_lines():
    table = read_table("Email Address;Full Name;OPTIN_TIME\nléa@example.fr;Léa;2025-03-14\n;X;2025-01-01\n".encode())
    reading = read_subscribers(table, NOW)
    assert [(r.line, r.email, r.name) for r in reading.rows] == [(2, "léa@example.fr", "Léa")]
    assert [(r.line, r.message) for r in reading.refused] == [(3, "has no email address")]
    with pytest.raises(MissingColumns, match="no column for the consent date"):
        read_subscribers(read_table(b"email,name\na@example.com,A\n"), NOW)
