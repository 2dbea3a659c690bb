"""The media library: upload an image or a video, describe it, find it again, delete it while unused.

What a file is comes from its bytes, never its name: Pillow reads an image's header
(``infra.images``), a video's container is told by its signature (``domain.media_types``); anything
else is refused with what it seems to be. Each kind has its size limit (``config.Settings.media_limit``).
Images are re-encoded without their metadata (EXIF, GPS, XMP, comments) and get a thumbnail; the file
kept is named by the SHA-256 of what is stored, so uploading the same picture twice gives the same
medium back.

A medium's URL is the app's own address for it (``<REFRAIN_PUBLIC_URL>/media/<name>``), whichever storage
holds the bytes: a post's ``media`` field keeps that URL like any other, so the adapters need nothing
new, and a live channel fetches it from the public address. Files are written before the row that
names them is committed (a failed commit leaves an unnamed file, harmless and found again by the next
identical upload); they are deleted only after the row's deletion is committed.
"""

from __future__ import annotations

import hashlib
import io
import ntpath
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import String, cast, or_, select
from sqlalchemy.exc import IntegrityError

from scheduler.domain.language import N_, _, ngettext
from scheduler.domain.media_types import SNIFF_BYTES, TAKEN, extension_of, seems_to_be, video_type
from scheduler.infra import images, media_storage
from scheduler.infra.media_storage import StoredFile
from scheduler.models import MediaFile, Post
from scheduler.models.database import db
from scheduler.services import actor, runtime
from scheduler.services.errors import Conflict, Invalid, NotFound
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader

PATH = "/media/"  # where the app serves every stored file (web.pages.media), whatever holds it
ALT_LIMIT = 1500  # Mastodon's; X takes 1,000 (its adapter shortens)
FILE_NAME_LIMIT = 255
LIST_LIMIT = 500


@dataclass(frozen=True)
class Served:
    """A stored file as the app serves it: its type (from the row, never the name), whether a browser may
    show it inline (images and thumbnails), the name to save it under, and the bytes."""

    content_type: str
    inline: bool
    download_name: str
    stored: StoredFile


def storage() -> media_storage.MediaStorage:
    return media_storage.storage_for(runtime.settings())


# --- uploading ----------------------------------------------------------------------------------------


def upload(file_name: str, source: bytes | BinaryIO, alt: str = "") -> tuple[MediaFile, bool]:
    """Judge, clean, store and record one file; (the medium, whether it is new). The same content uploaded
    again gives the medium already there (its alt text is filled in if it had none)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    reader = Reader({"alt": alt or ""})
    alt = reader.text("alt", required=False, max_length=ALT_LIMIT)
    reader.done()
    size = _size_of(stream)
    if size == 0:
        raise Invalid({"file": _("is empty: choose an image or a video")})
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if images.identify(stream):
        _within(size, "image")
        try:
            cleaned = images.clean(stream.read())
        except images.UnusableImage as error:
            raise Invalid({"file": _("cannot be used: %(why)s", why=error)}) from None
        digest = hashlib.sha256(cleaned.data).hexdigest()
        name, thumbnail = f"{digest}.{cleaned.extension}", f"{digest}.thumb.webp"
        fields = {"content_type": cleaned.content_type, "kind": "image", "size": len(cleaned.data)}
        fields |= {"width": cleaned.width, "height": cleaned.height, "thumbnail": thumbnail}
        files = [(name, cleaned.data, cleaned.content_type), (thumbnail, cleaned.thumbnail, images.THUMBNAIL_TYPE)]
    elif content_type := video_type(head):
        _within(size, "video")
        name = f"{_digest(stream)}.{extension_of(content_type)}"
        fields = {"content_type": content_type, "kind": "video", "size": size}
        files = [(name, stream, content_type)]
    else:
        refused = _(
            "holds %(what)s, not an image or a video Refrain takes (%(taken)s), whatever its name says",
            what=seems_to_be(head),
            taken=_(TAKEN),
        )
        raise Invalid({"file": refused})
    found = _named(name)
    if found is not None:
        return _fill_alt(found, alt), False
    for stored_name, data, content_type in files:
        storage().put(stored_name, data, content_type)
    return _record(name, _base_name(file_name), alt, fields)


def _size_of(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


KIND_LIMITS = {"image": N_("is %(size)s; images may be at most %(limit)s"),
               "video": N_("is %(size)s; videos may be at most %(limit)s")}  # fmt: skip


def _within(size: int, kind: str) -> None:
    limit = runtime.settings().media_limit(kind)
    if size > limit:
        raise Invalid({"file": _(KIND_LIMITS[kind], size=megabytes(size), limit=megabytes(limit))})


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _digest(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(media_storage.CHUNK), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _base_name(file_name: str) -> str:
    """The name on the uploader's computer without any folder (browsers once sent C:\\fakepath\\...)."""
    base = ntpath.basename((file_name or "").replace("\x00", "")).strip()
    return base[-FILE_NAME_LIMIT:]


def _named(name: str) -> MediaFile | None:
    return db.session.scalar(select(MediaFile).where(MediaFile.name == name))


@unit_of_work
def _fill_alt(media: MediaFile, alt: str) -> MediaFile:
    if alt and not media.alt:
        media.alt = alt
    return media


def _record(name: str, file_name: str, alt: str, fields: dict) -> tuple[MediaFile, bool]:
    who = actor.current()
    try:
        with unit_of_work():
            media = MediaFile(
                name=name,
                file_name=file_name,
                alt=alt,
                uploader_id=who.id,
                uploader_name=who.name if who.is_person else "",
                **fields,
            )
            db.session.add(media)
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        found = _named(name)
        if found is None:
            raise
        return found, False
    return media, True


# --- reading, describing, deleting --------------------------------------------------------------------


def get_media(media_id) -> MediaFile:
    media = db.session.get(MediaFile, media_id) if isinstance(media_id, int) else None
    if media is None:
        raise NotFound(f"media {media_id}")
    return media


def list_media(kind: str | None = None) -> list[MediaFile]:
    """The newest first (the picker and the page show the latest uploads on top)."""
    query = select(MediaFile).order_by(MediaFile.created_at.desc(), MediaFile.id.desc()).limit(LIST_LIMIT)
    if kind in ("image", "video"):
        query = query.where(MediaFile.kind == kind)
    return list(db.session.scalars(query))


@unit_of_work
def update_media(media: MediaFile, data: dict) -> MediaFile:
    reader = Reader(data)
    if reader.has("alt"):
        media.alt = reader.text("alt", required=False, max_length=ALT_LIMIT)
    reader.done()
    return media


def delete_media(media: MediaFile) -> None:
    """Removes the medium and its files, once no post carries it (a cancelled post does not count)."""
    with unit_of_work():
        used = uses([media]).get(media.name, 0)
        if used:
            raise Conflict(
                ngettext(
                    "%(name)s is attached to %(num)d post: take it out of them before deleting it",
                    "%(name)s is attached to %(num)d posts: take it out of them before deleting it",
                    used,
                    name=media.file_name or media.name,
                ),
                {"id": _("is in use")},
            )
        names = [n for n in (media.name, media.thumbnail) if n]
        db.session.delete(media)
        after_commit(lambda: _forget_files(names))


def _forget_files(names: list[str]) -> None:
    for name in names:
        if _named(name) is None and db.session.scalar(select(MediaFile.id).where(MediaFile.thumbnail == name)) is None:
            storage().delete(name)  # unless the same content was uploaded again meanwhile


def uses(media: list[MediaFile]) -> dict[str, int]:
    """How many posts (other than cancelled ones) carry each medium, by stored name: read from the posts'
    media fields, where a medium is its URL (whatever host it was written with)."""
    wanted = {m.name for m in media}
    if not wanted:
        return {}
    text = cast(Post.extra, String)
    found = {name: 0 for name in wanted}
    clauses = [text.contains(name) for name in wanted] if len(wanted) <= 20 else [text.contains(PATH)]
    query = select(Post.extra).where(Post.status != "cancelled", or_(*clauses))
    for (extra,) in db.session.execute(query):
        carried = {stored_name(m.get("url")) for m in (extra or {}).get("media") or [] if isinstance(m, dict)}
        for name in carried & wanted:
            found[name] += 1
    return found


def stored_name(url) -> str | None:
    """The stored file a URL names when it is one of ours (``…/media/<name>``), else None."""
    if not isinstance(url, str):
        return None
    path = urlsplit(url.strip()).path
    if not path.startswith(PATH):
        return None
    name = path[len(PATH) :]
    return name if media_storage.NAME.match(name) else None


def served(name: str) -> Served:
    """A stored file by its name, as the app serves it; NotFound unless a medium names it."""
    if not media_storage.NAME.match(name or ""):
        raise NotFound("media file", _("media file not found"))
    media = db.session.scalar(select(MediaFile).where(or_(MediaFile.name == name, MediaFile.thumbnail == name)))
    stored = storage().get(name) if media is not None else None
    if stored is None:
        raise NotFound("media file", _("media file not found"))
    if name == media.thumbnail:
        return Served(images.THUMBNAIL_TYPE, True, name, stored)
    return Served(media.content_type, media.kind == "image", media.file_name or name, stored)


def url_of(name: str | None) -> str | None:
    """The public address of a stored file: what a post's media field holds, and a channel fetches."""
    return f"{runtime.settings().public_url}{PATH}{name}" if name else None


def media_dict(media: MediaFile, used: int | None = None) -> dict:
    described = {
        "id": media.id,
        "url": url_of(media.name),
        "type": media.kind,
        "content_type": media.content_type,
        "width": media.width,
        "height": media.height,
        "alt": media.alt or "",
        "file_name": media.file_name,
        "size": media.size,
        "thumbnail_url": url_of(media.thumbnail),
        "uploader": {"id": media.uploader_id, "name": media.uploader_name} if media.uploader_name else None,
        "created_at": media.created_at.isoformat(),
    }
    if used is not None:
        described["used_by"] = used
    return described


def attachment(media: MediaFile) -> dict:
    """The medium as a post's media field holds it (``channels.base.Media``)."""
    return {"url": url_of(media.name), "type": media.kind, "alt": media.alt or ""}
