"""The demo's pictures, drawn with Pillow when the demo is loaded and put in the media library like any
upload: so the demo's posts and library items show images that are there, offline too, instead of
addresses on someone else's server.

Drawn, not shipped: a few shapes make a picture of a few kilobytes, the same bytes every time (the same
content hash, so loading the demo again finds them already there), and nothing to keep beside the code.
"""

from __future__ import annotations

import io
import random
from functools import cache

from PIL import Image, ImageDraw

from scheduler.services import media

SNOW = (244, 247, 252)
NIGHT = (28, 44, 86)
INK = (29, 35, 48)
CHANNEL_COLOURS = [(52, 81, 178), (46, 125, 50), (239, 108, 0), (106, 27, 154), (198, 40, 40)]
VIDEO_HUES = [(52, 81, 178), (0, 121, 107), (198, 40, 40), (239, 108, 0), (106, 27, 154), (69, 90, 100),
              (46, 125, 50), (173, 20, 87)]  # fmt: skip


def attachments() -> dict:
    """The demo's media as posts and items carry them (``{"url", "type", "alt"}``), uploaded once:
    ``launch`` (the winter launch), ``chart`` (coverage per channel), ``covers`` (one per demo video)."""
    launch = _put("atlas-winter-launch.png", _png(_winter_launch()), WINTER_ALT)
    chart = _put("coverage-chart.png", _png(_coverage_chart()), CHART_ALT)
    covers = [_put(f"video-cover-{n}.jpg", _jpeg(_cover(n)), COVER_ALT) for n in range(len(VIDEO_HUES))]
    return {"launch": launch, "chart": chart, "covers": covers}


WINTER_ALT = "The Atlas 2.0 calendar on a laptop, snow falling outside the window"
CHART_ALT = "A bar chart of theme coverage per channel, each bar inside its green band"
COVER_ALT = "A demo video's cover: a play button on coloured stripes"


def _put(file_name: str, data: bytes, alt: str) -> dict:
    found, _new = media.upload(file_name, data, alt)
    return media.attachment(found)


# --- the drawings (the same pixels every time: fixed seeds, no fonts) ------------------------------------


@cache
def _winter_launch() -> Image.Image:
    image = Image.new("RGB", (640, 360), NIGHT)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 360), fill=SNOW)  # snow on the ground
    draw.rectangle((170, 90, 470, 270), fill=(60, 64, 72), outline=INK, width=4)  # the laptop's screen
    draw.rectangle((180, 100, 460, 260), fill=(255, 255, 255))
    for week in range(4):  # a month of the calendar, one day on theme in each
        for day in range(7):
            x, y = 188 + day * 39, 108 + week * 37
            on_theme = day == (week * 2 + 1) % 7
            draw.rectangle((x, y, x + 33, y + 31), fill=(52, 81, 178) if on_theme else (227, 230, 236))
    draw.polygon([(140, 270), (500, 270), (530, 292), (110, 292)], fill=(90, 94, 102), outline=INK)
    flakes = random.Random(2031)
    for _ in range(140):
        x, y, r = flakes.randrange(640), flakes.randrange(300), flakes.choice((1, 2, 2, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=SNOW)
    return image


@cache
def _coverage_chart() -> Image.Image:
    image = Image.new("RGB", (640, 360), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.line((60, 320, 600, 320), fill=INK, width=2)
    draw.line((60, 30, 60, 320), fill=INK, width=2)
    for n, (share, colour) in enumerate(zip((0.42, 0.55, 0.38, 0.61, 0.47), CHANNEL_COLOURS, strict=True)):
        left = 90 + n * 100
        floor, ceiling = 320 - 0.25 * 280, 320 - 0.75 * 280
        draw.rectangle((left - 8, ceiling, left + 68, floor), fill=(232, 245, 233))  # the band it should sit in
        draw.rectangle((left, 320 - share * 280, left + 60, 318), fill=colour)
    return image


def _cover(number: int) -> Image.Image:
    hue = VIDEO_HUES[number % len(VIDEO_HUES)]
    image = Image.new("RGB", (480, 270), hue)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in hue)
    for stripe in range(0, 480 + 270, 60):  # diagonal stripes, a different start for each video
        draw.line((stripe - 270 + number * 9, 270, stripe + number * 9, 0), fill=light, width=14)
    draw.ellipse((190, 85, 290, 185), fill=(255, 255, 255))
    draw.polygon([(228, 112), (228, 158), (266, 135)], fill=hue)  # a play button
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
