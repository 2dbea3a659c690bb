"""What tests/real/test_wordpress.py needs of the WordPress that ``scripts/real/wordpress.sh`` set up,
asked directly of its REST API (not through Refrain): the posts as WordPress holds them, a post written
by hand, a clean slate before each test, and the lost answer the must-use plugin makes on request."""

import base64
import json
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

EVERY_STATUS = "publish,future,draft,pending,private,trash"


class Site:
    """One of the two sites (``pretty`` or ``plain``), as its administrator sees it."""

    def __init__(self, settings: dict, name: str):
        site = settings["sites"][name]
        self.name = name
        self.url = site["url"]
        self.users = site["users"]
        admin = self.users["admin"]
        token = base64.b64encode(f"{admin['user']}:{admin['app_password']}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        self.delay_flag = Path(settings["delay_flag"])
        self.no_link_flag = Path(settings["no_link_flag"])

    def route(self, route: str, **params) -> str:
        """Always by ``?rest_route=``, which every WordPress answers."""
        query = "&".join(f"{k}={urllib.request.quote(str(v), safe=',/')}" for k, v in params.items())
        return f"{self.url}?rest_route=/wp/v2/{route}" + (f"&{query}" if query else "")

    def call(self, method: str, route: str, body: dict | None = None, **params):
        request = urllib.request.Request(
            self.route(route, **params),
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={**self.headers, **({"Content-Type": "application/json"} if body is not None else {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {route} answered {error.code}: {error.read()[:300]!r}") from None

    def posts(self, **params) -> list[dict]:
        """Every post the site holds, whatever its status (the trash too), oldest first."""
        return self.call(
            "GET", "posts", status=EVERY_STATUS, context="edit", per_page=100, orderby="id", order="asc", **params
        )

    def post(self, post_id) -> dict:
        return self.call("GET", f"posts/{post_id}", context="edit")

    def tag_names(self, ids: list[int]) -> list[str]:
        return sorted(self.call("GET", f"tags/{tag}")["name"] for tag in ids)

    def write_by_hand(self, title: str, content: str) -> dict:
        return self.call("POST", "posts", {"title": title, "content": content, "status": "publish"})

    def clear(self) -> None:
        """No post left, so each test counts only its own (Refrain's post ids start again at 1 in each
        test's fresh database, and WordPress keeps its posts from one run to the next)."""
        for item in self.posts():
            self.call("DELETE", f"posts/{item['id']}", force="true")

    @contextmanager
    def answering_late(self, seconds: int):
        """The next post saved through the REST API is answered after ``seconds``: saved, but the
        answer is lost to a client that waits less. Waits until the late answer is over."""
        self.delay_flag.write_text(str(seconds))
        started = time.monotonic()
        try:
            yield
        finally:
            taken = not self.delay_flag.exists()
            self.delay_flag.unlink(missing_ok=True)
            if taken:
                time.sleep(max(0.0, seconds + 0.5 - (time.monotonic() - started)))

    @contextmanager
    def without_api_link(self):
        """The site's pages announce no API root, as when a proxy drops the Link header."""
        self.no_link_flag.write_text("")
        try:
            yield
        finally:
            self.no_link_flag.unlink(missing_ok=True)
