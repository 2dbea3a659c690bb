"""A help desk's export read as interactions: columns guessed from their names, values read the way
help desks write them, bad rows reported by line and field, and a key that makes a re-import an update."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.interactions_csv import (
    KEY_LENGTH,
    InteractionMapping,
    MappingProblems,
    check_mapping,
    parse_interactions,
    read_resolution,
    row_key,
    suggest_mapping,
)
from scheduler.domain.metrics_csv.cells import BadCell
from scheduler.domain.metrics_csv.table import read_table

CHANNELS = {"email": "email_support", "email support": "email_support", "chat": "chat", "twitter": "twitter"}
KINDS = {"complaint": "complaint", "question": "question", "refund request": "refund request"}

ZENDESK = (
    "Ticket ID,Created at,Via,Type,Satisfaction,Subject,Requester\n"
    "101,2031-03-02 09:15:00,Email,Refund request,Bad,Where is my refund?,ana@example.com\n"
    "102,2031-03-02 10:00:00,Chat,Question,Good,How do I export?,bo@example.com\n"
    "103,not a date,Chat,Question,Good,Broken date,cy@example.com\n"
    "104,2031-03-03 11:00:00,Fax,Incident,Meh,Everything wrong,di@example.com\n"
    "105,2031-03-04 12:00:00,Twitter\n"
    "101,2031-03-02 09:15:00,Email,Refund requests,Bad,Where is my refund? (edited),ana@example.com\n"
)


def parsed(text: str, mapping: InteractionMapping | None = None):
    table = read_table(text.encode())
    return parse_interactions(table, mapping or suggest_mapping(table.header), channels=CHANNELS, kinds=KINDS)


def test_a_help_desks_columns_are_recognised_by_their_names():
    mapping = suggest_mapping(read_table(ZENDESK.encode()).header)
    assert mapping.columns == {
        "ticket_id": "Ticket ID",
        "occurred_at": "Created at",
        "channel": "Via",
        "kind": "Type",
        "resolution": "Satisfaction",
        "comment": "Subject",
        "customer": "Requester",
    }


def test_good_rows_are_kept_and_each_bad_cell_is_reported_with_its_line_and_field():
    result = parsed(ZENDESK)
    assert [(r.key, r.channel, r.kind, r.negative) for r in result.rows] == [
        ("t:102", "chat", "question", False),
        ("t:101", "email_support", "refund request", True),
    ]
    assert result.rows[1].comment == "Where is my refund? (edited)", "a ticket seen twice keeps its last row"
    assert result.rows[1].occurred_at == datetime(2031, 3, 2, 9, 15, tzinfo=timezone.utc)
    problems = {(e.line, e.field) for e in result.errors}
    assert problems == {(4, "occurred_at"), (5, "channel"), (5, "kind"), (5, "resolution"), (6, None)}
    kind = next(e for e in result.errors if e.field == "kind")
    assert kind.column == "Type" and "'Incident' is not one of the kinds" in kind.message


def test_a_file_written_with_the_apis_field_names_maps_itself():
    text = "channel,kind,resolution,comment,occurred_at\nchat,question,positive,Thanks!,2031-03-02T10:00:00+01:00\n"
    (row,) = parsed(text).rows
    assert (row.channel, row.kind, row.negative, row.comment) == ("chat", "question", False, "Thanks!")
    assert row.occurred_at.isoformat() == "2031-03-02T10:00:00+01:00"


def test_without_a_ticket_id_a_row_is_known_by_what_it_says():
    text = "occurred_at,channel,kind,resolution,comment\n2031-03-02,chat,question,negative,Where?\n"
    first, again = parsed(text).rows[0], parsed(text).rows[0]
    changed = parsed(text.replace("Where?", "Where is it?")).rows[0]
    assert first.key == again.key and first.key.startswith("h:") and changed.key != first.key
    assert first.occurred_at == datetime(2031, 3, 2, 12, tzinfo=timezone.utc), "a date alone means noon"


def test_one_value_may_stand_for_a_whole_column_and_times_are_read_on_the_mappings_clock():
    text = "Date,Note,Rating\n03/15/2031 4:30 pm,Lost parcel,unsatisfied\n"
    mapping = InteractionMapping(
        {"occurred_at": "Date", "comment": "Note", "resolution": "Rating"},
        {"channel": "email", "kind": "complaint"},
        "Europe/Paris",
    )
    (row,) = parsed(text, mapping).rows
    assert (row.channel, row.kind, row.negative) == ("email_support", "complaint", True)
    assert row.occurred_at == datetime(2031, 3, 15, 16, 30, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_mapping_that_does_not_fit_says_which_field_to_fix():
    header = ["When", "Text"]
    problems = check_mapping(InteractionMapping({"occurred_at": "When", "comment": "Missing"}), header)
    assert problems == {
        "comment": "no column 'Missing' in this file",
        "channel": "choose its column, or one value for the whole file",
        "kind": "choose its column, or one value for the whole file",
        "resolution": "choose its column, or one value for the whole file",
    }
    with pytest.raises(MappingProblems) as refused:
        InteractionMapping.from_dict({"columns": {"mood": "x"}, "time_zone": "Mars/Olympus"})
    assert set(refused.value.problems) == {"columns.mood", "time_zone"}


@pytest.mark.parametrize(
    ("written", "negative"),
    [("Bad", True), ("positive", False), ("Insatisfait", True), ("résolu", False), ("差评", True), ("👍", False)],
)
def test_resolutions_are_read_in_the_words_people_use(written, negative):
    assert read_resolution(written) is negative


def test_an_unrated_ticket_is_neither_positive_nor_negative():
    with pytest.raises(BadCell, match="neither positive nor negative"):
        read_resolution("Offered")


@given(
    st.fixed_dictionaries(
        {
            "ticket_id": st.text(max_size=200),
            "comment": st.text(max_size=50),
            "channel": st.sampled_from(["chat", "phone"]),
        }
    )
)
def test_a_rows_key_always_fits_the_column_that_keeps_it(row):
    """PostgreSQL refuses a longer value (SQLite would have kept it): a re-import must not crash."""
    key = row_key(row)
    assert len(key) <= KEY_LENGTH and key == row_key(dict(row))
