"""Uploading media: what a file is comes from its bytes, images lose their metadata, each kind has its
size limit, and the files are served with the type that was judged."""

import io

from PIL import ExifTags, Image

from scheduler import reconfigure
from scheduler.services import tokens
from tests.factories import make_person, signed_in
from tests.media.files import jpeg_with_gps, mp4, png, served_image, upload, webm


def test_a_photo_with_its_gps_position_is_stored_without_any_of_its_metadata(client):
    answer = upload(client, jpeg_with_gps(), "holiday.jpg", alt="A red and blue flag")
    assert answer.status_code == 201, answer.get_json()
    medium = answer.get_json()
    assert medium["type"] == "image" and medium["content_type"] == "image/jpeg"
    assert medium["alt"] == "A red and blue flag"
    assert medium["url"].startswith("http://localhost/media/") and medium["url"].endswith(".jpg")

    stored = served_image(client, medium["url"])
    exif = stored.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Orientation not in exif
    assert "xmp" not in stored.info and "exif" not in stored.info
    raw = client.get(medium["url"].removeprefix("http://localhost")).data
    assert b"PhoneMaker" not in raw and b"secret place" not in raw


def test_the_orientation_the_camera_recorded_is_applied_to_the_pixels(client):
    medium = upload(client, jpeg_with_gps(size=(64, 32), orientation=6), "turned.jpg").get_json()
    assert (medium["width"], medium["height"]) == (32, 64)  # stood up, as the phone showed it
    stored = served_image(client, medium["url"])
    assert stored.size == (32, 64)
    top, bottom = stored.getpixel((16, 4)), stored.getpixel((16, 60))
    assert top[2] > top[0] and bottom[0] > bottom[2]  # the blue half was on the left: turned right, it is on top


def test_a_png_named_jpg_is_judged_a_png_by_its_content(client):
    medium = upload(client, png(size=(40, 30), text="made at home"), "photo.jpg").get_json()
    assert medium["content_type"] == "image/png"
    assert medium["url"].endswith(".png")
    assert medium["file_name"] == "photo.jpg"  # the name it had is kept, as a name only
    answer = client.get(medium["url"].removeprefix("http://localhost"))
    assert answer.mimetype == "image/png"
    assert b"made at home" not in answer.data


def test_a_text_file_named_png_is_refused_saying_what_it_holds(client):
    answer = upload(client, b"Just some notes, not a picture at all.\n", "notes.png")
    assert answer.status_code == 422
    problem = answer.get_json()["error"]["fields"]["file"]
    assert problem.startswith("holds text, not an image or a video Refrain takes (JPEG, PNG, GIF or WebP images")
    assert "whatever its name says" in problem
    assert client.get("/api/v1/media").get_json() == []


def test_a_pdf_and_an_svg_are_refused_by_what_they_are(client):
    assert "a PDF document" in upload(client, b"%PDF-1.7\n...", "flyer.jpg").get_json()["error"]["fields"]["file"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "an SVG drawing" in upload(client, svg, "logo.png").get_json()["error"]["fields"]["file"]


def test_an_image_over_the_image_limit_is_refused_with_its_size_and_the_limit(app, client):
    reconfigure(app, media_image_max=2 * 1024 * 1024)
    big = Image.effect_noise((1800, 1800), 100).convert("RGB")
    out = io.BytesIO()
    big.save(out, "PNG")
    assert len(out.getvalue()) > 2 * 1024 * 1024
    answer = upload(client, out.getvalue(), "noise.png")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["file"].endswith("; images may be at most 2 MB")


def test_a_video_may_be_larger_than_an_image_but_not_than_its_own_limit(app, client):
    reconfigure(app, media_image_max=1024 * 1024, media_video_max=3 * 1024 * 1024)
    film = mp4() + bytes(2 * 1024 * 1024)
    assert upload(client, film, "film.mp4").status_code == 201
    answer = upload(client, mp4() + bytes(3 * 1024 * 1024), "longer.mp4")
    assert answer.status_code == 422
    assert "videos may be at most 3 MB" in answer.get_json()["error"]["fields"]["file"]


def test_a_body_larger_than_the_largest_medium_is_refused_before_it_is_read(app, client):
    reconfigure(app, media_image_max=1024 * 1024, media_video_max=1024 * 1024)
    answer = upload(client, mp4() + bytes(2 * 1024 * 1024), "film.mp4")
    assert answer.status_code == 413
    assert "larger than 1 MB" in answer.get_json()["error"]["message"]
    # other routes keep the usual limit: a 1.5 MB JSON post is still too large
    assert (
        client.post("/api/v1/posts", data=b"{" + b" " * 1_500_000 + b"}", content_type="application/json").status_code
        == 413
    )


def test_a_thumbnail_fits_in_320_pixels_keeping_its_proportions(client):
    medium = upload(client, png(size=(1200, 600)), "wide.png").get_json()
    assert (medium["width"], medium["height"]) == (1200, 600)
    thumbnail = served_image(client, medium["thumbnail_url"])
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (320, 160)


def test_files_are_served_with_the_judged_type_nosniff_and_videos_as_downloads(client, anonymous):
    image = upload(client, png(), "chart.png").get_json()
    video = upload(client, mp4(), "Film d'été.mov").get_json()
    assert video["type"] == "video" and video["content_type"] == "video/mp4" and video["url"].endswith(".mp4")
    assert video["width"] is None and video["thumbnail_url"] is None

    shown = anonymous.get(image["url"].removeprefix("http://localhost"))  # public: channels fetch it
    assert shown.status_code == 200
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in shown.headers
    assert "immutable" in shown.headers["Cache-Control"]

    saved = anonymous.get(video["url"].removeprefix("http://localhost"))
    assert saved.headers["Content-Type"] == "video/mp4"
    assert saved.headers["X-Content-Type-Options"] == "nosniff"
    assert saved.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Film%20d%27%C3%A9t%C3%A9.mov" in saved.headers["Content-Disposition"]
    assert saved.data == mp4()

    assert anonymous.get("/media/" + "0" * 64 + ".png").status_code == 404
    assert anonymous.get("/media/../secret_key").status_code == 404


def test_webm_and_quicktime_are_told_by_their_signatures(client):
    assert upload(client, webm(), "clip.bin").get_json()["content_type"] == "video/webm"
    quicktime = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + bytes(64)
    assert upload(client, quicktime, "clip.mp4").get_json()["content_type"] == "video/quicktime"
    refused = upload(client, webm(b"matroska"), "clip.webm").get_json()["error"]["fields"]["file"]
    assert "a Matroska video (convert it to MP4 or WebM)" in refused


def test_the_same_picture_uploaded_twice_is_one_medium_and_keeps_the_first_alt_text(client):
    first = upload(client, png(), "a.png", alt="Blue square")
    again = upload(client, png(), "b.png", alt="Something else")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["alt"] == "Blue square"
    assert len(client.get("/api/v1/media").get_json()) == 1


def test_alt_text_is_changed_and_a_medium_in_a_post_is_kept_until_the_post_lets_it_go(client, clock_at):
    from tests.factories import commit, make_plan, make_post

    clock_at("2031-05-10T12:00:00+02:00")
    medium = upload(client, png(), "chart.png").get_json()
    changed = client.patch(f"/api/v1/media/{medium['id']}", json={"alt": "Coverage per channel"})
    assert changed.status_code == 200 and changed.get_json()["alt"] == "Coverage per channel"

    plan = make_plan()
    commit(plan, "twitter")
    post = make_post(plan, extra={"media": [{"url": medium["url"], "type": "image", "alt": "Coverage"}]})
    assert client.get(f"/api/v1/media/{medium['id']}").get_json()["used_by"] == 1
    refused = client.delete(f"/api/v1/media/{medium['id']}")
    assert refused.status_code == 409
    assert "attached to 1 post" in refused.get_json()["error"]["message"]

    assert client.patch(f"/api/v1/posts/{post.id}", json={"extra": {"media": []}}).status_code == 200
    assert client.delete(f"/api/v1/media/{medium['id']}").status_code == 204
    assert client.get(medium["url"].removeprefix("http://localhost")).status_code == 404
    assert client.get(medium["thumbnail_url"].removeprefix("http://localhost")).status_code == 404


def test_viewers_read_the_library_creators_upload_and_scripts_upload_with_a_token(app, client):
    upload(client, png(), "one.png")
    viewer = signed_in(app, make_person("viewer@example.com", "viewer", "Vi"))
    assert viewer.get("/api/v1/media").status_code == 200
    assert upload(viewer, png(size=(5, 5)), "two.png").status_code == 403
    creator = make_person("creator@example.com", "creator", "Cré")
    token = tokens.create(creator, "script")[1]
    answer = upload(app.test_client(), png(size=(6, 6)), "three.png", Authorization=f"Bearer {token}")
    assert answer.status_code == 201
    assert answer.get_json()["uploader"]["name"] == "Cré"


def test_a_page_session_upload_needs_the_pages_csrf_token_and_json_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = upload(client, png(), "one.png")
        assert refused.status_code == 400
        assert "CSRF" in refused.get_json()["error"]["message"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    answer = client.post("/api/v1/media", json={"file": "aGVsbG8="})
    assert answer.status_code == 415
    assert "multipart/form-data" in answer.get_json()["error"]["message"]
    missing = client.post("/api/v1/media", data={"alt": "no file"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["error"]["fields"]


def test_the_api_description_offers_the_upload_as_a_multipart_form_with_its_answers(client):
    described = client.get("/api/v1/openapi.json").get_json()
    upload_operation = described["paths"]["/api/v1/media"]["post"]
    form = upload_operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert {"200", "201", "413", "415", "422"} <= set(upload_operation["responses"])
    assert "409" in described["paths"]["/api/v1/media/{media_id}"]["delete"]["responses"]
    assert described["components"]["schemas"]["Media"]["required"] == ["id", "url", "type", "width", "height", "alt"]


def test_every_media_change_is_in_the_audit_trail_with_who_made_it(client):
    medium = upload(client, png(), "chart.png").get_json()
    client.patch(f"/api/v1/media/{medium['id']}", json={"alt": "Coverage"})
    client.delete(f"/api/v1/media/{medium['id']}")
    trail = client.get(f"/api/v1/audit?object=media:{medium['id']}").get_json()
    assert [line["action"] for line in trail] == ["deleted", "changed", "created"]  # newest first
    assert all(line["actor"]["name"] == "Olive Owner" for line in trail)
