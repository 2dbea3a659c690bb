"""The blog's folder target finds a post's file by identity (its stored name, the post id in its front
matter), never by its name: delivering again rewrites the post's own file, an edit renames it, and a
file that is not the post's (hand-written, another post's with the same title and day) is never touched."""

import json
import subprocess
from dataclasses import replace
from datetime import datetime, timezone

from channels import registry
from channels.base import Account, DeliveryContext
from tests.channels.helpers import DELIVERED_AT
from tests.channels.helpers import post as make_post

PAST = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def blog_post(title="Summer plans", body="A post about plans.", id=42, **fields):
    return make_post("blog", body, title=title, id=id, **fields)


def folder_settings(site, **more):
    return {"target": "folder", "folder": site.name, **more}


def deliver(post, tmp_path, settings):
    adapter = registry.get("blog")
    account = Account(1, "blog", "my blog", settings=settings)
    context = DeliveryContext("live", tmp_path / "outbox", account=account, now=DELIVERED_AT, export_root=tmp_path)
    return adapter.deliver(adapter.validate(post).draft, post, context)


def parse(markdown):
    head, _, body = markdown[4:].partition("\n---\n")
    return {key: json.loads(value) for key, _, value in (line.partition(": ") for line in head.splitlines())}, body


def site_in(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    return site


def files(site):
    return sorted(p.name for p in (site / "content" / "posts").iterdir())


def owner(site, remote_id):
    return parse((site / remote_id).read_text(encoding="utf-8"))[0]["refrain_id"]


HAND_WRITTEN = "---\ntitle: Mine\n---\nHand written.\n"


def test_a_hand_written_file_of_the_same_name_is_kept_and_the_post_takes_the_next_name(tmp_path):
    site = site_in(tmp_path)
    theirs = site / "content" / "posts" / "2031-09-01-summer-plans.md"
    theirs.write_text(HAND_WRITTEN)
    outcome = deliver(blog_post(), tmp_path, folder_settings(site, site_url="https://blog.example/posts"))
    assert outcome.status == "published", outcome.message
    assert outcome.remote_id == "content/posts/2031-09-01-summer-plans-2.md"
    assert outcome.url == "https://blog.example/posts/summer-plans-2/", "an address of its own on the site"
    assert "2031-09-01-summer-plans.md is not this post's file" in outcome.message
    values, _ = parse((site / outcome.remote_id).read_text())
    assert (values["slug"], values["refrain_id"]) == ("summer-plans-2", 42)
    assert theirs.read_text() == HAND_WRITTEN


def test_two_posts_with_the_same_title_on_the_same_day_keep_a_file_each(tmp_path):
    site = site_in(tmp_path)
    first = deliver(blog_post(id=42, body="The first post."), tmp_path, folder_settings(site))
    second = deliver(blog_post(id=43, body="The second post."), tmp_path, folder_settings(site))
    assert files(site) == ["2031-09-01-summer-plans-2.md", "2031-09-01-summer-plans.md"]
    assert (owner(site, first.remote_id), owner(site, second.remote_id)) == (42, 43)
    again = deliver(blog_post(id=43, body="The second post, edited."), tmp_path, folder_settings(site))
    assert again.remote_id == second.remote_id, "each post rewrites its own file"
    assert (site / first.remote_id).read_text().endswith("\nThe first post.\n")
    assert (site / second.remote_id).read_text().endswith("\nThe second post, edited.\n")


def test_a_lost_answer_delivered_again_finds_the_post_by_the_id_in_its_front_matter(tmp_path):
    site = site_in(tmp_path)
    first = deliver(blog_post(title="Old title"), tmp_path, folder_settings(site))
    # the answer was lost: no remote id was stored, and the post was edited before it went again
    again = deliver(blog_post(title="New title", remote_id=""), tmp_path, folder_settings(site))
    assert again.status == "published" and again.remote_id != first.remote_id
    assert files(site) == ["2031-09-01-new-title.md"], "no stale copy left behind"


def test_an_edit_sent_again_replaces_the_stored_file_even_in_a_content_folder_since_changed(tmp_path):
    site = site_in(tmp_path)
    first = deliver(blog_post(), tmp_path, folder_settings(site))
    moved = deliver(
        blog_post(title="Winter plans", scheduled_at=PAST, remote_id=first.remote_id),
        tmp_path,
        folder_settings(site, content_dir="_posts"),
    )
    assert moved.remote_id == "_posts/2021-03-04-winter-plans.md"
    assert files(site) == [] and sorted(p.name for p in (site / "_posts").iterdir()) == ["2021-03-04-winter-plans.md"]


def test_a_stored_name_now_holding_someone_elses_file_is_left_alone(tmp_path):
    site = site_in(tmp_path)
    first = deliver(blog_post(), tmp_path, folder_settings(site))
    (site / first.remote_id).write_text(HAND_WRITTEN)  # the site's owner wrote over it by hand
    renamed = deliver(blog_post(title="Winter plans", remote_id=first.remote_id), tmp_path, folder_settings(site))
    assert renamed.status == "published"
    assert files(site) == ["2031-09-01-summer-plans.md", "2031-09-01-winter-plans.md"]
    assert (site / first.remote_id).read_text() == HAND_WRITTEN


def test_another_posts_file_of_the_same_name_is_never_overwritten(tmp_path):
    site = site_in(tmp_path)
    theirs = site / "content" / "posts" / "2031-09-01-summer-plans.md"
    theirs.write_text('---\ntitle: "Summer plans"\nrefrain_id: 7\n---\nPost seven.\n')
    outcome = deliver(blog_post(), tmp_path, folder_settings(site))
    assert outcome.remote_id == "content/posts/2031-09-01-summer-plans-2.md"
    assert theirs.read_text().endswith("Post seven.\n")


def test_the_post_keeps_its_name_once_given_even_when_the_first_name_frees_up(tmp_path):
    site = site_in(tmp_path)
    theirs = site / "content" / "posts" / "2031-09-01-summer-plans.md"
    theirs.write_text(HAND_WRITTEN)
    first = deliver(blog_post(), tmp_path, folder_settings(site))
    theirs.unlink()
    again = deliver(blog_post(remote_id=first.remote_id), tmp_path, folder_settings(site))
    assert again.remote_id == first.remote_id, "its address on the site does not change under it"
    assert files(site) == ["2031-09-01-summer-plans-2.md"]


def test_a_stored_name_leading_out_of_the_site_is_ignored(tmp_path):
    site = site_in(tmp_path)
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nrefrain_id: 42\n---\nNot in the site.\n")
    for stored in ("../elsewhere.md", str(outside)):
        outcome = deliver(replace(blog_post(), remote_id=stored), tmp_path, folder_settings(site))
        assert outcome.status == "published"
    assert outside.exists()


def git(site, *arguments):
    return subprocess.run(["git", *arguments], cwd=site, capture_output=True, text=True, check=True).stdout


def test_in_git_a_rename_is_one_commit_and_a_file_of_the_same_name_is_left_out(tmp_path):
    site = site_in(tmp_path)
    git(site, "init", "-q")
    theirs = site / "content" / "posts" / "2031-09-01-winter-plans.md"
    theirs.write_text(HAND_WRITTEN)
    first = deliver(blog_post(), tmp_path, folder_settings(site))
    renamed = deliver(blog_post(title="Winter plans", remote_id=first.remote_id), tmp_path, folder_settings(site))
    assert renamed.remote_id == "content/posts/2031-09-01-winter-plans-2.md", renamed.message
    assert git(site, "log", "--format=%s").splitlines() == [
        "Refrain: publish Winter plans",
        "Refrain: publish Summer plans",
    ]
    changed = git(site, "show", "--name-status", "--no-renames", "--format=", "HEAD").splitlines()
    assert sorted(changed) == [
        "A\tcontent/posts/2031-09-01-winter-plans-2.md",
        "D\tcontent/posts/2031-09-01-summer-plans.md",
    ]
    assert git(site, "ls-files", "content").split() == [renamed.remote_id]
    assert "?? content/posts/2031-09-01-winter-plans.md" in git(site, "status", "--porcelain", "-uall")
