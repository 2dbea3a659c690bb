"""The media library's JSON API: upload a file (multipart), list, describe, delete while unused."""

from flask import jsonify, request

from scheduler.domain.language import _
from scheduler.services import media
from scheduler.services.errors import Invalid
from scheduler.web.api import blueprint, body
from scheduler.web.api.declared import accepts, accepts_upload, answers, query, refuses
from scheduler.web.api.schemas import COMPONENTS, list_of, obj, ref, text

NUMBER_OR_NULL = {"type": ["integer", "null"]}
COMPONENTS.update(
    {
        "Media": obj(
            {
                "id": {"type": "integer"},
                "url": {"type": "string", "description": "its public address: what a post's `media` field holds"},
                "type": {"enum": ["image", "video"]},
                "content_type": {"type": "string", "description": "judged from the file's bytes, not its name"},
                "width": NUMBER_OR_NULL,
                "height": NUMBER_OR_NULL,
                "alt": {"type": "string"},
                "file_name": {"type": "string"},
                "size": {"type": "integer", "description": "bytes, as stored (an image without its metadata)"},
                "thumbnail_url": {"type": ["string", "null"]},
                "uploader": {"type": ["object", "null"]},
                "created_at": {"type": "string"},
                "used_by": {"type": "integer", "description": "posts (other than cancelled ones) that carry it"},
            },
            required=("id", "url", "type", "width", "height", "alt"),
        )
    }
)
UPLOAD = obj(
    {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "an image (JPEG, PNG, GIF, WebP) or a video (MP4, WebM, QuickTime), judged by its content",
        },
        "alt": text(media.ALT_LIMIT, description="what the image shows, for readers who cannot see it"),
    },
    required=("file",),
)
MEDIA_CHANGES = obj({"alt": text(media.ALT_LIMIT, nullable=True)})


@blueprint.post("/media")
@accepts_upload(UPLOAD)
@answers(201, ref("Media"), "stored: images without their metadata, with a thumbnail")
@answers(200, ref("Media"), "the same content was already in the library: that medium")
def upload_media():
    """Upload an image or a video (multipart/form-data: `file`, and `alt`)."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": _("is required: send the image or video in a field named file")})
    found, new = media.upload(upload.filename or "", upload.stream, request.form.get("alt", ""))
    return jsonify(media.media_dict(found, used=0 if new else media.uses([found])[found.name])), 201 if new else 200


@blueprint.get("/media")
@query(type={"enum": ["image", "video"]})
@answers(200, list_of(ref("Media")), "newest first, each with how many posts carry it")
def list_media():
    found = media.list_media(request.args.get("type"))
    used = media.uses(found)
    return jsonify([media.media_dict(m, used.get(m.name, 0)) for m in found])


@blueprint.get("/media/<int:media_id>")
@answers(200, ref("Media"))
def get_media(media_id):
    found = media.get_media(media_id)
    return jsonify(media.media_dict(found, media.uses([found])[found.name]))


@blueprint.patch("/media/<int:media_id>")
@accepts(MEDIA_CHANGES)
@answers(200, ref("Media"), "its alt text changed")
def update_media(media_id):
    found = media.update_media(media.get_media(media_id), body())
    return jsonify(media.media_dict(found, media.uses([found])[found.name]))


@blueprint.delete("/media/<int:media_id>")
@answers(204, None, "deleted, with its files")
@refuses(409)
def delete_media(media_id):
    """Delete a medium no post carries (409 while one does)."""
    media.delete_media(media.get_media(media_id))
    return "", 204
