"""The live client's verdicts, against a real local server: what may be sent again and what may not."""

import socket
import threading

import pytest

from channels.base import DeliveryFailure
from channels.http import HttpClient
from tests.channels.helpers import LOCAL


def verdict(client, url, **kwargs):
    with pytest.raises(DeliveryFailure) as failure:
        client.request("POST", url, json={"text": "hello"}, **kwargs)
    return failure.value.outcome


def test_a_success_is_returned_and_logged_without_its_body(service):
    service.answer("POST", "/post", 201, {"id": "42"})
    client = HttpClient(allow=LOCAL, timeout=2)
    response = client.request("POST", service.url + "/post?token=secret", json={"text": "héllo"})
    assert response.status == 201 and response.json() == {"id": "42"}
    assert service.requests[0].json() == {"text": "héllo"}
    assert client.log == [("POST", service.url + "/post", 201)], "no query string (tokens), no body"


@pytest.mark.parametrize(
    "status, kind",
    [
        (401, "unauthorized"),
        (403, "unauthorized"),
        (400, "rejected"),
        (422, "rejected"),
        (500, "retry"),
        (503, "retry"),
        (429, "retry"),
    ],
)
def test_each_answer_means_one_outcome_with_the_services_words(service, status, kind):
    service.answer("POST", "/post", status, {"error": {"message": "said the service"}})
    outcome = verdict(HttpClient(allow=LOCAL, timeout=2), service.url + "/post")
    assert outcome.status == kind and "said the service" in outcome.message and str(status) in outcome.message


def test_a_429_pauses_the_account_until_retry_after(service):
    service.answer("POST", "/post", 429, {"title": "Too Many Requests"}, headers={"Retry-After": "30"})
    pauses = []
    outcome = verdict(HttpClient(allow=LOCAL, timeout=2, on_pause=pauses.append), service.url + "/post")
    assert outcome.retry_after == 30 and pauses == [30]


def test_no_requests_left_pauses_until_the_reset(service):
    import time

    service.answer(
        "POST",
        "/post",
        200,
        {"ok": True},
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()) + 120)},
    )
    pauses = []
    HttpClient(allow=LOCAL, timeout=2, on_pause=pauses.append).request("POST", service.url + "/post", json={})
    assert 100 < pauses[0] <= 120


def test_a_connection_dropped_after_the_request_is_unconfirmed(service):
    service.answer("POST", "/post", drop=True)
    outcome = verdict(HttpClient(allow=LOCAL, timeout=2), service.url + "/post")
    assert outcome.status == "unconfirmed" and len(service.requests) == 1


def test_a_slow_answer_is_unconfirmed(service):
    service.answer("POST", "/post", 201, {"id": "1"}, delay=1.5)
    assert verdict(HttpClient(allow=LOCAL, timeout=0.5), service.url + "/post").status == "unconfirmed"


def test_nobody_listening_is_a_retry_nothing_was_sent():
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    port = spare.getsockname()[1]
    spare.close()
    outcome = verdict(HttpClient(allow=LOCAL, timeout=2), f"http://127.0.0.1:{port}/post")
    assert outcome.status == "retry" and "could not reach" in outcome.message


def test_a_bad_address_in_the_settings_is_rejected_without_a_request():
    assert verdict(HttpClient(), "ftp://example.com/x").status == "rejected"


def test_an_error_page_is_told_by_its_title_never_repeated_whole(service):
    page = "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>" + "<p>x</p>" * 5000 + "</body></html>"
    service.answer("POST", "/wp-json/wp/v2/posts", 404, page)
    outcome = verdict(HttpClient(allow=LOCAL, timeout=2), service.url + "/wp-json/wp/v2/posts")
    assert outcome.status == "rejected"
    assert outcome.message == "127.0.0.1 answered 404: a page titled “404 Not Found”"


def test_a_services_words_come_without_markup_and_short(service):
    service.answer("POST", "/a", 400, {"message": "<strong>Error:</strong> Unknown&nbsp;username."})
    service.answer("POST", "/b", 400, {"message": "word " * 400})
    client = HttpClient(allow=LOCAL, timeout=2)
    assert verdict(client, service.url + "/a").message == "127.0.0.1 answered 400: Error: Unknown username."
    long = verdict(client, service.url + "/b").message
    assert len(long) < 340 and long.endswith("…")


def test_a_header_sent_twice_keeps_both_values():
    """WordPress sends Link once per relation; the API root's may come first or last."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer_once():
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(
            b'HTTP/1.1 200 OK\r\nLink: <https://a.example/wp-json/>; rel="https://api.w.org/"\r\n'
            b"Link: <https://a.example/?p=1>; rel=shortlink\r\nContent-Length: 2\r\n\r\n{}"
        )
        connection.close()

    server = threading.Thread(target=answer_once, daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        response = HttpClient(allow=LOCAL, timeout=2).request("GET", url)
    finally:
        server.join(2)
        listener.close()
    assert response.header("link") == (
        '<https://a.example/wp-json/>; rel="https://api.w.org/", <https://a.example/?p=1>; rel=shortlink'
    )
