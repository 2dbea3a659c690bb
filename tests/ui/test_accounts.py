"""The accounts page: connect with a form, bad input named, secrets never shown back."""

import pytest


@pytest.fixture
def echo_channel(extra_channel):
    from tests.support.echo_channel import EchoChannel

    extra_channel(EchoChannel)


def test_connecting_an_account_through_the_form(client, echo_channel):
    page = client.get("/accounts").get_data(as_text=True)
    assert "Connect a Echo test channel account" in page or "Echo test channel" in page
    refused = client.post("/accounts/echotest", data={"name": "", "api_url": "", "token": ""})
    assert refused.status_code == 422 and "is required" in refused.get_data(as_text=True)
    done = client.post(
        "/accounts/echotest", data={"name": "@atlas", "api_url": "https://api.example", "token": "tok-123-secret"}
    )
    assert done.status_code == 302
    page = client.get("/accounts").get_data(as_text=True)
    assert "@atlas" in page and "connected" in page and "tok-123-secret" not in page
    assert 'type="password"' in page


def test_the_utm_builder_tags_a_link_and_says_how_ads_are_uploaded(client):
    page = client.get("/tools/utm").get_data(as_text=True)
    assert "does not upload ads to Google Ads by API" in page
    built = client.post(
        "/tools/utm",
        data={
            "url": "https://example.com/offer?ref=1",
            "source": "google",
            "medium": "cpc",
            "campaign": "winter-launch",
            "content": "ad-1",
        },
    )
    assert built.status_code == 200
    assert (
        "https://example.com/offer?ref=1&amp;utm_source=google&amp;utm_medium=cpc&amp;utm_campaign=winter-launch"
        "&amp;utm_content=ad-1"
    ) in built.get_data(as_text=True)
    refused = client.post("/tools/utm", data={"url": "example.com", "source": "", "medium": "cpc", "campaign": "x"})
    assert refused.status_code == 422 and "must be an http" in refused.get_data(as_text=True)
