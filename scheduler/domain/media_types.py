"""What a file is, told from its first bytes, never from its name.

Images are told by Pillow (``infra.images``), which reads their headers; this module tells the video
containers Refrain takes (MP4, WebM, QuickTime) by their signatures, and names what else a refused file
seems to be, so the refusal can say "this is a PDF document" rather than "invalid file". Plain functions
over bytes: the same answer for the same bytes, whatever the file is called.
"""

from __future__ import annotations

from scheduler.domain.language import N_, _

SNIFF_BYTES = 4096  # what the judges read: every signature below sits in a file's first few dozen bytes

# video content type → the extension its stored copy gets
VIDEO_TYPES = {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov"}
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
TAKEN = N_("JPEG, PNG, GIF or WebP images; MP4, WebM or QuickTime videos")

# ISO base media brands that are not video: still images (HEIF, AVIF) and sound (iTunes audio)
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
# top-level atoms an old QuickTime file may begin with, before (or without) an ftyp box
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"pnot"}
_EBML = b"\x1a\x45\xdf\xa3"
_DOCTYPE = b"\x42\x82"


def video_type(head: bytes) -> str | None:
    """The content type of a video container Refrain takes, from the file's first bytes; None otherwise."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS or brand in _AUDIO_BRANDS:
            return None
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    if head.startswith(_EBML) and _ebml_doctype(head) == "webm":
        return "video/webm"
    return None


def _ebml_doctype(head: bytes) -> str | None:
    """The DocType of an EBML header ("webm", "matroska"): element 0x4282, a one-byte size, the text."""
    at = head.find(_DOCTYPE, 4, 64)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # longer size forms never hold a DocType of a few letters
        return None
    size = size_byte & 0x7F
    text = head[at + 3 : at + 3 + size]
    return text.decode("ascii", "replace") if len(text) == size else None


def seems_to_be(head: bytes) -> str:
    """What a refused file seems to be, in words for its refusal: "a PDF document", "text"..."""
    if not head:
        return _("empty")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return _("an AVIF image") if brand in (b"avif", b"avis") else _("a HEIC photo (export it as JPEG)")
        if brand in _AUDIO_BRANDS:
            return _("an audio file")
    if head.startswith(_EBML):
        if _ebml_doctype(head) == "matroska":
            return _("a Matroska video (convert it to MP4 or WebM)")
        return _("an EBML file")
    for signature, words in _SIGNATURES:
        if head.startswith(signature):
            return _(words)
    if head[:5].lstrip().lower().startswith((b"<svg", b"<?xml")) or b"<svg" in head[:256].lower():
        return _("an SVG drawing (it can carry scripts; export it as PNG)")
    if _is_text(head):
        return _("text")
    return _("a kind of file Refrain does not know")


_SIGNATURES = (
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive (or an office document)")),
    (b"BM", N_("a BMP image (export it as PNG)")),
    (b"II*\x00", N_("a TIFF image (export it as JPEG or PNG)")),
    (b"MM\x00*", N_("a TIFF image (export it as JPEG or PNG)")),
    (b"\x00\x00\x01\x00", N_("an icon file")),
    (b"ID3", N_("an MP3 audio file")),
    (b"OggS", N_("an Ogg audio or video file")),
    (b"fLaC", N_("a FLAC audio file")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", N_("a Windows program")),
    (b"\x89PNG", N_("a damaged PNG image")),
    (b"\xff\xd8\xff", N_("a damaged JPEG image")),
    (b"GIF8", N_("a damaged GIF image")),
)


def _is_text(head: bytes) -> bool:
    """UTF-8 of printable characters (a sniff cut in the middle of a character is still text)."""
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return all(c.isprintable() or c in "\t\r\n\f" for c in text)
    return False


def extension_of(content_type: str) -> str:
    """The extension a stored file of this type is named with."""
    return {**IMAGE_TYPES, **VIDEO_TYPES}[content_type]


def kind_of(content_type: str) -> str:
    """ "image" or "video": the attachment type a post's media field gives it."""
    return "video" if content_type in VIDEO_TYPES else "image"
