"""Telling a video container by its first bytes, and naming what a refused file seems to be."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.media_types import seems_to_be, video_type
from tests.media.files import mp4, webm

SVG_WHY = "it can carry scripts; export it as PNG"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (mp4(b"isom"), "video/mp4"),
        (mp4(b"mp42"), "video/mp4"),
        (mp4(b"qt  "), "video/quicktime"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x10mdat", "video/quicktime"),
        (webm(), "video/webm"),
        (webm(b"matroska"), None),
        (mp4(b"heic"), None),
        (mp4(b"avif"), None),
        (mp4(b"M4A "), None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"", None),
    ],
)
def test_video_containers_are_told_by_their_signature(head, expected):
    assert video_type(head) == expected


@pytest.mark.parametrize(
    ("head", "words"),
    [
        (b"%PDF-1.7", "a PDF document"),
        (b"PK\x03\x04rest", "a ZIP archive (or an office document)"),
        (mp4(b"heic"), "a HEIC photo (export it as JPEG)"),
        (mp4(b"M4A "), "an audio file"),
        (webm(b"matroska"), "a Matroska video (convert it to MP4 or WebM)"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "an SVG drawing (it can carry scripts; export it as PNG)",
        ),
        ("Des notes en français, 以及中文。\n".encode(), "text"),
        ("é".encode()[:1], "text"),  # a sniff cut in the middle of a character
        (bytes([0, 1, 2, 250, 251, 252, 7, 8]), "a kind of file Refrain does not know"),
        (b"", "empty"),
    ],
)
def test_a_refused_file_is_named_by_what_it_seems_to_be(head, words):
    assert seems_to_be(head) == words


@given(st.binary(min_size=200, max_size=400), st.binary(max_size=256))
def test_the_verdict_rests_on_the_first_bytes_alone(head, rest):
    assert video_type(head + rest) == video_type(head)


@given(st.binary(max_size=512))
def test_any_bytes_get_a_verdict_and_words_never_an_error(data):
    assert video_type(data) in (None, "video/mp4", "video/webm", "video/quicktime")
    assert isinstance(seems_to_be(data), str) and seems_to_be(data)
