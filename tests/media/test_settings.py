"""The media settings, read and checked in one place (scheduler/config.py): each kind's limit in MB, and an
S3-compatible bucket named by REFRAIN_MEDIA_S3_* instead of the instance folder."""

import pytest

from scheduler import config
from scheduler.config import MB, ConfigError, S3Location, Settings


def settings_from(tmp_path, **environ) -> Settings:
    conf = config.from_environment({"REFRAIN_INSTANCE": str(tmp_path / "instance"), **environ})
    return Settings.from_config(conf)


def test_media_stay_in_the_instance_folder_with_default_limits_unless_told(tmp_path):
    settings = settings_from(tmp_path)
    assert settings.media_s3 is None
    assert settings.media_folder == (tmp_path / "instance" / "media").resolve()
    assert (settings.media_limit("image"), settings.media_limit("video")) == (16 * MB, 100 * MB)
    assert settings.media_upload_max == 100 * MB


def test_limits_are_given_in_megabytes_and_must_be_whole_and_positive(tmp_path):
    settings = settings_from(tmp_path, REFRAIN_MEDIA_MAX_IMAGE_MB="5", REFRAIN_MEDIA_MAX_VIDEO_MB="2")
    assert (settings.media_image_max, settings.media_video_max, settings.media_upload_max) == (5 * MB, 2 * MB, 5 * MB)
    with pytest.raises(ConfigError, match="REFRAIN_MEDIA_MAX_IMAGE_MB must be a whole number"):
        settings_from(tmp_path, REFRAIN_MEDIA_MAX_IMAGE_MB="5.5")
    with pytest.raises(ConfigError, match="REFRAIN_MEDIA_MAX_VIDEO_MB must be at least 1"):
        settings_from(tmp_path, REFRAIN_MEDIA_MAX_VIDEO_MB="0")


def test_a_bucket_turns_s3_storage_on_and_its_secret_is_never_printed(tmp_path):
    settings = settings_from(
        tmp_path,
        REFRAIN_MEDIA_S3_BUCKET="team-media",
        REFRAIN_MEDIA_S3_ENDPOINT="https://s3.example.org",
        REFRAIN_MEDIA_S3_REGION="eu-west-3",
        REFRAIN_MEDIA_S3_ACCESS_KEY="AKIA-TEST",
        REFRAIN_MEDIA_S3_SECRET_KEY="very-secret",
        REFRAIN_MEDIA_S3_PREFIX="/refrain/",
    )
    assert settings.media_s3 == S3Location(
        "team-media", "https://s3.example.org", "eu-west-3", "AKIA-TEST", "very-secret", "refrain"
    )
    assert "very-secret" not in repr(settings)


def test_s3_settings_that_cannot_work_are_refused_at_start_up(tmp_path):
    with pytest.raises(ConfigError, match="REFRAIN_MEDIA_S3_ENDPOINT must be the address of the S3 API"):
        settings_from(tmp_path, REFRAIN_MEDIA_S3_BUCKET="b", REFRAIN_MEDIA_S3_ENDPOINT="s3.example.org")
    with pytest.raises(ConfigError, match="go together: set both, or neither"):
        settings_from(tmp_path, REFRAIN_MEDIA_S3_BUCKET="b", REFRAIN_MEDIA_S3_ACCESS_KEY="only-one")
