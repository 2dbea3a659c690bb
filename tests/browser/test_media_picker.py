"""The editor's media picker in a real browser: upload an image, say what it shows, add it, save the post;
the post's media field holds the library's address for it."""

import re
from datetime import datetime

from scheduler.services import posts
from tests.browser.conftest import expect
from tests.factories import BEFORE_THE_PLAN, commit, make_plan
from tests.media.files import png


def test_an_image_uploaded_in_the_picker_is_described_picked_and_saved_with_the_post(
    page, seed, live_server, pinned_clock
):
    pinned_clock(datetime.fromisoformat(BEFORE_THE_PLAN))  # the pages' today: 2031-06-05 is ahead

    def plan_with_twitter():
        plan = make_plan(name="Media picker (browser)")
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(plan_with_twitter)
    page.goto(f"/posts/new?plan_id={plan_id}&channel=twitter&date=2031-06-05")
    page.locator("textarea[name=body]").fill("Summer offer: the chart of the week.")

    page.get_by_role("button", name="Choose from the media library or upload…").click()
    dialog = page.get_by_role("dialog", name="Media library")
    expect(dialog).to_be_visible()
    # the library as it is (the browser tests share one server: another test may have uploaded to it)
    expect(dialog.locator("#picker-status")).not_to_have_text(re.compile("Reading|could not be read"))
    # bytes of its own: the library keeps one medium per content, named as first uploaded
    dialog.get_by_label("Upload an image or a video").set_input_files(
        files=[{"name": "chart.png", "mimeType": "image/png", "buffer": png(size=(803, 401))}]
    )
    expect(dialog.locator("#picker-status")).to_contain_text("Uploaded chart.png")
    expect(dialog.get_by_role("button", name="chart.png")).to_have_attribute("aria-pressed", "true")
    warning = dialog.locator("#picker-no-alt")
    expect(warning).to_be_visible()  # no alt text yet: said, not forced
    dialog.get_by_label("Alt text").fill("Bar chart of summer sign-ups")
    expect(warning).to_be_hidden()
    dialog.get_by_role("button", name="Add to the post").click()
    expect(dialog).to_be_hidden()

    media_field = page.locator("textarea[name=media]")
    line = re.compile(re.escape(live_server.url) + r"/media/[0-9a-f]{64}\.png \| Bar chart of summer sign-ups$")
    expect(media_field).to_have_value(line)
    expect(page.locator("#problems")).not_to_contain_text("has no alt text")

    # the library remembers the alt text: picking the same image again offers it
    page.get_by_role("button", name="Choose from the media library or upload…").click()
    dialog.get_by_role("button", name="chart.png").click()
    expect(dialog.get_by_label("Alt text")).to_have_value("Bar chart of summer sign-ups")
    dialog.get_by_role("button", name="Close").click()

    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    post_id = int(page.url.rsplit("/", 1)[1])
    saved = seed(lambda: posts.get_post(post_id).extra["media"])
    assert len(saved) == 1
    assert line.match(f"{saved[0]['url']} | {saved[0]['alt']}")
    assert saved[0]["type"] == "image"
    # the address answers with the stored image
    answer = page.request.get(saved[0]["url"])
    assert answer.status == 200 and answer.headers["content-type"] == "image/png"


def test_the_media_page_uploads_with_a_progress_bar_and_says_why_a_file_is_refused(page):
    page.goto("/media")
    form = page.locator("#media-upload")
    form.get_by_label("Image or video").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"Only words in here, no picture.\n"}]
    )
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("#media-upload-status")).to_have_text(
        re.compile(r"^The file holds text, not an image or a video Refrain takes .*whatever its name says\.$")
    )
    expect(page.locator("#media-progress")).to_be_hidden()

    form.get_by_label("Image or video").set_input_files(
        files=[{"name": "banner.png", "mimeType": "image/png", "buffer": png(size=(900, 300))}]
    )
    form.get_by_label("Alt text").fill("A wide blue banner")
    form.get_by_role("button", name="Upload").click()
    figure = page.locator("figure.media-file", has_text="banner.png")
    expect(figure).to_be_visible()  # the page shows the library again, the new upload on top
    expect(figure.get_by_role("img", name="A wide blue banner")).to_be_visible()
    expect(figure).to_contain_text("900 × 300")
