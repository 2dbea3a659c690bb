"""Real-browser fixtures: the app served over HTTP by werkzeug in a thread, driven by Debian's Chromium
through Playwright's sync API.

* ``live_server`` (one per test module): an app built like tests/conftest.py builds it (a tmp instance
  folder, the test database, the session's real Redis) but with CSRF left ON, since a real browser must
  carry the token like any user would. It is per module because ``scheduler.extensions.db`` is one
  global engine that every ``create_app`` rebinds: the function-scoped ``app`` fixture of the other
  suites would otherwise repoint a long-lived server at their own databases.
* ``browser`` (one per session) and ``page`` (a fresh context, so fresh cookies, per test).

No browser is downloaded: ``REFRAIN_CHROMIUM`` or /usr/bin/chromium is used, and when it is missing
the tests fail (they are never skipped) with a message that says what to install.
"""

import os
import shutil
import threading

import pytest

from scheduler import create_app
from scheduler.models.database import db
from scheduler.services import clock
from tests.conftest import ENVIRONMENT_SETTINGS
from tests.factories import make_person

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # a clear failure in the fixture, not a collection error
    expect = sync_playwright = None

CHROMIUM = os.environ.get("REFRAIN_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


class LiveServer:
    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}" if server else ""
        self.now = None  # see pinned_clock


def answering_on_the_clock(app, live: LiveServer):
    """Every request of the server's own threads on ``live.now`` when it is set (the app's clock pinned
    in a test's thread reaches no other thread)."""
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        if live.now is None:
            return inner(environ, start_response)
        with clock.pinned(live.now):
            return inner(environ, start_response)

    app.wsgi_app = wsgi_app


@pytest.fixture
def pinned_clock(live_server):
    """``pinned_clock(datetime)``: the live server's pages see that moment, for this test only."""

    def pin(instant):
        live_server.now = instant

    yield pin
    live_server.now = None


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, redis_server, empty_test_database):
    from werkzeug.serving import make_server

    instance = tmp_path_factory.mktemp("browser-instance")
    with pytest.MonkeyPatch.context() as mp:  # the environment as tests/conftest.py leaves it, only for create_app
        for name in ENVIRONMENT_SETTINGS:
            mp.delenv(name, raising=False)
        mp.setenv("REFRAIN_INSTANCE", str(instance))
        live = LiveServer(None, None)
        # the server is listening before the app is built: its port is the app's public URL, the one
        # origin whose forms it takes
        server = make_server("127.0.0.1", 0, lambda environ, respond: live.app(environ, respond), threaded=True)
        live.server, live.url = server, f"http://127.0.0.1:{server.server_port}"
        live.app = app = create_app(
            {
                "REDIS_URL": redis_server.url,
                "DATABASE_URL": empty_test_database(instance),
                "WTF_CSRF_ENABLED": True,
                "REFRAIN_PUBLIC_URL": live.url,
                "REFRAIN_PASSWORD_HASHING": "fast",
            }
        )
    assert app.config["WTF_CSRF_ENABLED"] is True
    with app.app_context():
        app.extensions["refrain.queue"].connection.flushall()
    answering_on_the_clock(app, live)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="refrain-live-server", daemon=True
    )
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        pytest.fail(
            "the browser tests need Playwright for Python: pip install -e '.[test]' (or pip install playwright)",
            pytrace=False,
        )
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        pytest.fail(
            f"the browser tests drive Chromium at {CHROMIUM}, which is missing"
            f"{f' (one is at {found}: set REFRAIN_CHROMIUM)' if found else ''}; "
            "on Debian: apt-get install -y chromium fonts-noto-cjk",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# every page of every browser test reports what its Content-Security-Policy refused (an init script runs
# outside the page's CSP): an inline script or style, an event handler attribute, a foreign script
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy refused on the test's pages, in the order it happened. ``page``
    fails the test when any is left at its end."""
    return []


def session_cookie(live_server, email="owner@example.com", role="owner", name="Olive Owner") -> dict:
    """The cookie a browser holds once ``email`` signed in (made as Flask signs it, so no test but the
    sign-in tests has to go through the sign-in page)."""
    app = live_server.app
    with app.app_context():
        user = make_person(email, role, name)
        value = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": f"{user.id}:{user.session_epoch}", "_fresh": True}
        )
    return {"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": value, "url": live_server.url}


@pytest.fixture
def anonymous_page(browser, live_server, csp_violations):
    """A browser nobody signed in on."""
    yield from _page(browser, live_server, csp_violations, signed_in_as=None)


@pytest.fixture
def page(browser, live_server, csp_violations):
    """A browser signed in as the team's owner."""
    yield from _page(browser, live_server, csp_violations, signed_in_as="owner@example.com")


def _page(browser, live_server, csp_violations, signed_in_as, locale="en-GB"):
    """A fresh context (cookies, storage) per test; every page error, and every CSP violation, fails the
    test: the pages must work with no inline script at all."""
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, locale=locale, timezone_id="Europe/Paris"
    )
    if signed_in_as:
        context.add_cookies([session_cookie(live_server, signed_in_as)])
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if message.text.startswith("CSP violation") else None,
    )
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
    assert not csp_violations, f"the Content-Security-Policy refused: {csp_violations}"


@pytest.fixture
def seed(live_server):
    """Run a callable inside the live app's context (services and tests/factories.py), return its result."""

    def run(function, *args, **kwargs):
        with live_server.app.app_context():
            return function(*args, **kwargs)

    return run
