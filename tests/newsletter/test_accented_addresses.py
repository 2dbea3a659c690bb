"""Addresses with accents: the public signup takes ``léa@example.fr``, the confirmation reaches it over
SMTPUTF8 with the domain in IDNA, and a server without SMTPUTF8 fails that one reader, said in words."""

from aiosmtpd.controller import Controller
from sqlalchemy import select

from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import NewsletterSend, Subscriber
from scheduler.models.database import db
from scheduler.services import accounts, posts
from scheduler.services.newsletter import addresses, batches
from tests.newsletter.conftest import Recorder, free_port
from tests.newsletter.test_issue import add_subscribers, due_issue


def stored(email) -> Subscriber | None:
    db.session.expire_all()
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email))


def test_the_signup_takes_accents_and_keeps_one_subscriber_per_inbox(client):
    page = client.post("/newsletter/signup", data={"email": "Léa@Example.fr", "name": "Léa"})
    assert page.status_code == 200 and "Check your inbox" in page.get_data(as_text=True)
    assert stored("léa@example.fr").status == "pending"
    assert client.post("/newsletter/signup", data={"email": "zoë@EXÄMPLE.de"}).status_code == 200
    assert client.post("/newsletter/signup", data={"email": "zoë@xn--exmple-cua.de"}).status_code == 200
    assert stored("zoë@exämple.de") is not None
    assert db.session.scalar(select(Subscriber.id).where(Subscriber.email.like("%xn--%"))) is None, "one inbox, one row"
    refused = client.post("/newsletter/signup", data={"email": "léa@"})
    assert refused.status_code == 422 and "is not an email address" in refused.get_data(as_text=True)


def test_smtp_gets_the_domain_in_idna_and_headers_keep_the_accents():
    assert addresses.for_smtp("zoë@exämple.de") == "zoë@xn--exmple-cua.de"
    assert addresses.for_smtp("bob@example.com") == "bob@example.com"
    assert addresses.needs_smtputf8("léa@example.fr") and not addresses.needs_smtputf8("bob@exämple.de")
    header = addresses.header_address("Léa", "léa@exämple.fr")
    assert (header.username, header.domain) == ("léa", "xn--exmple-cua.fr")


def test_the_confirmation_reaches_an_accented_address_over_smtputf8(live, client, smtp):
    client.post("/newsletter/signup", data={"email": "léa@exämple.fr", "name": "Léa"})
    run_worker(live, burst=True)
    assert smtp.received == {"léa@xn--exmple-cua.fr": 1}
    ((_, raw),) = smtp.raw
    assert "To: Léa <léa@xn--exmple-cua.fr>".encode() in raw, "UTF-8 headers, as SMTPUTF8 allows"


def test_a_server_without_smtputf8_fails_that_reader_only_and_says_why(app):
    plain = Recorder()
    plain.port = free_port()
    server = Controller(plain, hostname="127.0.0.1", port=plain.port, enable_SMTPUTF8=False)
    server.start()
    try:
        reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",), public_url="https://refrain.test")
        accounts.connect(
            {
                "channel": "newsletter",
                "name": "Letters",
                "host": "127.0.0.1",
                "port": str(plain.port),
                "security": "none",
                "from_address": "news@refrain.test",
            }
        )
        add_subscribers(2)
        db.session.add(Subscriber(email="léa@example.fr", status="confirmed", token_nonce="x", source="import"))
        db.session.commit()
        posts.schedule_post(due_issue())
        run_worker(app, burst=True)
    finally:
        server.stop()
    rows = dict(
        db.session.execute(
            select(Subscriber.email, NewsletterSend.error).join(
                Subscriber, Subscriber.id == NewsletterSend.subscriber_id
            )
        ).all()
    )
    assert rows["léa@example.fr"] == batches.NO_SMTPUTF8
    assert set(plain.received) == {"reader0000@example.com", "reader0001@example.com"}
