"""PPC live delivery: responsive search ads exported as Google Ads Editor CSV files, one per campaign,
one row per ad, UTM-tagged; and the UTM link builder."""

import csv
import io
import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.ppc import EXPORTED, utm_link
from tests.channels.helpers import post as make_post

BOM = b"\xef\xbb\xbf"
HEADER = (
    ["Campaign", "Ad group", "Ad type"]
    + [f"Headline {n}" for n in range(1, 16)]
    + [f"Description {n}" for n in range(1, 5)]
    + ["Path 1", "Path 2", "Final URL", "Status"]
)
AD = {
    "headlines": ["Offre d'été", "Plan a quarter", "Start, today"],
    "descriptions": ['One "quoted" line.', "Two, with a comma."],
    "path1": "summer",
    "path2": "offer",
    "ad_group": "Été 2031",
}


def ad_post(id=1, **fields):
    fields.setdefault("link", "https://example.com/offer?ref=ads")
    fields["extra"] = {**AD, **fields.get("extra", {})}
    return make_post("ppc", "", title="Summer offer", id=id, **fields)


def deliver(tmp_path, post, **settings):
    adapter = registry.get("ppc")
    validation = adapter.validate(post)
    assert validation.valid, validation.problems
    account = Account(1, "ppc", "ads", settings={"folder": "ads", **settings})  # relative to the export root
    context = DeliveryContext("live", tmp_path / "outbox", account=account, export_root=tmp_path)
    return adapter.deliver(validation.draft, post, context)


def read(path):
    data = path.read_bytes()
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    reader = csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, row)) for row in rows]


def test_an_ad_becomes_one_row_of_its_campaigns_editor_file(tmp_path):
    outcome = deliver(tmp_path, ad_post())
    path = tmp_path / "ads" / "rentree-2031.csv"
    assert (outcome.status, outcome.remote_id, outcome.url) == ("published", str(path), path.as_uri())
    assert outcome.message == EXPORTED
    header, rows = read(path)
    assert header == HEADER
    assert rows == [
        {
            **{column: "" for column in HEADER},
            "Campaign": "rentree-2031",
            "Ad group": "Été 2031",
            "Ad type": "Responsive search ad",
            "Headline 1": "Offre d'été",
            "Headline 2": "Plan a quarter",
            "Headline 3": "Start, today",
            "Description 1": 'One "quoted" line.',
            "Description 2": "Two, with a comma.",
            "Path 1": "summer",
            "Path 2": "offer",
            "Final URL": rows[0]["Final URL"],
            "Status": "Enabled",
        }
    ]
    assert path.read_bytes().count(b"\r\n") == 2, "CRLF line ends, one header and one row"


def test_the_final_url_carries_every_utm_tag(tmp_path):
    deliver(tmp_path, ad_post())
    _, rows = read(tmp_path / "ads" / "rentree-2031.csv")
    url = rows[0]["Final URL"]
    assert url.startswith("https://example.com/offer?ref=ads&")
    assert dict(parse_qsl(urlsplit(url).query)) == {
        "ref": "ads",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "rentree-2031",
        "utm_content": "ete-2031",
    }


def test_delivering_again_replaces_the_row(tmp_path):
    deliver(tmp_path, ad_post())
    again = deliver(tmp_path, ad_post(extra={"headlines": ["New one", "Plan a quarter", "Start, today"]}))
    header, rows = read(tmp_path / "ads" / "rentree-2031.csv")
    assert again.status == "published" and len(rows) == 1 and rows[0]["Headline 1"] == "New one"
    assert sorted(p.name for p in (tmp_path / "ads").iterdir() if not p.name.startswith(".")) == ["rentree-2031.csv"]
    assert not [p for p in (tmp_path / "ads").iterdir() if p.name.endswith(".tmp")]


def test_two_ads_of_one_campaign_are_two_rows_and_other_campaigns_have_their_own_file(tmp_path):
    deliver(tmp_path, ad_post(id=2, extra={"ad_group": "Second"}))
    deliver(tmp_path, ad_post(id=1))
    deliver(tmp_path, ad_post(id=3, campaign="winter-sale"))
    _, rows = read(tmp_path / "ads" / "rentree-2031.csv")
    assert [row["Ad group"] for row in rows] == ["Été 2031", "Second"], "in post order"
    _, winter = read(tmp_path / "ads" / "winter-sale.csv")
    assert len(winter) == 1 and winter[0]["Campaign"] == "winter-sale"
    assert "utm_campaign=winter-sale" in winter[0]["Final URL"]


def test_an_ad_moved_to_another_campaign_leaves_the_old_file(tmp_path):
    deliver(tmp_path, ad_post(id=1))
    deliver(tmp_path, ad_post(id=2))
    deliver(tmp_path, ad_post(id=1, campaign="autumn"))
    assert [row["Ad group"] for row in read(tmp_path / "ads" / "rentree-2031.csv")[1]] == ["Été 2031"]
    assert len(read(tmp_path / "ads" / "autumn.csv")[1]) == 1
    deliver(tmp_path, ad_post(id=2, campaign="autumn"))
    assert not (tmp_path / "ads" / "rentree-2031.csv").exists()
    index = json.loads((tmp_path / "ads" / ".refrain-ads.json").read_text())
    assert {key: entry["file"] for key, entry in index.items()} == {"1": "autumn.csv", "2": "autumn.csv"}


def test_the_ad_group_defaults_to_the_title_and_the_status_can_be_paused(tmp_path):
    post = ad_post()
    post = make_post(
        "ppc", "", title="Summer offer", id=5, link=post.link, extra={k: v for k, v in AD.items() if k != "ad_group"}
    )
    deliver(tmp_path, post, ad_status="paused")
    _, rows = read(tmp_path / "ads" / "rentree-2031.csv")
    assert (rows[0]["Ad group"], rows[0]["Status"]) == ("Summer offer", "Paused")
    assert "utm_content=summer-offer" in rows[0]["Final URL"]
    assert deliver(tmp_path, ad_post(), ad_status="Running").status == "rejected"


def test_without_a_folder_setting_the_file_goes_to_the_outboxs_ppc_folder(tmp_path):
    outcome = deliver(tmp_path, ad_post(), folder="")
    assert outcome.status == "published" and outcome.remote_id == str(tmp_path / "outbox" / "ppc" / "rentree-2031.csv")


def test_an_unwritable_folder_is_a_retry(tmp_path):
    (tmp_path / "ads").write_text("a file, not a folder")
    assert deliver(tmp_path, ad_post()).status == "retry"


def test_fifteen_headlines_and_four_descriptions_fill_every_column(tmp_path):
    headlines, descriptions = [f"Headline number {n}" for n in range(15)], [f"Line {n}." for n in range(4)]
    deliver(tmp_path, ad_post(extra={"headlines": headlines, "descriptions": descriptions}))
    row = read(tmp_path / "ads" / "rentree-2031.csv")[1][0]
    assert [row[f"Headline {n}"] for n in range(1, 16)] == headlines
    assert [row[f"Description {n}"] for n in range(1, 5)] == descriptions


@pytest.mark.parametrize(
    "url, arguments, expected",
    [
        (
            "https://e.com/p",
            ("google", "cpc", "summer"),
            "https://e.com/p?utm_source=google&utm_medium=cpc&utm_campaign=summer",
        ),
        (
            "https://e.com/p?a=1#top",
            ("news", "email", "s", "hero", "red shoes"),
            "https://e.com/p?a=1&utm_source=news&utm_medium=email&utm_campaign=s&utm_content=hero&utm_term=red+shoes#top",
        ),
        (
            "https://e.com/?utm_source=bing&x=2",
            ("google", "cpc", "c"),
            "https://e.com/?utm_source=google&x=2&utm_medium=cpc&utm_campaign=c",
        ),
    ],
)
def test_utm_link_builder(url, arguments, expected):
    assert utm_link(url, *arguments) == expected


def test_utm_link_can_keep_the_tags_a_link_already_has():
    assert (
        utm_link("https://e.com/?utm_source=bing", "google", "cpc", "c", "g", replace=False)
        == "https://e.com/?utm_source=bing&utm_medium=cpc&utm_campaign=c&utm_content=g"
    )
