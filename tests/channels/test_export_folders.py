"""Channels that write files write only inside the export root (REFRAIN_EXPORT_ROOT), and never over a
file Refrain did not write."""

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.exports import OutsideExports, export_folder
from tests.channels.helpers import DELIVERED_AT, post

AD = {"headlines": ["Offer", "Plan a quarter", "Start today"], "descriptions": ["One line.", "Two lines."]}
OUTSIDE = ["/etc", "/tmp/elsewhere", "../outside", "ads/../../outside", "~/ads", "..\\outside", "C:\\ads"]


def deliver(channel, content, settings, root):
    adapter = registry.get(channel)
    validation = adapter.validate(content)
    assert validation.valid, validation.problems
    account = Account(1, channel, "account", settings=settings)
    context = DeliveryContext("live", root / "outbox", account=account, now=DELIVERED_AT, export_root=root / "exports")
    return adapter.deliver(validation.draft, content, context)


def ad(id=1):
    return post("ppc", "", title="Summer offer", link="https://example.com/offer", extra=AD, id=id)


def blog_post():
    return post("blog", "Body text for the blog.", title="Summer plans", id=42)


@pytest.mark.parametrize("folder", OUTSIDE)
def test_a_folder_outside_the_export_root_is_refused_at_delivery(tmp_path, folder):
    (tmp_path / "exports").mkdir()
    for outcome in (
        deliver("ppc", ad(), {"folder": folder}, tmp_path),
        deliver("blog", blog_post(), {"target": "folder", "folder": folder}, tmp_path),
    ):
        assert outcome.status == "rejected" and "export folder" in outcome.message
    assert not (tmp_path / "outside").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["exports"]


def test_a_symbolic_link_leading_out_of_the_export_root_is_refused(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "secret-place").mkdir()
    (tmp_path / "exports" / "ads").symlink_to(tmp_path / "secret-place")
    outcome = deliver("ppc", ad(), {"folder": "ads"}, tmp_path)
    assert outcome.status == "rejected" and "symbolic link" in outcome.message
    assert list((tmp_path / "secret-place").iterdir()) == []


def test_a_folder_inside_the_root_is_written(tmp_path):
    outcome = deliver("ppc", ad(), {"folder": "clients/acme"}, tmp_path)
    assert outcome.status == "published"
    assert (tmp_path / "exports" / "clients" / "acme" / "rentree-2031.csv").exists()


def test_a_file_refrain_did_not_write_is_left_untouched(tmp_path):
    theirs = tmp_path / "exports" / "ads" / "rentree-2031.csv"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("their own campaign, typed by hand\n")
    outcome = deliver("ppc", ad(), {"folder": "ads"}, tmp_path)
    assert outcome.status == "rejected" and "Refrain did not write it" in outcome.message
    assert theirs.read_text() == "their own campaign, typed by hand\n"


def test_a_file_refrain_wrote_is_written_again(tmp_path):
    assert deliver("ppc", ad(1), {"folder": "ads"}, tmp_path).status == "published"
    assert deliver("ppc", ad(2), {"folder": "ads"}, tmp_path).status == "published", "the same campaign's file"


def test_a_blog_file_of_the_same_name_without_refrains_mark_is_left_untouched(tmp_path):
    content = tmp_path / "exports" / "site" / "content" / "posts"
    content.mkdir(parents=True)
    theirs = content / "2031-09-01-summer-plans.md"
    theirs.write_text("---\ntitle: Mine\n---\nHand written.\n")
    outcome = deliver("blog", blog_post(), {"target": "folder", "folder": "site"}, tmp_path)
    assert outcome.status == "published" and "left untouched" in outcome.message
    assert outcome.remote_id == "content/posts/2031-09-01-summer-plans-2.md"
    assert theirs.read_text() == "---\ntitle: Mine\n---\nHand written.\n"


@pytest.mark.parametrize("folder", OUTSIDE)
def test_the_confinement_names_what_is_wrong(tmp_path, folder):
    with pytest.raises(OutsideExports) as refusal:
        export_folder(tmp_path, folder)
    assert "export folder" in refusal.value.problem


def test_an_accounts_folder_outside_the_root_is_a_field_error(client):
    for channel, field in (("ppc", "folder"), ("blog", "folder")):
        answer = client.post("/api/v1/accounts", json={"channel": channel, "name": "x", field: "/etc/cron.d"})
        assert answer.status_code == 422
        assert "not an absolute path" in answer.get_json()["error"]["fields"][field]
    answer = client.post("/api/v1/accounts", json={"channel": "ppc", "name": "x", "folder": "../../.ssh"})
    assert "'..' is not allowed" in answer.get_json()["error"]["fields"]["folder"]
    assert client.post("/api/v1/accounts", json={"channel": "ppc", "name": "x", "folder": "ads"}).status_code == 201


def test_the_export_root_is_a_setting_under_the_instance_by_default(app):
    from scheduler.services import runtime

    settings = runtime.settings()
    assert settings.export_root == settings.instance_path / "exports"
