"""Uploaded images made safe to publish, with Pillow: told by their content, re-encoded without their
metadata, and a thumbnail drawn.

Why re-encode rather than delete EXIF tags: a photo carries where it was taken (GPS), the camera's serial
number, the software, comments and XMP in several places (EXIF, XMP packets, PNG text chunks, GIF
comments); writing the pixels into a new file keeps only what is listed in ``KEPT_INFO`` (the colour
profile, an animation's timing). The orientation the camera recorded is applied to the pixels first,
so the picture stands as it was shot once the EXIF that said how to turn it is gone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow's format → (content type, extension); MPO is a JPEG with extra pictures (phones' depth maps),
# kept as its first picture
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
SAVED_AS = {"MPO": "JPEG"}
OPENED = ["JPEG", "PNG", "GIF", "WEBP"]  # Pillow's readers an upload may reach (JPEG's opens MPO too)
THUMBNAIL_BOX = (320, 320)  # the longest side of a thumbnail, in pixels
THUMBNAIL_TYPE = "image/webp"
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, or no picture for a post
MAX_FRAME_PIXELS = 200_000_000  # an animation's frames together
# what survives the re-encoding: the colour profile, and how an animation plays
KEPT_INFO = ("icc_profile", "duration", "loop", "transparency", "background")


class UnusableImage(ValueError):
    """An image Pillow recognises but that cannot be taken (too many pixels, damaged); says why."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def identify(stream: BinaryIO) -> str | None:
    """The content type of the image in ``stream``, from its header alone (nothing is decoded); None
    when it is not an image of a format Refrain takes. The stream is left at its start."""
    start = stream.tell()
    try:
        with _open(stream) as image:
            return FORMATS[image.format][0]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    finally:
        stream.seek(start)


def clean(data: bytes) -> CleanImage:
    """The image re-encoded without its metadata (orientation applied), with its size and thumbnail."""
    try:
        with _open(io.BytesIO(data)) as image:
            fmt = image.format
            _check_size(image)
            frames = _frames(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise UnusableImage(f"the image cannot be read ({_reason(error)}): it may be damaged or cut short") from None
    content_type, extension = FORMATS[fmt]
    first = frames[0]
    out = io.BytesIO()
    saved_as = SAVED_AS.get(fmt, fmt)
    options = _save_options(saved_as, first)
    if len(frames) > 1:
        first.save(out, format=saved_as, save_all=True, append_images=frames[1:], **options)
    else:
        first.save(out, format=saved_as, **options)
    return CleanImage(out.getvalue(), content_type, extension, first.width, first.height, _thumbnail(first))


def _open(stream: BinaryIO) -> Image.Image:
    """Pillow's reader for the formats Refrain takes only: no other plugin ever parses an upload."""
    Image.init()  # registers the plugins once (WebP is not among the few Pillow loads up front)
    return Image.open(stream, formats=OPENED)


def _check_size(image: Image.Image) -> None:
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        raise UnusableImage(
            f"the image is {image.width} × {image.height} pixels; the most Refrain takes is "
            f"{MAX_PIXELS // 1_000_000} megapixels"
        )
    if pixels * getattr(image, "n_frames", 1) > MAX_FRAME_PIXELS:
        raise UnusableImage(f"the animation has too many frames ({image.n_frames}) for its size")


def _frames(image: Image.Image) -> list[Image.Image]:
    """Each frame as a new image (decoded, so the file can be closed), turned upright, with only the
    info in ``KEPT_INFO``; one frame for a still image."""
    if getattr(image, "is_animated", False) and image.format in ("GIF", "WEBP"):
        frames = []
        for frame in ImageSequence.Iterator(image):
            copy = frame.copy()
            copy.info = _kept(frame.info)
            frames.append(copy)
        return frames
    image.load()
    upright = ImageOps.exif_transpose(image) or image.copy()
    upright.info = _kept(image.info)
    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "CMYK", "1"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    return [upright]


def _kept(info: dict) -> dict:
    return {key: info[key] for key in KEPT_INFO if key in info}


def _save_options(fmt: str, image: Image.Image) -> dict:
    """No ``exif``, ``xmp``, ``comment`` or ``pnginfo`` is ever passed: the new file has none."""
    options: dict = {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if fmt == "JPEG":
        options |= {"quality": 90, "optimize": True}
        if image.mode not in ("RGB", "L", "CMYK"):
            raise UnusableImage(f"a JPEG image in {image.mode} mode cannot be saved again")
    elif fmt == "WEBP":
        options |= {"quality": 90}
    elif fmt == "GIF":
        options |= {key: image.info[key] for key in ("duration", "loop") if key in image.info}
    return options


def _thumbnail(image: Image.Image) -> bytes:
    """At most ``THUMBNAIL_BOX``, proportions kept, as WebP (transparency kept)."""
    thumb = image.convert("RGBA" if _has_alpha(image) else "RGB")
    thumb.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, format="WEBP", quality=80)
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info)


def _reason(error: Exception) -> str:
    return str(error).split("\n")[0][:120] or type(error).__name__
