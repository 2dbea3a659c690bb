"""The accounts page: connect with a form, bad input named, secrets never shown back."""
import pytest

import channels.registry as channel_registry


@pytest.fixture
def echo_channel():
    from tests.support.echo_channel import EchoChannel
    channel_registry.register(EchoChannel)
    yield
    channel_registry._channels.pop("echotest", None)


def test_connecting_an_account_through_the_form(client, echo_channel):
    page = client.get("/accounts").get_data(as_text=True)
    assert "Connect a Echo test channel account" in page or "Echo test channel" in page
    refused = client.post("/accounts/echotest", data={"name": "", "api_url": "", "token": ""})
    assert refused.status_code == 422 and "is required" in refused.get_data(as_text=True)
    done = client.post("/accounts/echotest", data={"name": "@atlas", "api_url": "https://api.example",
                                                   "token": "tok-123-secret"})
    assert done.status_code == 302
    page = client.get("/accounts").get_data(as_text=True)
    assert "@atlas" in page and "connected" in page and "tok-123-secret" not in page
    assert 'type="password"' in page
