"""A newcomer's first minutes: `refrain serve` on an empty folder prints the way in, and it works."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from tests.conftest import ENVIRONMENT_SETTINGS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_first_serve_prints_a_link_that_makes_the_owner_once(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT_SETTINGS}
    env.update(REFRAIN_INSTANCE=str(tmp_path / "instance"))
    env.pop("REFRAIN_PUBLIC_URL", None)
    log = open(tmp_path / "serve.log", "w+")
    serve = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "serve", "--port", str(port), "--workers", "0", "--web-processes", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, link = time.monotonic() + 60, None
        while link is None and time.monotonic() < deadline and serve.poll() is None:
            log.seek(0)
            found = re.search(r"http://127\.0\.0\.1:\d+/welcome/\S+", log.read())
            link = found.group(0) if found else None
            time.sleep(0.2)
        log.seek(0)
        assert link and link.startswith(f"http://127.0.0.1:{port}/welcome/"), log.read()
        kept = tmp_path / "instance" / "welcome-link.txt"
        assert kept.read_text().strip() == link and kept.stat().st_mode & 0o777 == 0o600, "kept, private"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = _get_when_up(browser, link, deadline)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "name": "Ana", "email": "ana@example.com", "password": "ana's long passphrase"}
        with browser.open(link, data=urllib.parse.urlencode(form).encode()) as answer:
            assert answer.url.endswith(f":{port}/") and "Ana" in answer.read().decode(), "signed in, on the plans"
        assert not kept.exists(), "a spent link is not kept"
        again = urllib.request.build_opener()
        try:
            again.open(link)
            raise AssertionError("the link worked twice")
        except urllib.error.HTTPError as refused:
            assert refused.code == 410 and "already has an owner" in refused.read().decode()
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=30)
        log.close()


def _get_when_up(browser, url, deadline) -> str:
    while True:
        try:
            with browser.open(url, timeout=10) as answer:
                return answer.read().decode()
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, "the web server did not answer"
            time.sleep(0.3)
