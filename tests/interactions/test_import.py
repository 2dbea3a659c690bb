"""A help desk's export through the metrics' mapping screen and the command line: the mapping remembered,
row-level errors, good rows kept, and a re-import that updates instead of duplicating."""

import json
from io import BytesIO

from scheduler.cli import cli
from scheduler.services import interactions

ZENDESK = (
    "Ticket ID,Created at,Via,Type,Satisfaction,Subject,Requester\n"
    "101,2031-03-02 09:15:00,Email,Refund request,Bad,Where is my refund?,ana@example.com\n"
    "102,2031-03-02 10:00:00,Chat,Question,Good,How do I export?,bo@example.com\n"
    "103,yesterday,Chat,Question,Good,Broken date,cy@example.com\n"
    "104,2031-03-03 11:00:00,Chat,Incident,Good,Unknown kind,di@example.com\n"
)


def upload(client, text: str, filename="tickets.csv"):
    return client.post(
        "/interactions/import",
        data={"file": (BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def token_of(screen: str) -> str:
    return screen.split('name="token" value="')[1].split('"')[0]


def confirm(client, token, name="Zendesk tickets", **changes):
    form = {
        "token": token,
        "filename": "tickets.csv",
        "name": name,
        "time_zone": "UTC",
        "column_ticket_id": "Ticket ID",
        "column_occurred_at": "Created at",
        "column_channel": "Via",
        "column_kind": "Type",
        "column_resolution": "Satisfaction",
        "column_comment": "Subject",
        "column_customer": "Requester",
    }
    return client.post("/interactions/import/map", data=form | changes)


def test_the_mapping_screen_guesses_the_columns_then_imports_good_rows_and_lists_bad_ones(app, client):
    screen = upload(client, ZENDESK)
    page = screen.get_data(as_text=True)
    assert screen.status_code == 200 and "Which column is which?" in page and "guessed from the column names" in page
    assert '<option selected value="Satisfaction">' in page or 'value="Satisfaction" selected' in page
    done = confirm(client, token_of(page))
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "<strong>2</strong> interactions from tickets.csv (2 new, 0 updated)" in text
    assert '<td class="num">5</td><td>kind</td><td>Type</td>' in text and "&#39;yesterday&#39; is not a date" in text
    assert {i.customer for i in interactions.list_interactions()} == {"ana@example.com", "bo@example.com"}


def test_the_next_export_with_the_same_columns_is_mapped_as_last_time(app, client):
    confirm(client, token_of(upload(client, ZENDESK).get_data(as_text=True)), time_zone="Europe/Paris")
    page = upload(client, ZENDESK.replace("Subject", "Subject")).get_data(as_text=True)
    assert "remembered from the last “Zendesk tickets” import" in page
    assert 'value="Europe/Paris"' in page


def test_a_re_import_updates_by_ticket_id_instead_of_adding_again(app, client):
    confirm(client, token_of(upload(client, ZENDESK).get_data(as_text=True)))
    changed = ZENDESK.replace("Where is my refund?,", '"Refund received, thanks",').replace(",Bad,", ",Good,")
    again = confirm(client, token_of(upload(client, changed).get_data(as_text=True)))
    assert "(0 new, 2 updated)" in again.get_data(as_text=True)
    (refund,) = interactions.list_interactions(channel="email_support")
    assert not refund.negative and refund.comment == "Refund received, thanks"
    assert len(interactions.list_interactions()) == 2


def test_without_a_ticket_id_the_same_rows_are_recognised_by_their_content(app, client):
    token = token_of(upload(client, ZENDESK).get_data(as_text=True))
    assert "(2 new" in confirm(client, token, column_ticket_id="").get_data(as_text=True)
    token = token_of(upload(client, ZENDESK).get_data(as_text=True))
    assert "(0 new, 2 updated)" in confirm(client, token, column_ticket_id="").get_data(as_text=True)
    assert len(interactions.list_interactions()) == 2


def test_a_mapping_missing_a_field_is_shown_again_with_the_field_to_fix(app, client):
    token = token_of(upload(client, ZENDESK).get_data(as_text=True))
    refused = confirm(client, token, column_resolution="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Which column is which?" in page
    assert "Resolution: choose its column, or one value for the whole file" in page
    fixed = confirm(client, token, column_resolution="", default_resolution="negative")
    assert "<strong>2</strong> interactions" in fixed.get_data(as_text=True)
    assert all(i.negative for i in interactions.list_interactions())


def test_the_command_line_imports_and_says_so(app, runner, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(ZENDESK, encoding="utf-8")
    first = runner.invoke(cli, ["interactions", "import", str(path), "--name", "Zendesk"])
    assert first.exit_code == 0, first.output
    assert "imported 2 interactions (2 new, 0 updated) as “Zendesk”; 2 rows not imported" in first.output
    assert "line 4, occurred_at:" in first.output
    again = runner.invoke(cli, ["interactions", "import", str(path), "--name", "Zendesk"])
    assert "(0 new, 2 updated)" in again.output
    mapping = json.dumps(
        {
            "columns": {"occurred_at": "Created at", "comment": "Subject"},
            "defaults": {"channel": "phone", "kind": "question", "resolution": "positive"},
        }
    )
    phoned = runner.invoke(cli, ["interactions", "import", str(path), "--mapping", mapping, "--name", "calls"])
    assert phoned.exit_code == 0 and "imported 3 interactions" in phoned.output


def test_the_command_line_refuses_bad_input_in_one_line(app, runner, tmp_path):
    missing = runner.invoke(cli, ["interactions", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code != 0 and "cannot read" in missing.output
    unmappable = tmp_path / "notes.csv"
    unmappable.write_text("Note,Mood\nhello,ok\n", encoding="utf-8")
    refused = runner.invoke(cli, ["interactions", "import", str(unmappable)])
    assert refused.exit_code != 0 and "occurred_at: choose the column" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    bad_json = runner.invoke(cli, ["interactions", "import", str(unmappable), "--mapping", "{nope"])
    assert bad_json.exit_code != 0 and "not JSON" in bad_json.output
    nothing = tmp_path / "bad.csv"
    nothing.write_text("channel,kind,resolution,occurred_at\nfax,question,positive,2031-03-01\n", encoding="utf-8")
    failed = runner.invoke(cli, ["interactions", "import", str(nothing)])
    assert failed.exit_code != 0 and "no row could be imported" in failed.output
