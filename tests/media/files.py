"""Files for the media tests, made here: photos with EXIF (GPS, orientation, camera), other formats,
video containers' first bytes, and how to upload them through the API."""

import io

from PIL import ExifTags, Image, PngImagePlugin

PARIS = (48.0, 51.0, 24.0)


def jpeg_with_gps(size=(64, 32), orientation=6) -> bytes:
    """A JPEG as a phone writes it: GPS position, camera make, an orientation tag (6: turn it right)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", PARIS
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", PARIS
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows which way it stands
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>PhoneMaker secret place</x:xmpmeta>")
    return out.getvalue()


def png(size=(40, 30), text: str | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def mp4(brand: bytes = b"isom") -> bytes:
    """The start of an MP4 (an ftyp box), and some bytes after: enough for the judge, not a film."""
    ftyp = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    return ftyp + b"\x00\x00\x00\x08free" + bytes(range(256)) * 8


def webm(doctype: bytes = b"webm") -> bytes:
    header = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82" + bytes([0x80 | len(doctype)])
    header += doctype + b"\x42\x87\x81\x04\x42\x85\x81\x02"
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + b"\x18\x53\x80\x67" + bytes(512)


def upload(client, data: bytes, file_name: str, alt: str | None = None, **headers):
    form = {"file": (io.BytesIO(data), file_name)}
    if alt is not None:
        form["alt"] = alt
    return client.post("/api/v1/media", data=form, content_type="multipart/form-data", headers=headers)


def served_image(client, url: str) -> Image.Image:
    answer = client.get(url.removeprefix("http://localhost"))
    assert answer.status_code == 200, answer.status_code
    image = Image.open(io.BytesIO(answer.data))
    image.load()
    return image
