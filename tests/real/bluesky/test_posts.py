"""Bluesky against the AT Protocol's own server: @atproto/pds with its PLC directory, started for this
run (``atproto.py``, ``conftest.py``), every account made on it for the test that uses it. Posts go
through Refrain's real path (an account connected through the API, a due post, the worker, the
guarded HTTP client) and what Refrain wrote is read back from the PDS itself (listRecords,
getRecord, getBlob), never taken from Refrain's word."""

import struct
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from channels import registry
from channels.base import Account, DeliveryContext, PostContent, identity_marker
from channels.bluesky import record_key
from channels.http import HttpClient
from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import ChannelAccount, Post
from scheduler.models.database import db
from scheduler.services import posts
from tests.factories import make_plan
from tests.real.bluesky.atproto import NUMBERS, Proxy
from tests.support.stand_in import StandIn

LOCAL = ("127.0.0.1",)
POST = "app.bsky.feed.post"
MARK = "refrainPost"
TEXT = "Café 🌍👨‍👩‍👧 夏季 @{mention}: #été! https://example.com/été?x=1 et @ghost.test 优惠 #夏季优惠"


def png(width: int, height: int) -> bytes:
    """A real PNG (the PDS sniffs what it stores)."""
    rows = b"".join(b"\x00" + bytes([200, 30, 60]) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PICTURES = {"/summer.png": png(3, 2), "/winter.png": png(2, 5)}


@pytest.fixture
def pictures():
    server = StandIn()
    for path, data in PICTURES.items():
        server.answer("GET", path, 200, data, headers={"Content-Type": "image/png"})
    yield server
    server.close()


@pytest.fixture
def live(app):
    reconfigure(app, delivery="live", fetch_allow=LOCAL)  # as an admin would allow the local PDS


def connect(client, pds_url, account, app_password=None):
    answer = client.post(
        "/api/v1/accounts",
        json={
            "channel": "bluesky",
            "name": account["handle"],
            "pds": pds_url,
            "handle": account["handle"],
            "app_password": app_password or account["app_password"],
        },
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def due_post(body, **extra):
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "bluesky",
            "body": body,
            "scheduled_at": (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(),
            **({"extra": extra} if extra else {}),
        }
    )
    return posts.schedule_post(post).id


def reloaded(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def deliver(pds_url, account, text, post_id, langs=()):
    """The adapter's own delivery, with the guarded client the app gives it."""
    adapter = registry.get("bluesky")
    content = PostContent(channel="bluesky", body=text, id=post_id, extra={"langs": list(langs)})
    context = DeliveryContext(
        mode="live",
        outbox_dir="/nonexistent",
        http=HttpClient(allow=LOCAL, timeout=10),
        idempotency_key=identity_marker(post_id),
        account=Account(
            id=1,
            channel="bluesky",
            name=account["handle"],
            settings={"pds": pds_url, "handle": account["handle"]},
            secrets={"app_password": account["app_password"]},
        ),
    )
    return adapter.deliver(adapter.render(content), content, context)


def spans(record: dict) -> list[tuple[str, dict]]:
    """What each facet covers, read back through its byte offsets, with its feature."""
    data = record["text"].encode("utf-8")
    return [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"][0])
        for f in record.get("facets", [])
    ]


def test_a_post_goes_out_with_facets_at_utf8_bytes_and_its_pictures_stored(app, client, live, pds, account, pictures):
    alice = pds.create_account(f"alice{next(NUMBERS)}.test")
    connect(client, pds.url, account)
    text = TEXT.format(mention=alice["handle"])
    media = [
        {"url": pictures.url + "/summer.png", "type": "image", "alt": "Une plage au coucher du soleil 夏"},
        {"url": pictures.url + "/winter.png", "type": "image", "alt": ""},
    ]
    post_id = due_post(text, media=media, langs=["fr", "zh"])
    run_worker(app, burst=True)

    done = reloaded(post_id)
    assert done.status == "published", done.failure_reason
    assert done.remote_id == f"at://{account['did']}/{POST}/{record_key(identity_marker(post_id))}"
    [stored] = pds.records(account["did"])
    assert stored["uri"] == done.remote_id
    record = stored["value"]
    assert record["text"] == text and record["langs"] == ["fr", "zh"] and record[MARK] == f"refrain-post-{post_id}"
    assert spans(record) == [
        (f"@{alice['handle']}", {"$type": "app.bsky.richtext.facet#mention", "did": alice["did"]}),
        ("#été", {"$type": "app.bsky.richtext.facet#tag", "tag": "été"}),
        (
            "https://example.com/été?x=1",
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/été?x=1"},
        ),
        ("#夏季优惠", {"$type": "app.bsky.richtext.facet#tag", "tag": "夏季优惠"}),
    ], "@ghost.test is nobody on this PDS: it stays plain text"
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    images = record["embed"]["images"]
    assert [image["alt"] for image in images] == [item["alt"] for item in media]
    for image, path in zip(images, PICTURES):
        assert image["image"]["mimeType"] == "image/png" and image["image"]["size"] == len(PICTURES[path])
        blob = pds.xrpc(
            "GET", "com.atproto.sync.getBlob", params={"did": account["did"], "cid": image["image"]["ref"]["$link"]}
        )
        assert blob.status == 200 and blob.body == PICTURES[path], "the picture itself is stored on the PDS"


def test_a_wrong_app_password_is_unauthorized_and_the_account_waits_for_reconnection(app, client, live, pds, account):
    connected = connect(client, pds.url, account, app_password="aaaa-bbbb-cccc-dddd")
    post_id = due_post("Never with a wrong password")
    run_worker(app, burst=True)
    waiting = reloaded(post_id)
    assert waiting.status == "scheduled" and "reconnected" in waiting.failure_reason
    stored = db.session.get(ChannelAccount, connected["id"])
    assert stored.status == "unauthorized"
    assert "app password" in stored.status_message and "Invalid identifier or password" in stored.status_message
    assert "aaaa-bbbb" not in stored.status_message and "answered" not in stored.status_message
    assert pds.records(account["did"]) == []


def test_the_session_is_kept_and_the_next_post_signs_in_no_more(app, client, live, pds, account):
    proxy = Proxy(pds.port)
    try:
        connect(client, proxy.url, account)
        first, second = due_post("First of two"), due_post("Second of two")
        run_worker(app, burst=True)
    finally:
        proxy.close()
    assert reloaded(first).status == "published" and reloaded(second).status == "published"
    assert proxy.count("com.atproto.server.createSession") == 1, proxy.paths
    assert proxy.count("com.atproto.repo.createRecord") == 2


# --- one post, one record ----------------------------------------------------------------------------


def test_a_lost_answer_is_found_at_once_under_its_record_key(app, client, live, pds, account):
    proxy = Proxy(pds.port, lose=["createRecord"])
    try:
        connect(client, proxy.url, account)
        post_id = due_post("Lost and found 夏季")
        run_worker(app, burst=True)
    finally:
        proxy.close()
    found = reloaded(post_id)
    assert found.status == "published", found.failure_reason
    assert found.remote_id.endswith("/" + record_key(identity_marker(post_id)))
    assert len(pds.records(account["did"])) == 1


def test_sent_again_after_a_lost_answer_the_post_is_found_not_made_twice(app, client, live, pds, account):
    """The answer is lost and the PDS cannot be read just then: unconfirmed. Sent again, the PDS
    refuses to make the record a second time (a 500, in the reference PDS) and the record is found."""
    proxy = Proxy(pds.port, lose=["createRecord"], refuse=["getRecord"])
    try:
        connect(client, proxy.url, account)
        post_id = due_post("Sent twice, made once 🌍")
        run_worker(app, burst=True)
        lost = reloaded(post_id)
        assert lost.status == "unconfirmed", lost.failure_reason
        assert len(pds.records(account["did"])) == 1, "it went out all the same"
        posts.schedule_post(lost)  # "send again"
        run_worker(app, burst=True)
    finally:
        proxy.close()
    found = reloaded(post_id)
    assert found.status == "published" and found.remote_id.endswith("/" + record_key(identity_marker(post_id)))
    assert proxy.count("com.atproto.repo.createRecord") == 2
    assert len(pds.records(account["did"])) == 1, "sending again made no second record"


def test_delivering_a_post_twice_makes_one_record(pds, account):
    post_id = next(NUMBERS) + 1000
    first = deliver(pds.url, account, "Once only 🌍", post_id)
    again = deliver(pds.url, account, "Once only 🌍", post_id)
    assert first.status == "published" and again.status == "published", again.message
    assert again.remote_id == first.remote_id and "earlier attempt" in again.message
    assert len(pds.records(account["did"])) == 1


def test_a_record_refrain_did_not_write_under_the_key_is_never_taken_for_the_post(pds, account):
    post_id = next(NUMBERS) + 1000
    rkey = record_key(identity_marker(post_id))
    made = pds.xrpc(
        "POST",
        "com.atproto.repo.createRecord",
        token=account["access"],
        body={
            "repo": account["did"],
            "collection": POST,
            "rkey": rkey,
            "record": {"$type": POST, "text": "Same words", "createdAt": "2024-01-01T00:00:00.000Z"},
        },
    )
    assert made.status == 200, made.data
    outcome = deliver(pds.url, account, "Same words", post_id)
    assert outcome.status == "rejected" and rkey in outcome.message and "did not write" in outcome.message
    [kept] = pds.records(account["did"])
    assert kept["value"] == {"$type": POST, "text": "Same words", "createdAt": "2024-01-01T00:00:00.000Z"}


def test_an_earlier_attempt_with_another_text_is_reported_not_taken(pds, account):
    post_id = next(NUMBERS) + 1000
    assert deliver(pds.url, account, "The first words", post_id).status == "published"
    outcome = deliver(pds.url, account, "The words after an edit", post_id)
    assert outcome.status == "rejected" and "another text" in outcome.message
    [kept] = pds.records(account["did"])
    assert kept["value"]["text"] == "The first words"


# --- the limits Refrain checks before posting are the PDS's own ---------------------------------------


def direct_post(pds, account, text, **fields):
    """A record made around Refrain, to see what the PDS itself says of it."""
    record = {"$type": POST, "text": text, "createdAt": "2031-09-01T08:00:00.000Z", **fields}
    body = {"repo": account["did"], "collection": POST, "record": record}
    return pds.xrpc("POST", "com.atproto.repo.createRecord", token=account["access"], body=body)


@pytest.mark.parametrize(
    "text, langs",
    [
        ("👨‍👩‍👧‍👦" * 120, []),  # 120 families: 3000 bytes, 120 graphemes
        ("🌍" * 300, []),  # 300 graphemes, 1200 bytes
        ("Bonjour", ["fr", "en", "de"]),
    ],
)
def test_what_refrain_lets_through_the_pds_takes(pds, account, text, langs):
    content = PostContent(channel="bluesky", body=text, id=1, extra={"langs": langs})
    assert registry.get("bluesky").validate(content).valid
    outcome = deliver(pds.url, account, text, next(NUMBERS) + 1000, langs=langs)
    assert outcome.status == "published", outcome.message


@pytest.mark.parametrize(
    "text, langs, said",
    [
        ("👨‍👩‍👧‍👦" * 121, [], "string too big (maximum 3000, got 3025)"),
        ("🌍" * 301, [], "grapheme too big (maximum 300, got 301)"),
        ("Bonjour", ["fr", "en", "de", "es"], "array too big (maximum 3, got 4)"),
    ],
)
def test_what_refrain_refuses_before_posting_the_pds_refuses_too(pds, account, text, langs, said):
    content = PostContent(channel="bluesky", body=text, id=1, extra={"langs": langs})
    assert not registry.get("bluesky").validate(content).valid
    refused = direct_post(pds, account, text, **({"langs": langs} if langs else {}))
    assert refused.status == 400 and said in refused.data["message"], refused.data


def test_a_tag_refrain_leaves_plain_the_pds_would_refuse_as_a_facet(pds, account):
    heavy = "a" + "".join(chr(0x301 + n) for n in range(10))  # 1 grapheme, 21 bytes
    text = "#" + heavy * 31  # 31 graphemes, 651 bytes: past the tag's 640
    assert registry.get("bluesky").render(PostContent(channel="bluesky", body=text)).payload["facets"] == []
    tag = {"$type": "app.bsky.richtext.facet#tag", "tag": heavy * 31}
    facet = {"index": {"byteStart": 0, "byteEnd": len(text.encode())}, "features": [tag]}
    refused = direct_post(pds, account, text, facets=[facet])
    assert refused.status == 400 and "string too big (maximum 640, got 651)" in refused.data["message"], refused.data
