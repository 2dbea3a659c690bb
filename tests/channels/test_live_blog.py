"""Blog live delivery: a static site's folder (committed when it is a git repository), WordPress's REST
API, a Micropub endpoint; each against what a real one would see."""

import base64
import json
import subprocess
from datetime import datetime, timezone

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL
from tests.channels.helpers import post as make_post
from tests.support.stand_in import StandIn

BODY = "Hello *world*.\n\nA second paragraph with a [link](https://example.com)."
PAST = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def blog_post(title="Summer plans", body=BODY, id=42, **fields):
    return make_post("blog", body, title=title, id=id, **fields)


def deliver(post, tmp_path, settings, secrets=None):
    adapter = registry.get("blog")
    validation = adapter.validate(post)
    assert validation.draft is not None, validation.problems
    account = Account(1, "blog", "my blog", settings=settings, secrets=secrets or {})
    context = DeliveryContext(
        "live",
        tmp_path / "outbox",
        account=account,
        http=HttpClient(allow=LOCAL, timeout=2),
        idempotency_key=f"refrain-post-{post.id}",
        now=DELIVERED_AT,
        export_root=tmp_path,
    )
    return adapter.deliver(validation.draft, post, context)


def parse(markdown):
    """Front matter written as 'key: <JSON value>' lines (what YAML reads too), then the body."""
    assert markdown.startswith("---\n")
    head, _, body = markdown[4:].partition("\n---\n")
    values = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        values[key] = json.loads(value)
    return values, body


def test_the_account_form_covers_every_target_and_hides_its_secrets():
    fields = {f.name: f for f in registry.get("blog").account_fields}
    assert {
        "target",
        "folder",
        "content_dir",
        "site_url",
        "user",
        "app_password",
        "micropub_endpoint",
        "micropub_token",
    } <= set(fields)
    assert {name for name, f in fields.items() if f.secret} == {"app_password", "micropub_token"}
    assert [name for name, f in fields.items() if f.required] == ["target"] and fields["target"].default == "folder"


def test_an_unknown_target_is_rejected(tmp_path):
    outcome = deliver(blog_post(), tmp_path, {"target": "ghost"})
    assert outcome.status == "rejected" and "folder, wordpress, micropub" in outcome.message


# --- folder ------------------------------------------------------------------------------------------


def folder_settings(site, **more):
    """The folder as an account names it: relative to the export root (each test's tmp_path)."""
    return {"target": "folder", "folder": site.name, **more}


def posts_in(site):
    return sorted(p.relative_to(site).as_posix() for p in (site / "content" / "posts").iterdir())


def test_folder_writes_front_matter_and_body(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    outcome = deliver(
        blog_post(extra={"tags": ["planning", "été"]}, link="https://example.com/orig"), tmp_path, folder_settings(site)
    )
    assert outcome.status == "published", outcome.message
    assert outcome.remote_id == "content/posts/2031-09-01-summer-plans.md"
    assert outcome.url == (site / outcome.remote_id).as_uri()
    assert posts_in(site) == ["content/posts/2031-09-01-summer-plans.md"], "no temporary file left"
    values, body = parse((site / outcome.remote_id).read_text(encoding="utf-8"))
    assert list(values) == ["title", "date", "publishDate", "draft", "slug", "tags", "canonical_url", "refrain_id"]
    assert values == {
        "title": "Summer plans",
        "date": "2031-09-01T08:00:00+00:00",
        "publishDate": "2031-09-01T08:00:00+00:00",
        "draft": False,
        "slug": "summer-plans",
        "tags": ["planning", "été"],
        "canonical_url": "https://example.com/orig",
        "refrain_id": 42,
    }
    assert body == "\n" + BODY + "\n"


def test_a_past_post_has_no_publish_date_and_a_site_url_gives_the_address(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    outcome = deliver(
        blog_post(scheduled_at=PAST),
        tmp_path,
        folder_settings(site, site_url="https://blog.example/posts/", content_dir="_posts"),
    )
    assert outcome.status == "published" and outcome.remote_id == "_posts/2021-03-04-summer-plans.md"
    assert outcome.url == "https://blog.example/posts/summer-plans/"
    values, _ = parse((site / outcome.remote_id).read_text())
    assert values["date"] == "2021-03-04T05:06:07+00:00" and "publishDate" not in values


@pytest.mark.parametrize(
    "title",
    [
        "a: b",
        "'single' and \"double\" quotes",
        "two\nlines",
        "冬季优惠",
        "# hash",
        "- dash",
        "yes",
        "tab\tand \\ backslash",
        "line\u2028separator",
    ],
)
def test_hostile_titles_stay_one_yaml_string(tmp_path, title):
    site = tmp_path / "site"
    site.mkdir()
    outcome = deliver(blog_post(title=title), tmp_path, folder_settings(site))
    assert outcome.status == "published", outcome.message
    text = (site / outcome.remote_id).read_text(encoding="utf-8")
    values, _ = parse(text)
    assert values["title"] == " ".join(title.split())
    assert "\u2028" not in text and text.count("\n---\n") == 1


def test_delivering_again_rewrites_the_same_file(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    first = deliver(blog_post(body="First version."), tmp_path, folder_settings(site))
    second = deliver(blog_post(body="Second version."), tmp_path, folder_settings(site))
    assert first.remote_id == second.remote_id and posts_in(site) == [first.remote_id]
    assert (site / first.remote_id).read_text().endswith("\nSecond version.\n")


def test_a_new_slug_or_date_replaces_the_old_file_of_the_same_post(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    deliver(blog_post(title="Old title"), tmp_path, folder_settings(site))
    deliver(blog_post(title="Other post", id=7), tmp_path, folder_settings(site))
    renamed = deliver(blog_post(title="New title"), tmp_path, folder_settings(site))
    assert posts_in(site) == ["content/posts/2031-09-01-new-title.md", "content/posts/2031-09-01-other-post.md"]
    moved = deliver(blog_post(title="New title", scheduled_at=PAST), tmp_path, folder_settings(site))
    assert renamed.remote_id != moved.remote_id
    assert posts_in(site) == ["content/posts/2021-03-04-new-title.md", "content/posts/2031-09-01-other-post.md"]


def test_a_long_front_matter_is_still_recognised_as_this_posts(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    tags = [f"tag number {n} " + "x" * 40 for n in range(200)]
    first = deliver(blog_post(extra={"tags": tags}), tmp_path, folder_settings(site))
    assert (site / first.remote_id).stat().st_size > 10_000
    again = deliver(blog_post(extra={"tags": tags}), tmp_path, folder_settings(site))
    assert again.status == "published" and posts_in(site) == [first.remote_id]


def test_a_file_that_is_not_this_posts_is_never_overwritten(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    theirs = site / "content" / "posts" / "2031-09-01-summer-plans.md"
    theirs.write_text("---\ntitle: Mine\n---\nHand written.\n")
    outcome = deliver(blog_post(), tmp_path, folder_settings(site))
    assert outcome.status == "published" and outcome.remote_id == "content/posts/2031-09-01-summer-plans-2.md"
    assert theirs.read_text() == "---\ntitle: Mine\n---\nHand written.\n"


def test_folder_settings_are_checked(tmp_path):
    missing = deliver(blog_post(), tmp_path, {"target": "folder"})
    assert missing.status == "rejected" and "Site folder (folder)" in missing.message
    absent = deliver(blog_post(), tmp_path, folder_settings(tmp_path / "nowhere"))
    assert absent.status == "rejected" and "does not exist" in absent.message
    (tmp_path / "site").mkdir()
    outside = deliver(blog_post(), tmp_path, folder_settings(tmp_path / "site", content_dir="../elsewhere"))
    assert outside.status == "rejected" and not (tmp_path / "elsewhere").exists()


def git(site, *arguments):
    return subprocess.run(["git", *arguments], cwd=site, capture_output=True, text=True, check=True).stdout


def test_a_git_repository_gets_one_commit_per_change(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    git(site, "init", "-q")
    (site / "notes.txt").write_text("the owner's own work, staged")
    git(site, "add", "notes.txt")
    first = deliver(blog_post(title="Summer: plans"), tmp_path, folder_settings(site))
    assert first.status == "published" and "committed" in first.message, first.message
    log = git(site, "log", "--format=%an <%ae>|%cn <%ce>|%s").splitlines()
    assert log == ["Refrain <refrain@localhost>|Refrain <refrain@localhost>|Refrain: publish Summer: plans"]
    assert git(site, "show", "--name-only", "--format=", "HEAD").split() == [first.remote_id]
    assert "A  notes.txt" in git(site, "status", "--porcelain"), "the owner's staged file is left alone"

    again = deliver(blog_post(title="Summer: plans"), tmp_path, folder_settings(site))
    assert again.status == "published" and len(git(site, "log", "--format=%s").splitlines()) == 1

    renamed = deliver(blog_post(title="Winter plans"), tmp_path, folder_settings(site))
    assert renamed.status == "published"
    assert git(site, "log", "--format=%s").splitlines()[0] == "Refrain: publish Winter plans"
    assert git(site, "ls-files", "content").split() == [renamed.remote_id], "the old file is removed in git too"
    assert git(site, "status", "--porcelain", "content") == ""


def test_a_failed_commit_is_a_retry_and_the_next_attempt_commits(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    git(site, "init", "-q")
    lock = site / ".git" / "index.lock"
    lock.write_text("")  # someone else is running git
    busy = deliver(blog_post(), tmp_path, folder_settings(site))
    assert busy.status == "retry" and "commit" in busy.message
    lock.unlink()
    assert deliver(blog_post(), tmp_path, folder_settings(site)).status == "published"
    assert git(site, "log", "--format=%s").splitlines() == ["Refrain: publish Summer plans"]


# --- WordPress -----------------------------------------------------------------------------------------
# WordPress's answers as the real one gives them (Debian's 6.1, tests/real/test_wordpress.py): the API
# root announced in a Link header, post lookups and writes with context=edit, refusals nested in a 400

POSTS, TAGS, ME = "/wp-json/wp/v2/posts", "/wp-json/wp/v2/tags", "/wp-json/wp/v2/users/me"
MARK = "<!-- refrain-post-42 -->"
HTML = '<p>Hello <em>world</em>.</p>\n<p>A second paragraph with a <a href="https://example.com">link</a>.</p>\n'


def wordpress(service, **more):
    return {
        "settings": {"target": "wordpress", "site_url": service.url + "/", "user": "ann", **more},
        "secrets": {"app_password": "abcd efgh ijkl"},
    }


def announced(service, root=None):
    """The site's pages name the API root, as WordPress's do."""
    root = root or service.url + "/wp-json/"
    service.answer("HEAD", "/", 200, "", headers={"Link": f'<{root}>; rel="https://api.w.org/"'})


def deliver_wp(service, post, tmp_path, **more):
    account = wordpress(service, **more)
    return deliver(post, tmp_path, account["settings"], account["secrets"])


def wp_post(id, content=HTML + MARK + "\n", status="future", **more):
    return {
        "id": id,
        "status": status,
        "content": {"raw": content},
        "link": f"https://blog.example/?p={id}",
        "slug": "summer-plans",
        "permalink_template": "https://blog.example/2031/09/%postname%/",
        **more,
    }


def live_context(service, tmp_path, secrets=None):
    account = wordpress(service)
    return DeliveryContext(
        "live",
        tmp_path,
        account=Account(1, "blog", "my blog", account["settings"], secrets or account["secrets"]),
        http=HttpClient(allow=LOCAL, timeout=2),
        now=DELIVERED_AT,
    )


def test_wordpress_creates_a_scheduled_post_carrying_refrains_mark(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS, 200, [])
    service.answer("GET", TAGS, 200, [{"id": 5, "name": "Planning"}, {"id": 6, "name": "planning-old"}])
    service.answer("POST", TAGS, 201, {"id": 9, "name": "été"})
    service.answer("POST", POSTS, 201, wp_post(31))
    outcome = deliver_wp(service, blog_post(extra={"tags": ["planning", "été"]}), tmp_path)
    assert (outcome.status, outcome.remote_id) == ("published", "31"), outcome.message
    assert outcome.url == "https://blog.example/2031/09/summer-plans/", "the permalink, not the ?p=31 preview"
    assert service.received("POST", POSTS)[0].json() == {
        "title": "Summer plans",
        "content": HTML + MARK + "\n",
        "status": "future",
        "date_gmt": "2031-09-01T08:00:00",
        "slug": "summer-plans",
        "tags": [5, 9],
    }
    token = base64.b64encode(b"ann:abcd efgh ijkl").decode()
    assert all(seen.headers["authorization"] == f"Basic {token}" for seen in service.requests if seen.method != "HEAD")
    assert "authorization" not in service.received("HEAD")[0].headers, "finding the API sends no password"
    lookup = service.received("GET", POSTS)[0]
    assert lookup.query["search"] == ["refrain-post-42"] and lookup.query["context"] == ["edit"]
    assert lookup.query["status"] == ["future,publish,draft,pending,private"]
    assert service.received("POST", TAGS)[0].json() == {"name": "été"}


def test_wordpress_publishes_a_post_whose_time_has_passed_at_its_link(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS, 200, [])
    service.answer("POST", POSTS, 201, wp_post(3, status="publish", link="https://blog.example/2021/03/summer-plans/"))
    outcome = deliver_wp(service, blog_post(scheduled_at=PAST), tmp_path)
    sent = service.received("POST", POSTS)[0].json()
    assert outcome.status == "published" and (sent["status"], sent["date_gmt"]) == ("publish", "2021-03-04T05:06:07")
    assert outcome.url == "https://blog.example/2021/03/summer-plans/"
    assert "tags" not in sent and not service.received("GET", TAGS)


def test_a_site_without_pretty_permalinks_is_reached_by_rest_route(service, tmp_path):
    service.answer("HEAD", "/", 200, "")  # no Link header: a cache or a proxy dropped it
    service.answer("GET", "/", 200, {"name": "Blog", "namespaces": ["oembed/1.0", "wp/v2"]})
    service.answer("GET", "/", 200, [])
    service.answer("POST", "/", 201, wp_post(4, permalink_template="https://blog.example/?p=4"))
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert (outcome.status, outcome.remote_id, outcome.url) == ("published", "4", "https://blog.example/?p=4")
    index, lookup = service.received("GET", "/")
    assert index.query == {"rest_route": ["/"], "_fields": ["namespaces"]}
    assert lookup.query["rest_route"] == ["/wp/v2/posts"] and lookup.query["search"] == ["refrain-post-42"]
    assert service.received("POST", "/")[0].query == {"rest_route": ["/wp/v2/posts"]}


def test_the_announced_root_of_a_plain_site_is_used_as_it_is(service, tmp_path):
    announced(service, service.url + "/index.php?rest_route=/")
    service.answer("GET", "/index.php", 200, [wp_post(8)])
    service.answer("POST", "/index.php", 200, wp_post(8))
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.remote_id == "8" and "updated" in outcome.message
    assert service.received("POST", "/index.php")[0].query == {"rest_route": ["/wp/v2/posts/8"]}


def test_an_address_that_is_not_wordpress_is_named_in_a_few_words(service, tmp_path):
    page = "<html><head><title>Parked domain</title></head><body>" + "<p>for sale</p>" * 500 + "</body></html>"
    service.answer("HEAD", "/", 200, "")
    service.answer("GET", "/", 200, page)
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "rejected" and "does not look like a WordPress site" in outcome.message
    assert "?rest_route=/" in outcome.message and "<" not in outcome.message and len(outcome.message) < 300
    assert not service.received("POST")


def test_a_site_address_that_redirects_is_named_with_where_it_goes(service, tmp_path):
    service.answer("HEAD", "/", 301, "", headers={"Location": "https://blog.example/"})
    service.answer("GET", "/", 301, "", headers={"Location": "https://blog.example/?rest_route=/"})
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "rejected" and "redirect to https://blog.example/" in outcome.message


def test_an_api_announced_at_another_address_is_never_sent_the_password(service, tmp_path):
    announced(service, "https://elsewhere.example/wp-json/")
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "rejected" and "elsewhere.example" in outcome.message
    assert [seen.method for seen in service.requests] == ["HEAD"]


def test_a_site_that_is_down_is_a_retry(service, tmp_path):
    service.answer("HEAD", "/", 503, "")
    service.answer("GET", "/", 503, "<html><title>Service Unavailable</title></html>")
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "retry" and "<" not in outcome.message


def test_an_update_goes_to_the_stored_id_when_the_post_there_is_ours(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS + "/7", 200, wp_post(7))
    service.answer("POST", POSTS + "/7", 200, wp_post(7))
    outcome = deliver_wp(service, blog_post(remote_id="7"), tmp_path)
    assert (outcome.status, outcome.remote_id) == ("published", "7") and "updated" in outcome.message
    assert service.received("GET", POSTS + "/7")[0].query == {"context": ["edit"]}
    assert not service.received("GET", POSTS), "no search when the stored id is still ours"
    assert not service.received("POST", POSTS)


def test_a_stored_id_whose_post_lacks_the_mark_is_never_overwritten(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS + "/7", 200, wp_post(7, content="<p>Written by hand.</p>"))
    outcome = deliver_wp(service, blog_post(remote_id="7"), tmp_path)
    assert (
        outcome.status == "rejected" and "no longer carries Refrain's mark <!-- refrain-post-42 -->" in outcome.message
    )
    assert not service.received("POST")


@pytest.mark.parametrize(
    "answer, why",
    [((404, {"code": "rest_post_invalid_id", "data": {"status": 404}}), "deleted"), ((200, None), "trash")],
)
def test_a_deleted_or_trashed_post_is_made_anew_and_the_message_says_so(service, tmp_path, answer, why):
    announced(service)
    status, body = answer
    service.answer("GET", POSTS + "/7", status, body or wp_post(7, status="trash"))
    service.answer("GET", POSTS, 200, [])
    service.answer("POST", POSTS, 201, wp_post(12))
    outcome = deliver_wp(service, blog_post(remote_id="7"), tmp_path)
    assert (outcome.status, outcome.remote_id) == ("published", "12")
    assert "WordPress post 7" in outcome.message and why in outcome.message and "new one" in outcome.message
    assert not service.received("POST", POSTS + "/7")


def test_a_lost_answer_is_resolved_by_the_mark_alone(service, tmp_path):
    announced(service)
    service.answer(
        "GET",
        POSTS,
        200,
        [
            wp_post(3, content="<p>Another.</p>\n<!-- refrain-post-420 -->\n"),
            wp_post(5, content="<p>Quoting refrain-post-42 in a post.</p>"),
            wp_post(9, title={"raw": "Renamed since"}),
        ],
    )
    service.answer("POST", POSTS + "/9", 200, wp_post(9))
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.remote_id == "9" and "updated" in outcome.message
    assert [seen.path for seen in service.received("POST")] == [POSTS + "/9"]


def test_posts_that_merely_resemble_this_one_are_never_updated(service, tmp_path):
    announced(service)
    same = wp_post(2, content="<p>Hand written.</p>", title={"raw": "Summer plans"}, date_gmt="2031-09-01T08:00:00")
    service.answer("GET", POSTS, 200, [same])
    service.answer("POST", POSTS, 201, wp_post(8))
    assert deliver_wp(service, blog_post(), tmp_path).remote_id == "8"
    assert [seen.path for seen in service.received("POST")] == [POSTS]


REFUSED_STATUS = {
    "code": "rest_invalid_param",
    "message": "Invalid parameter(s): status",
    "data": {
        "status": 400,
        "params": {"status": "Status is forbidden."},
        "details": {
            "status": {"code": "rest_forbidden_status", "message": "Status is forbidden.", "data": {"status": 401}}
        },
    },
}


@pytest.mark.parametrize(
    "route, status, body",
    [
        (POSTS, 400, REFUSED_STATUS),
        (POSTS, 401, {"code": "rest_not_logged_in", "message": "You are not currently logged in."}),
        (TAGS, 401, {"code": "rest_cannot_create", "message": "Sorry, you are not allowed to create terms."}),
    ],
    ids=["nested in a 400", "a 401", "a refused tag"],
)
def test_a_wrong_password_is_named_as_such_wherever_wordpress_hides_it(service, tmp_path, route, status, body):
    announced(service)
    service.answer("GET", POSTS, *((status, body) if route == POSTS else (200, [])))
    service.answer("GET", TAGS, 200, [])
    service.answer("POST", TAGS, *((status, body) if route == TAGS else (201, {"id": 3})))
    service.answer("GET", "/wp-json/", 200, {"authentication": {"application-passwords": {}}})
    outcome = deliver_wp(service, blog_post(extra={"tags": ["new"]}), tmp_path)
    assert outcome.status == "unauthorized", outcome
    assert outcome.message.startswith("WordPress refused the user or application password")
    assert "reconnect the account" in outcome.message and "terms" not in outcome.message.split("(")[0]
    assert not service.received("POST", POSTS)


def test_a_site_that_takes_no_application_passwords_says_so(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS, 400, REFUSED_STATUS)
    service.answer("GET", "/wp-json/", 200, {"name": "Blog", "namespaces": ["wp/v2"], "authentication": []})
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "unauthorized" and "does not take application passwords" in outcome.message
    assert "https" in outcome.message


def test_a_user_without_the_right_to_publish_is_unauthorized(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS, 200, [])
    service.answer(
        "POST",
        POSTS,
        403,
        {"code": "rest_cannot_publish", "message": "Sorry, you are not allowed to publish posts as this user."},
    )
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == "unauthorized" and "'ann'" in outcome.message and "Author" in outcome.message


@pytest.mark.parametrize("status, kind", [(500, "retry"), (400, "rejected")])
def test_wordpress_answers_become_outcomes(service, tmp_path, status, kind):
    announced(service)
    service.answer("GET", POSTS, 200, [])
    service.answer("POST", POSTS, status, {"code": "x", "message": "said <strong>WordPress</strong>"})
    outcome = deliver_wp(service, blog_post(), tmp_path)
    assert outcome.status == kind and "said WordPress" in outcome.message


def test_a_dropped_connection_after_creating_is_unconfirmed_but_after_looking_a_retry(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS, 200, [])
    service.answer("POST", POSTS, drop=True)
    assert deliver_wp(service, blog_post(), tmp_path).status == "unconfirmed"
    looking = StandIn()
    try:
        announced(looking)
        looking.answer("GET", POSTS, drop=True)
        outcome = deliver_wp(looking, blog_post(), tmp_path)
        assert outcome.status == "retry" and not looking.received("POST")
    finally:
        looking.close()


def test_wordpress_settings_are_checked_before_any_request(service, tmp_path):
    outcome = deliver(blog_post(), tmp_path, {"target": "wordpress", "site_url": service.url, "user": "ann"})
    assert outcome.status == "rejected" and "application password (app_password)" in outcome.message
    assert not service.requests


def test_the_connection_test_names_the_user(service, tmp_path):
    announced(service)
    service.answer("GET", ME, 200, {"name": "Ann", "capabilities": {"edit_posts": True, "publish_posts": True}})
    outcome = registry.get("blog").check_connection(live_context(service, tmp_path))
    assert (outcome.status, outcome.message) == ("published", "connected as Ann")
    assert service.received("GET", ME)[0].query == {"context": ["edit"]}


def test_the_connection_test_refuses_a_user_who_cannot_publish(service, tmp_path):
    announced(service)
    service.answer("GET", ME, 200, {"name": "Cy", "capabilities": {"edit_posts": True}})
    outcome = registry.get("blog").check_connection(live_context(service, tmp_path))
    assert outcome.status == "rejected" and "not publish" in outcome.message and "Author" in outcome.message


def test_the_connection_test_names_a_wrong_password(service, tmp_path):
    announced(service)
    service.answer("GET", ME, 401, {"code": "rest_not_logged_in", "message": "You are not currently logged in."})
    service.answer("GET", "/wp-json/", 200, {"authentication": {"application-passwords": {}}})
    outcome = registry.get("blog").check_connection(live_context(service, tmp_path))
    assert outcome.status == "unauthorized" and "application password" in outcome.message


def test_only_the_wordpress_target_schedules_ahead_and_the_others_keep_the_defaults(service, tmp_path):
    blog = registry.get("blog")
    assert blog.schedules_ahead(Account(1, "blog", "b", {"target": "wordpress"}))
    assert not blog.schedules_ahead(Account(1, "blog", "b", {"target": "folder"}))
    folder = DeliveryContext("live", tmp_path, account=Account(1, "blog", "b", {"target": "folder"}))
    assert (
        blog.check_connection(folder).status == "rejected" and blog.withdraw(blog_post(), folder).status == "rejected"
    )


def test_withdrawing_moves_our_scheduled_post_to_the_trash(service, tmp_path):
    announced(service)
    service.answer("GET", POSTS + "/7", 200, wp_post(7))
    service.answer("DELETE", POSTS + "/7", 200, wp_post(7, status="trash"))
    outcome = registry.get("blog").withdraw(blog_post(remote_id="7"), live_context(service, tmp_path))
    assert outcome.status == "published" and "trash" in outcome.message
    assert service.received("DELETE", POSTS + "/7")[0].query == {}, "the trash, not deleted for good"


@pytest.mark.parametrize(
    "found, kind, said",
    [
        (wp_post(7, status="publish"), "rejected", "already published"),
        (wp_post(7, content="<p>Not ours.</p>"), "rejected", "mark"),
        (wp_post(7, status="trash"), "published", "nothing to withdraw"),
    ],
)
def test_withdrawing_leaves_a_published_or_foreign_post_alone(service, tmp_path, found, kind, said):
    announced(service)
    service.answer("GET", POSTS + "/7", 200, found)
    service.answer("GET", POSTS, 200, [])
    outcome = registry.get("blog").withdraw(blog_post(remote_id="7"), live_context(service, tmp_path))
    assert outcome.status == kind and said in outcome.message
    assert not service.received("DELETE")


# --- Micropub ------------------------------------------------------------------------------------------


def deliver_micropub(service, post, tmp_path):
    return deliver(
        post,
        tmp_path,
        {"target": "micropub", "micropub_endpoint": service.url + "/micropub"},
        {"micropub_token": "tok-123"},
    )


def test_micropub_sends_a_form_and_reads_the_location(service, tmp_path):
    service.answer("POST", "/micropub", 201, "", headers={"Location": "https://site.example/2031/summer-plans"})
    outcome = deliver_micropub(service, blog_post(extra={"tags": ["planning", "été"]}), tmp_path)
    assert outcome.status == "published"
    assert outcome.remote_id == outcome.url == "https://site.example/2031/summer-plans"
    sent = service.received("POST")[0]
    assert sent.headers["authorization"] == "Bearer tok-123"
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert sent.headers["idempotency-key"] == "refrain-post-42"
    assert sent.form() == {
        "h": "entry",
        "name": "Summer plans",
        "content": BODY,
        "category[]": ["planning", "été"],
        "published": "2031-09-01T08:00:00+00:00",
        "mp-slug": "summer-plans",
        "refrain-post": "refrain-post-42",
    }


def test_a_relative_location_is_made_absolute(service, tmp_path):
    service.answer("POST", "/micropub", 202, "", headers={"Location": "/posts/9"})
    outcome = deliver_micropub(service, blog_post(), tmp_path)
    assert outcome.status == "published" and outcome.url == service.url + "/posts/9"


@pytest.mark.parametrize("status", [202, 201, 200])
def test_micropub_without_a_location_is_unconfirmed(service, tmp_path, status):
    service.answer("POST", "/micropub", status, "")
    outcome = deliver_micropub(service, blog_post(), tmp_path)
    assert outcome.status == "unconfirmed" and "Location" in outcome.message


def test_micropub_refused_token_is_unauthorized(service, tmp_path):
    service.answer("POST", "/micropub", 401, {"error": "unauthorized", "error_description": "token expired"})
    outcome = deliver_micropub(service, blog_post(), tmp_path)
    assert outcome.status == "unauthorized" and "token expired" in outcome.message


def test_micropub_settings_are_checked(tmp_path):
    outcome = deliver(blog_post(), tmp_path, {"target": "micropub", "micropub_endpoint": "https://x.example/mp"})
    assert outcome.status == "rejected" and "micropub_token" in outcome.message
