"""The ads' export knows its rows by post id: exporting a post again replaces its own row only; rows and
files Refrain did not write (added by hand, edited in a spreadsheet) are never replaced or dropped."""

import csv
import io

from channels import registry
from channels.base import Account, DeliveryContext
from channels.ppc import EDITOR_COLUMNS
from tests.channels.helpers import post as make_post

AD = {"headlines": ["Offer", "Plan a quarter", "Start today"], "descriptions": ["One line.", "Two lines."]}
BOM = b"\xef\xbb\xbf"


def ad(id=1, **fields):
    fields.setdefault("extra", {**AD, "ad_group": f"Group {id}"})
    return make_post("ppc", "", title="Summer offer", link="https://example.com/offer", id=id, **fields)


def deliver(tmp_path, content):
    adapter = registry.get("ppc")
    account = Account(1, "ppc", "ads", settings={"folder": "ads"})
    context = DeliveryContext("live", tmp_path / "outbox", account=account, export_root=tmp_path)
    return adapter.deliver(adapter.validate(content).draft, content, context)


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def hand_row(group, headline="Typed by hand"):
    row = {column: "" for column in EDITOR_COLUMNS}
    row.update({"Campaign": "rentree-2031", "Ad group": group, "Ad type": "Responsive search ad"})
    row.update({"Headline 1": headline, "Headline 2": "b", "Headline 3": "c", "Final URL": "https://example.com/x"})
    return row


def add_rows(path, *extra):
    """Rows added to the file, as a person would in a spreadsheet (saved as UTF-8 with \\n line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EDITOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(path) + list(extra))
    path.write_bytes(BOM + out.getvalue().encode("utf-8"))


def test_a_row_added_by_hand_survives_a_post_exported_again(tmp_path):
    file = tmp_path / "ads" / "rentree-2031.csv"
    deliver(tmp_path, ad(1))
    add_rows(file, hand_row("Mine"))
    again = deliver(tmp_path, ad(1, extra={**AD, "ad_group": "Group 1", "headlines": ["New", "Plan", "Start"]}))
    assert again.status == "published" and "1 rows Refrain did not write are kept" in again.message
    found = rows(file)
    assert [(row["Ad group"], row["Headline 1"]) for row in found] == [("Group 1", "New"), ("Mine", "Typed by hand")]
    assert found[1] == hand_row("Mine"), "the hand-written row, value for value"


def test_an_ad_of_ours_edited_by_hand_is_kept_beside_the_new_row_not_lost(tmp_path):
    file = tmp_path / "ads" / "rentree-2031.csv"
    deliver(tmp_path, ad(1))
    found = rows(file)
    found[0]["Headline 1"] = "Edited in the sheet"
    file.write_bytes(BOM + b"")
    add_rows(file, *found)
    deliver(tmp_path, ad(1))
    assert sorted(row["Headline 1"] for row in rows(file)) == ["Edited in the sheet", "Offer"]


def test_moving_an_ad_to_another_campaign_keeps_the_old_files_hand_written_rows(tmp_path):
    old = tmp_path / "ads" / "rentree-2031.csv"
    deliver(tmp_path, ad(1))
    add_rows(old, hand_row("Mine"))
    deliver(tmp_path, ad(1, campaign="autumn"))
    assert [row["Ad group"] for row in rows(old)] == ["Mine"], "the file stays for the row Refrain did not write"
    assert [row["Ad group"] for row in rows(tmp_path / "ads" / "autumn.csv")] == ["Group 1"]


def test_a_file_whose_columns_were_changed_is_left_untouched(tmp_path):
    file = tmp_path / "ads" / "rentree-2031.csv"
    deliver(tmp_path, ad(1))
    theirs = b"Campaign,Ad group,Labels\r\nrentree-2031,Mine,keep\r\n"
    file.write_bytes(theirs)
    outcome = deliver(tmp_path, ad(2))
    assert outcome.status == "rejected" and "changed since Refrain wrote it" in outcome.message
    assert file.read_bytes() == theirs


def test_a_file_saved_in_another_encoding_is_left_untouched(tmp_path):
    file = tmp_path / "ads" / "rentree-2031.csv"
    deliver(tmp_path, ad(1))
    saved = file.read_bytes().decode("utf-8-sig").encode("utf-16")
    file.write_bytes(saved)
    outcome = deliver(tmp_path, ad(1))
    assert outcome.status == "rejected" and "UTF-8" in outcome.message and file.read_bytes() == saved


def test_a_campaign_file_refrain_never_wrote_is_refused_and_others_still_export(tmp_path):
    theirs = tmp_path / "ads" / "rentree-2031.csv"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("their own campaign\n")
    assert deliver(tmp_path, ad(1)).status == "rejected"
    assert deliver(tmp_path, ad(2, campaign="winter")).status == "published"
    assert theirs.read_text() == "their own campaign\n"


def test_two_posts_with_the_same_ad_keep_a_row_each(tmp_path):
    same = {**AD, "ad_group": "Same"}
    deliver(tmp_path, ad(1, extra=same))
    deliver(tmp_path, ad(2, extra=same))
    deliver(tmp_path, ad(1, extra=same))
    assert [row["Ad group"] for row in rows(tmp_path / "ads" / "rentree-2031.csv")] == ["Same", "Same"]
