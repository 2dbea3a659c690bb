"""The media page: upload without a script, alt text edited in place, delete offered only while unused,
and what a viewer sees."""

import io
import re

from tests.factories import commit, make_person, make_plan, make_post, signed_in
from tests.media.files import png, upload


def page_upload(client, data: bytes, file_name: str, alt: str = ""):
    form = {"file": (io.BytesIO(data), file_name), "alt": alt}
    return client.post("/media", data=form, content_type="multipart/form-data", follow_redirects=True)


def test_an_upload_from_the_page_lists_the_image_with_its_thumbnail_and_size(client):
    answer = page_upload(client, png(size=(640, 320)), "banner.png", "A blue banner")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "banner.png uploaded." in html
    assert re.search(r'<img src="/media/[0-9a-f]{64}\.thumb\.webp" alt="A blue banner"', html)
    assert "640 × 320" in html and "not in any post" in html


def test_a_refused_file_is_said_beside_the_field_and_nothing_is_stored(client):
    answer = page_upload(client, b"name,email\nLea,lea@example.fr\n", "people.png")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Image or video holds text, not an image or a video Refrain takes" in html
    assert "No media yet" in html
    missing = client.post("/media", data={"alt": "no file"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Image or video is required" in missing.get_data(as_text=True)


def test_alt_text_is_saved_from_the_page_and_the_warning_goes(client):
    medium = upload(client, png(), "chart.png").get_json()
    assert "No alt text yet" in client.get("/media").get_data(as_text=True)
    answer = client.post(f"/media/{medium['id']}/alt", data={"alt": "Coverage per channel"}, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "Alt text of chart.png saved." in html
    assert "No alt text yet" not in html and ">Coverage per channel</textarea>" in html


def test_delete_is_offered_only_while_no_post_carries_the_medium(client, clock_at):
    clock_at("2031-05-10T12:00:00+02:00")
    kept = upload(client, png(size=(10, 10)), "kept.png").get_json()
    spare = upload(client, png(size=(12, 12)), "spare.png").get_json()
    plan = make_plan()
    commit(plan, "twitter")
    make_post(plan, extra={"media": [{"url": kept["url"], "type": "image", "alt": "Kept"}]})
    html = client.get("/media").get_data(as_text=True)
    assert f'action="/media/{spare["id"]}/delete"' in html
    assert f'action="/media/{kept["id"]}/delete"' not in html and "in 1 post" in html

    refused = client.post(f"/media/{kept['id']}/delete", follow_redirects=True).get_data(as_text=True)
    assert "kept.png is attached to 1 post: take it out of them before deleting it" in refused
    done = client.post(f"/media/{spare['id']}/delete", follow_redirects=True).get_data(as_text=True)
    assert "spare.png deleted." in done and "spare.png</a>" not in done


def test_a_viewer_sees_the_library_without_upload_alt_or_delete_forms(app, client):
    upload(client, png(), "chart.png", alt="A chart")
    viewer = signed_in(app, make_person("viewer@example.com", "viewer", "Vi"))
    html = viewer.get("/media").get_data(as_text=True)
    assert "chart.png" in html and "A chart" in html
    assert 'id="media-upload"' not in html and "Save alt text" not in html and ">Delete<" not in html
    assert viewer.post("/media", data={}, content_type="multipart/form-data").status_code == 403
