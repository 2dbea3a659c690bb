"""Live delivery to Bluesky: a session from the app password, facets with DIDs at UTF-8 byte offsets,
blobs, and a record key that makes a second attempt find the first, played by a stand-in PDS."""

import re
import time

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.bluesky import record_key
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, post

PASSWORD, JWT = "abcd-efgh-ijkl-mnop", "eyJ-ACCESS-JWT-7777"
DID = "did:plc:refrain4567abcdefghijkl"
SESSION = "/xrpc/com.atproto.server.createSession"
CREATE = "/xrpc/com.atproto.repo.createRecord"
GET_RECORD = "/xrpc/com.atproto.repo.getRecord"
RESOLVE = "/xrpc/com.atproto.identity.resolveHandle"
BLOB = "/xrpc/com.atproto.repo.uploadBlob"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
RKEY = record_key("refrain-post-7")
MINE = {"$type": "app.bsky.feed.post", "refrainPost": "refrain-post-7"}  # what this post's record carries


def session_answer():
    return {
        "did": DID,
        "handle": "refrain.bsky.social",
        "email": "team@example.com",
        "accessJwt": JWT,
        "refreshJwt": "eyJ-REFRESH-JWT-8888",
        "active": True,
    }


def created(rkey=RKEY):
    return {"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": "bafyreib2rxk3rh6kzwq", "validationStatus": "valid"}


@pytest.fixture
def service(stand_in, tmp_path):
    stand_in.reset()
    stand_in.tmp = tmp_path
    stand_in.answer("POST", SESSION, 200, session_answer())
    stand_in.answer("GET", GET_RECORD, 400, {"error": "RecordNotFound", "message": "Could not locate record"})
    return stand_in


class Delivery:
    """One delivery; ``kept`` plays the app's store of renewed secrets (the session) when given."""

    def __init__(self, service, timeout=2.0, kept=None):
        self.pauses = []
        self.http = HttpClient(allow=LOCAL, timeout=timeout, on_pause=self.pauses.append)
        self.context = DeliveryContext(
            mode="live",
            outbox_dir=service.tmp,
            http=self.http,
            save_secrets=kept.update if kept is not None else None,
            idempotency_key="refrain-post-7",
            account=Account(
                id=1,
                channel="bluesky",
                name="refrain.bsky.social",
                settings={"pds": service.url, "handle": "refrain.bsky.social"},
                secrets={"app_password": PASSWORD, **(kept or {})},
            ),
        )

    def send(self, body="Hello from Refrain", **fields):
        adapter = registry.get("bluesky")
        content = post("bluesky", body, id=7, **fields)
        outcome = adapter.deliver(adapter.render(content), content, self.context)
        shown = " ".join(str(part) for part in (outcome.message, outcome.remote_id, outcome.url, self.http.log))
        assert PASSWORD not in shown and JWT not in shown
        return outcome


@pytest.fixture
def deliver(service):
    return lambda **kwargs: Delivery(service, **kwargs)


def test_a_post_is_a_record_created_under_the_session(service, deliver):
    service.answer("POST", CREATE, 200, created())
    outcome = deliver().send("Hello from Refrain", extra={"langs": ["en"]})
    assert outcome.status == "published" and outcome.remote_id == f"at://{DID}/app.bsky.feed.post/{RKEY}"
    assert outcome.url == f"https://bsky.app/profile/refrain.bsky.social/post/{RKEY}"
    session, create = service.requests
    assert (session.method, session.path) == ("POST", SESSION) and "authorization" not in session.headers
    assert session.json() == {"identifier": "refrain.bsky.social", "password": PASSWORD}
    assert (create.method, create.path) == ("POST", CREATE)
    assert create.headers["authorization"] == f"Bearer {JWT}" and create.headers["content-type"] == "application/json"
    body = create.json()
    record = body.pop("record")
    assert body == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": RKEY}
    created_at = record.pop("createdAt")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created_at)
    assert record == {
        "$type": "app.bsky.feed.post",
        "text": "Hello from Refrain",
        "langs": ["en"],
        "refrainPost": "refrain-post-7",
    }, "the record carries the post's identity mark"


def test_the_record_key_is_a_tid_of_the_idempotency_key():
    assert TID.match(RKEY) and record_key("refrain-post-7") == RKEY
    assert record_key("refrain-post-8") != RKEY and TID.match(record_key("refrain-post-8"))


def test_facets_carry_dids_at_utf8_byte_offsets(service, deliver):
    service.answer("GET", RESOLVE, 200, {"did": "did:plc:alice"})
    service.answer("GET", RESOLVE, 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
    service.answer("POST", CREATE, 200, created())
    text = "Café 🌍👨‍👩‍👧 夏季 @alice.bsky.social: #été! https://example.com/été?x=1 et @ghost.bsky.social 优惠"
    assert deliver().send(text).status == "published"
    assert [r.query for r in service.received("GET", RESOLVE)] == [
        {"handle": ["alice.bsky.social"]},
        {"handle": ["ghost.bsky.social"]},
    ]
    record = service.received("POST", CREATE)[0].json()["record"]
    assert record["text"] == text
    data = record["text"].encode("utf-8")
    covered = [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"]) for f in record["facets"]
    ]
    assert covered == [
        ("@alice.bsky.social", [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:alice"}]),
        ("#été", [{"$type": "app.bsky.richtext.facet#tag", "tag": "été"}]),
        (
            "https://example.com/été?x=1",
            [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/été?x=1"}],
        ),
    ], "the unresolvable @ghost stays plain text"
    assert record["facets"][0]["index"]["byteStart"] == len("Café 🌍👨‍👩‍👧 夏季 ".encode())


def test_a_second_attempt_finds_the_first_and_is_published_once(service, deliver):
    """The first create went out but its answer was lost; the second names the same record key, the PDS
    refuses to create it again, and the record is there with the same text."""
    service.answer("POST", CREATE, drop=True)
    service.answer("POST", CREATE, 500, {"error": "InternalServerError", "message": "Internal Server Error"})
    assert deliver().send("Once only").status == "unconfirmed"
    service.routes[("GET", GET_RECORD)] = []
    service.answer(
        "GET",
        GET_RECORD,
        200,
        {
            "uri": f"at://{DID}/app.bsky.feed.post/{RKEY}",
            "cid": "bafy",
            "value": {
                "$type": "app.bsky.feed.post",
                "text": "Once only",
                "createdAt": "2031-09-01T08:00:00.000Z",
                "refrainPost": "refrain-post-7",
            },
        },
    )
    outcome = deliver().send("Once only")
    assert (
        outcome.status == "published"
        and outcome.remote_id.endswith(f"/{RKEY}")
        and "earlier attempt" in outcome.message
    )
    creates = service.received("POST", CREATE)
    assert [c.json()["rkey"] for c in creates] == [RKEY, RKEY]
    lookup = service.received("GET", GET_RECORD)[-1]
    assert lookup.query == {"repo": [DID], "collection": ["app.bsky.feed.post"], "rkey": [RKEY]}


def test_an_error_saying_the_record_exists_is_retried_while_the_record_cannot_be_read(service, deliver):
    """Whether what is there is this post only the record can tell: until it can be read, nothing is
    taken for published."""
    service.answer("POST", CREATE, 400, {"error": "RecordAlreadyExists", "message": "Record already exists"})
    service.routes[("GET", GET_RECORD)] = []
    service.answer("GET", GET_RECORD, 503, {"error": "Unavailable"})
    outcome = deliver().send()
    assert outcome.status == "retry" and RKEY in outcome.message
    service.routes[("GET", GET_RECORD)] = []
    service.answer("GET", GET_RECORD, 200, {"uri": "x", "value": {**MINE, "text": "Hello from Refrain"}})
    assert deliver().send().status == "published"


def test_a_record_without_the_posts_mark_is_never_taken_for_it(service, deliver):
    service.answer("POST", CREATE, 500, {"error": "InternalServerError"})
    service.routes[("GET", GET_RECORD)] = []
    service.answer("GET", GET_RECORD, 200, {"uri": "x", "value": {"text": "Once only"}})
    outcome = deliver().send("Once only")
    assert outcome.status == "rejected" and "did not write" in outcome.message and RKEY in outcome.message
    service.routes[("GET", GET_RECORD)] = []
    service.answer(
        "GET", GET_RECORD, 200, {"uri": "x", "value": {"text": "Once only", "refrainPost": "refrain-post-8"}}
    )
    assert deliver().send("Once only").status == "rejected", "another post's mark is not this one's"


def test_an_earlier_attempt_with_another_text_is_refused(service, deliver):
    service.answer("POST", CREATE, 500, {"error": "InternalServerError"})
    service.routes[("GET", GET_RECORD)] = []
    service.answer("GET", GET_RECORD, 200, {"uri": "x", "value": {**MINE, "text": "Something else"}})
    outcome = deliver().send("Once only")
    assert outcome.status == "rejected" and "another text" in outcome.message


def test_a_refused_sign_in_is_unauthorized_and_posts_nothing(service, deliver):
    service.routes[("POST", SESSION)] = []
    service.answer(
        "POST", SESSION, 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    )
    outcome = deliver().send()
    assert outcome.status == "unauthorized" and "Invalid identifier or password" in outcome.message
    assert service.received("POST", CREATE) == []


def test_a_429_waits_until_the_reset_and_pauses_the_account(service, deliver):
    reset = int(time.time()) + 300
    service.answer(
        "POST",
        CREATE,
        429,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
    )
    delivery = deliver()
    outcome = delivery.send()
    assert outcome.status == "retry" and 280 < outcome.retry_after <= 300
    assert len(delivery.pauses) == 1 and 280 < delivery.pauses[0] <= 300
    assert service.received("GET", GET_RECORD) == [], "a refusal to create needs no lookup"


def test_a_500_is_a_retry_once_the_record_is_known_to_be_absent(service, deliver):
    service.answer("POST", CREATE, 502, {"error": "UpstreamFailure", "message": "Upstream Failure"})
    outcome = deliver().send()
    assert outcome.status == "retry" and "Upstream Failure" in outcome.message
    assert len(service.received("GET", GET_RECORD)) == 1


def test_a_dropped_answer_is_unconfirmed_unless_the_record_is_found(service, deliver):
    service.answer("POST", CREATE, drop=True)
    assert deliver().send().status == "unconfirmed"
    service.routes[("GET", GET_RECORD)] = []
    service.answer("GET", GET_RECORD, 200, {"uri": "x", "value": {**MINE, "text": "Hello from Refrain"}})
    assert deliver().send().status == "published"


def test_a_slow_answer_is_unconfirmed(service, deliver):
    service.answer("POST", CREATE, 200, created(), delay=1.0)
    assert deliver(timeout=0.5).send().status == "unconfirmed"


def test_no_answer_to_the_sign_in_is_a_plain_retry(service, deliver):
    service.routes[("POST", SESSION)] = []
    service.answer("POST", SESSION, drop=True)
    outcome = deliver().send()
    assert outcome.status == "retry" and "nothing was published" in outcome.message


def test_a_picture_becomes_a_blob_in_an_images_embed(service, deliver):
    blob = {
        "$type": "blob",
        "ref": {"$link": "bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa"},
        "mimeType": "image/png",
        "size": len(PNG),
    }
    service.answer("GET", "/pictures/summer.png", 200, PNG, headers={"Content-Type": "image/png"})
    service.answer("POST", BLOB, 200, {"blob": blob})
    service.answer("POST", CREATE, 200, created())
    picture = {"url": service.url + "/pictures/summer.png", "type": "image", "alt": "A beach at sunset"}
    assert deliver().send("Summer", extra={"media": [picture]}).status == "published"
    upload = service.received("POST", BLOB)[0]
    assert upload.body == PNG and upload.headers["content-type"] == "image/png"
    assert upload.headers["authorization"] == f"Bearer {JWT}"
    record = service.received("POST", CREATE)[0].json()["record"]
    assert record["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "A beach at sunset", "image": blob}],
    }


def test_a_picture_over_a_megabyte_is_refused_before_posting(service, deliver):
    service.answer(
        "GET", "/pictures/huge.png", 200, b"\x89PNG" + b"0" * 1_000_000, headers={"Content-Type": "image/png"}
    )
    picture = {"url": service.url + "/pictures/huge.png", "type": "image", "alt": "Huge"}
    outcome = deliver().send("Summer", extra={"media": [picture]})
    assert outcome.status == "rejected" and "smaller" in outcome.message
    assert service.received("POST", BLOB) == [] and service.received("POST", CREATE) == []


def test_outbox_mode_is_unchanged(service, tmp_path):
    adapter = registry.get("bluesky")
    content = post("bluesky", "Hello", id=7)
    outcome = adapter.deliver(adapter.render(content), content, DeliveryContext("outbox", tmp_path))
    assert outcome.status == "published" and (tmp_path / "bluesky" / "7.json").exists()
    assert service.requests == []


# --- sessions, and the account's own refusals -----------------------------------------------------------

REFRESH = "/xrpc/com.atproto.server.refreshSession"


def test_the_session_is_kept_without_the_password_and_reused(service, deliver):
    service.answer("POST", CREATE, 200, created())
    kept = {}
    assert deliver(kept=kept).send().status == "published"
    assert set(kept) == {"session"} and PASSWORD not in kept["session"] and JWT in kept["session"]
    assert deliver(kept=dict(kept)).send().status == "published"
    assert [r.path for r in service.requests] == [SESSION, CREATE, CREATE], "no second sign-in"
    assert service.requests[-1].headers["authorization"] == f"Bearer {JWT}"


def test_an_expired_token_is_renewed_and_the_renewed_session_kept(service, deliver):
    """The reference PDS says ExpiredToken with a 400, which read by its status would be a refused post."""
    service.answer("POST", CREATE, 200, created())
    kept = {}
    deliver(kept=kept).send()
    service.reset()
    service.answer("POST", CREATE, 400, {"error": "ExpiredToken", "message": "Token has expired"})
    service.answer("POST", CREATE, 200, created())
    service.answer("POST", REFRESH, 200, {**session_answer(), "accessJwt": "eyJ-RENEWED", "refreshJwt": "eyJ-R2"})
    assert deliver(kept=kept).send().status == "published"
    assert [r.path for r in service.requests] == [CREATE, REFRESH, CREATE]
    assert service.requests[1].headers["authorization"] == "Bearer eyJ-REFRESH-JWT-8888"
    assert service.requests[2].headers["authorization"] == "Bearer eyJ-RENEWED" and "eyJ-RENEWED" in kept["session"]


def test_a_fresh_session_refused_as_invalid_is_unauthorized_not_a_loop(service, deliver):
    service.answer("POST", CREATE, 400, {"error": "InvalidToken", "message": "Token could not be verified"})
    outcome = deliver().send()
    assert outcome.status == "unauthorized" and "Token could not be verified" in outcome.message
    assert [r.path for r in service.requests] == [SESSION, CREATE]


def test_a_taken_down_account_is_unauthorized_in_words(service, deliver):
    service.answer("POST", CREATE, 401, {"error": "AccountTakedown", "message": "Account has been taken down"})
    outcome = deliver().send()
    assert outcome.status == "unauthorized" and "@refrain.bsky.social has been taken down" in outcome.message


def test_a_deactivated_account_is_unauthorized_before_posting(service, deliver):
    service.routes[("POST", SESSION)] = []
    service.answer("POST", SESSION, 200, {**session_answer(), "active": False, "status": "deactivated"})
    outcome = deliver().send()
    assert outcome.status == "unauthorized" and "reactivate" in outcome.message
    assert service.received("POST", CREATE) == []


def test_an_accounts_own_password_with_an_email_code_asks_for_an_app_password(service, deliver):
    service.routes[("POST", SESSION)] = []
    service.answer(
        "POST", SESSION, 401, {"error": "AuthFactorTokenRequired", "message": "A sign in code has been sent"}
    )
    outcome = deliver().send()
    assert outcome.status == "unauthorized" and "create an app password" in outcome.message


def test_test_connection_says_as_whom_it_signed_in(service):
    kept = {}
    delivery = Delivery(service, kept=kept)
    outcome = registry.get("bluesky").check_connection(delivery.context)
    assert outcome.status == "published" and outcome.message == f"connected as @refrain.bsky.social on {service.url}"
    assert "session" in kept and [r.path for r in service.requests] == [SESSION]
