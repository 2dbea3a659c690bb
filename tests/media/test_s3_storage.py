"""Media kept in an S3-compatible bucket: the same uploads, judged and cleaned the same way, stored as
objects with their content type, served at the same addresses, deleted with their media. Run against a
real server (SeaweedFS, tests/media/s3_server.py), not a mock of the API."""

import pytest
from PIL import ExifTags

from scheduler import reconfigure
from scheduler.config import S3Location
from tests.media import s3_server
from tests.media.files import jpeg_with_gps, mp4, served_image, upload

BUCKET = "refrain-media"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with s3_server.seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        s3_server.client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


@pytest.fixture
def in_bucket(app, s3_endpoint):
    location = S3Location(
        bucket=BUCKET,
        endpoint_url=s3_endpoint,
        region="us-east-1",
        access_key=s3_server.ACCESS_KEY,
        secret_key=s3_server.SECRET_KEY,
        prefix="team-a",
    )
    reconfigure(app, media_s3=location)
    return s3_server.client(s3_endpoint)


def keys(s3) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="team-a/").get("Contents", [])}


def test_an_image_goes_to_the_bucket_cleaned_and_comes_back_at_its_address(app, client, in_bucket):
    medium = upload(client, jpeg_with_gps(), "paris.jpg", alt="A flag").get_json()
    name = medium["url"].rsplit("/", 1)[1]
    thumbnail = medium["thumbnail_url"].rsplit("/", 1)[1]
    assert {f"team-a/{name}", f"team-a/{thumbnail}"} <= keys(in_bucket)
    stored = in_bucket.get_object(Bucket=BUCKET, Key=f"team-a/{name}")
    assert stored["ContentType"] == "image/jpeg"
    assert b"PhoneMaker" not in stored["Body"].read()
    assert not (app.extensions["refrain.settings"].instance_path / "media").exists()  # nothing kept locally

    served = served_image(client, medium["url"])
    assert not served.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    answer = client.get(medium["url"].removeprefix("http://localhost"))
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert int(answer.headers["Content-Length"]) == len(answer.data) == medium["size"]


def test_a_video_is_served_from_the_bucket_as_a_download_and_deleted_with_its_medium(client, in_bucket):
    medium = upload(client, mp4() + bytes(300_000), "launch.mp4").get_json()
    name = medium["url"].rsplit("/", 1)[1]
    answer = client.get(f"/media/{name}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "video/mp4"
    assert answer.headers["Content-Disposition"] == "attachment; filename=launch.mp4"
    assert answer.data == mp4() + bytes(300_000)

    assert client.delete(f"/api/v1/media/{medium['id']}").status_code == 204
    assert f"team-a/{name}" not in keys(in_bucket)
    assert client.get(f"/media/{name}").status_code == 404
