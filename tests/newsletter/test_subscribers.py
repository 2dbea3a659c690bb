"""Signing up with double opt-in, referral codes, and RFC 8058 one-click unsubscribe."""

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from scheduler.jobs.workers import run_worker
from scheduler.models import Subscriber
from scheduler.models.database import db
from scheduler.services.newsletter import issues, mailer, messages, subscribers


def subscriber(email) -> Subscriber:
    db.session.expire_all()
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email))


def confirm_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://refrain\.test(/newsletter/confirm/\S+)", text).group(1)


def make_confirmed(email="reader@example.com", name="Reader") -> Subscriber:
    person = Subscriber(email=email, name=name, status="confirmed", token_nonce="x")
    db.session.add(person)
    db.session.commit()
    return person


def test_signup_mails_a_link_that_confirms_the_address(live, client, smtp):
    page = client.post("/newsletter/signup", data={"email": "  Zoe.Martin@Example.COM ", "name": "Zoë Martin"})
    assert page.status_code == 200 and "Check your inbox" in page.get_data(as_text=True)
    person = subscriber("zoe.martin@example.com")
    assert person.status == "pending" and person.name == "Zoë Martin"
    run_worker(live, burst=True)  # the confirmation goes out from a worker
    (mail,) = smtp.to("zoe.martin@example.com")
    assert mail["Subject"] == "Confirm your subscription to Refrain Letters"
    assert mail["To"].addresses[0].display_name == "Zoë Martin"
    assert mail.get_content_type() == "multipart/alternative"
    page = client.get(confirm_link(mail))
    assert page.status_code == 200 and "You're subscribed" in page.get_data(as_text=True)
    assert subscriber("zoe.martin@example.com").status == "confirmed"
    assert client.get(confirm_link(mail)).status_code == 200  # following it again changes nothing


def test_a_second_signup_neither_duplicates_nor_mails_again(live, client, smtp):
    for email in ("twice@example.com", "TWICE@example.com"):
        assert client.post("/newsletter/signup", data={"email": email}).status_code == 200
    run_worker(live, burst=True)
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 1
    assert len(smtp.to("twice@example.com")) == 1
    client.get(confirm_link(smtp.to("twice@example.com")[0]))
    assert client.post("/newsletter/signup", data={"email": "twice@example.com"}).status_code == 200
    run_worker(live, burst=True)
    assert len(smtp.to("twice@example.com")) == 1  # confirmed: nothing more to confirm
    assert subscriber("twice@example.com").status == "confirmed"


def test_a_bad_email_is_a_form_error(live, client):
    page = client.post("/newsletter/signup", data={"email": "not an address", "name": "X"})
    assert page.status_code == 422
    assert "is not an email address" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0


def test_a_tampered_or_stale_confirmation_link_does_nothing(live, client, smtp):
    client.post("/newsletter/signup", data={"email": "late@example.com"})
    person = subscriber("late@example.com")
    stale = subscribers.confirm_token(person)
    person.token_nonce = "another-request"
    db.session.commit()
    assert client.get(f"/newsletter/confirm/{stale}").status_code == 400
    assert client.get(f"/newsletter/confirm/{stale[:-2]}xx").status_code == 400
    assert subscriber("late@example.com").status == "pending"


def test_referral_codes_count_the_confirmed_signups_they_brought(live, client, smtp):
    added = client.post("/newsletter/referrals", data={"staff_name": "Alice Durand", "code": "Alice"})
    assert added.status_code == 302
    assert client.post("/newsletter/referrals", data={"staff_name": "Bob", "code": "alice"}).status_code == 422
    form = client.get("/newsletter/signup?ref=alice").get_data(as_text=True)
    assert 'name="ref" value="alice"' in form
    client.post("/newsletter/signup", data={"email": "a@example.com", "ref": "alice"})
    client.post("/newsletter/signup", data={"email": "b@example.com", "ref": "ALICE"})
    client.post("/newsletter/signup", data={"email": "c@example.com", "ref": "nobody"})
    assert subscriber("a@example.com").referral_code == "alice"
    assert subscriber("c@example.com").referral_code is None
    run_worker(live, burst=True)
    client.get(confirm_link(smtp.to("a@example.com")[0]))
    assert subscribers.referral_report() == [
        {"code": "alice", "staff_name": "Alice Durand", "confirmed": 1}
    ]  # b@example.com signed up with the code but never confirmed: typed addresses count for nothing
    page = client.get("/newsletter").get_data(as_text=True)
    assert "Alice Durand" in page and "https://refrain.test/newsletter/signup?ref=alice" in page


def test_one_click_unsubscribe_is_one_bare_post_without_csrf(live, client):
    person = make_confirmed()
    token = subscribers.unsubscribe_token(person.id, person.email)
    live.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/newsletter/signup", data={"email": "x@example.com"}).status_code == 400  # CSRF is on
    page = client.get(f"/newsletter/unsubscribe/{token}")  # a link scanner's GET unsubscribes nobody
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert subscriber(person.email).status == "confirmed"
    answer = client.post(
        f"/newsletter/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200 and "unsubscribed" in answer.get_data(as_text=True)
    assert subscriber(person.email).status == "unsubscribed"
    again = client.post(
        f"/newsletter/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200


def test_a_tampered_unsubscribe_token_changes_nothing(live, client):
    person = make_confirmed()
    other = make_confirmed("other@example.com")
    token = subscribers.unsubscribe_token(person.id, person.email)
    payload, _, signature = token.rpartition(".")
    forged = subscribers.unsubscribe_token(other.id, person.email)  # signed, but for another address
    for bad in (f"{payload}.{signature[:-3]}abc", token[:-1], "nonsense", forged):
        answer = client.post(
            f"/newsletter/unsubscribe/{bad}",
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert answer.status_code in (400, 404), bad
    assert subscriber(person.email).status == "confirmed"
    assert subscriber(other.email).status == "confirmed"


def test_an_issue_is_multipart_with_one_click_unsubscribe_and_a_stable_message_id(live, client):
    person = make_confirmed("zoe@example.com", "Zoë")
    account = mailer.mail_account()
    payload = {
        "subject": "June: the summer offer",
        "preheader": "Three ideas for June",
        "sections": [
            {
                "heading": "June: the summer offer",
                "body": "Plan **one** theme.",
                "link": "https://example.com/guides/june?utm_source=newsletter",
            },
            {"heading": "<Second>", "body": "More text.", "link": ""},
        ],
        "text": "June: the summer offer\n\nPlan one theme.\n\n<Second>\n\nMore text.",
    }
    mid = issues.message_id(42, person.id, "refrain.test")
    message = messages.issue_message(payload, 42, person.id, person.email, person.name, mid, account)
    again = messages.issue_message(
        payload, 42, person.id, person.email, person.name, issues.message_id(42, person.id, "refrain.test"), account
    )
    assert message["Message-ID"] == again["Message-ID"] == f"<refrain-issue-42-{person.id}@refrain.test>"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "Plan one theme." in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "<strong>one</strong>" in html and "&lt;Second&gt;" in html and "Three ideas for June" in html
    assert str(message["From"]) == "Refrain Letters <news@refrain.test>"
    assert message["Reply-To"] == "editor@refrain.test"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = bytes(message)  # as written on the wire: the URL in the clear, not an RFC 2047 encoded word
    assert re.search(
        rb"^List-Unsubscribe: <https://refrain\.test/newsletter/unsubscribe/[\w.-]+>, "
        rb"<mailto:editor@refrain\.test\?subject=unsubscribe>$",
        raw,
        re.MULTILINE,
    )
    assert bytes(again).count(str(message["List-Unsubscribe"]).encode()) == 1  # the same link every time
    header = " ".join(str(message["List-Unsubscribe"]).split())
    link, mailto = re.fullmatch(r"<(https://[^>]+)>, <(mailto:[^>]+)>", header).groups()
    assert mailto == "mailto:editor@refrain.test?subject=unsubscribe"
    answer = client.post(
        urlsplit(link).path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert subscriber("zoe@example.com").status == "unsubscribed"
