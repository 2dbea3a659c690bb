"""The UTM builder from the menu, with a copy button, and the editor's "Tag the link" that puts the
plan's tags on a post's link when asked (and only then)."""

from scheduler.services import posts, utm
from tests.factories import make_plan, make_post


def test_the_builder_is_in_the_menu_of_every_page_and_offers_a_copy_button(client, app):
    assert '<a href="/tools/utm">UTM links</a>' in client.get("/").get_data(as_text=True)
    built = client.post(
        "/tools/utm",
        data={"url": "https://example.com/offer", "source": "mastodon", "medium": "social", "campaign": "ete"},
    ).get_data(as_text=True)
    assert 'id="utm-result"' in built and 'data-copy="#utm-result"' in built and ">Copy</button>" in built
    assert 'src="/static/utm.js"' in built


def test_the_plan_tags_each_channel_as_the_style_guide_asks(app):
    plan = make_plan()
    assert utm.plan_tags(plan, "newsletter") == {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "offre-dete-2031",
    }
    assert utm.plan_tags(plan, "twitter")["utm_medium"] == "social"
    assert (
        utm.tagged_for_plan("https://example.com/ete?utm_source=x&ref=2", plan, "twitter")
        == "https://example.com/ete?utm_source=x&ref=2&utm_medium=social&utm_campaign=offre-dete-2031"
    ), "a tag already chosen is kept"
    assert utm.tagged_for_plan("example.com", plan, "twitter") == "example.com", "left for the link's own check"


def test_tag_the_link_in_the_editor_applies_the_plans_tags_on_request_only(client, app):
    plan = make_plan()
    post = make_post(plan, link="https://example.com/ete")
    editor = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Tag the link with the plan&#39;s UTM tags" in editor
    assert "adds utm_source=twitter&amp;utm_medium=social&amp;utm_campaign=offre-dete-2031" in editor
    form = {"action": "save", "body": post.body, "link": "https://example.com/ete", "theme": "auto"}
    client.post(f"/posts/{post.id}", data={**form, "scheduled_local": "2031-06-02T10:00"})
    assert posts.get_post(post.id).link == "https://example.com/ete", "not asked: not tagged"
    client.post(f"/posts/{post.id}", data={**form, "scheduled_local": "2031-06-02T10:00", "tag_link": "y"})
    tagged = posts.get_post(post.id)
    assert tagged.link == "https://example.com/ete?utm_source=twitter&utm_medium=social&utm_campaign=offre-dete-2031"
    assert "utm_campaign=offre-dete-2031" in client.get(f"/posts/{post.id}").get_data(as_text=True)
