"""The media library's page (upload, alt text, delete while unused) and the address every stored file is
served at, whichever storage holds it.

Files are served with the type judged when they were uploaded (never guessed from the name),
``X-Content-Type-Options: nosniff`` so no browser second-guesses it, and a video as a download
(``Content-Disposition: attachment``): only images are shown inline at their own address. Names are
content hashes, so a file never changes under its name and may be cached for good. The address is
public: the channels a live post goes to (and the readers of a published post) fetch it without
signing in, as they fetch any image on the web.
"""

from urllib.parse import quote

from flask import Response, flash, redirect, send_file, url_for
from werkzeug.http import dump_options_header

from scheduler.domain.language import N_, _
from scheduler.services import media, runtime
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms.media import AltForm, MediaUploadForm
from scheduler.web.pages import blueprint, form_page

FOREVER = 365 * 24 * 3600  # a name is its content's hash: the same name is always the same bytes
KINDS = {"image": N_("image"), "video": N_("video")}  # a medium's kind, as the page names it


@blueprint.get("/media")
def media_files_page():
    return library_page(MediaUploadForm(formdata=None))


def library_page(form: MediaUploadForm):
    found = media.list_media()
    used = media.uses(found)
    return form_page("media/index.html", form, media_files=found, used=used, limits=_limits(), media_kinds=KINDS)


def _limits() -> dict:
    settings = runtime.settings()
    return {kind: media.megabytes(settings.media_limit(kind)) for kind in ("image", "video")}


@blueprint.post("/media")
def upload_media_file():
    """Without a script (the page's own upload goes to the API, with a progress bar): the same upload."""
    form = MediaUploadForm()
    file_name, stream = form.uploaded()

    def store():
        if stream is None:
            raise Invalid({"file": _("is required: choose an image or a video")})
        return media.upload(file_name, stream, form.alt.data or "")

    if done := form.submit(store):
        found, new = done
        name = found.file_name or _("The file")
        flash(_("%(name)s uploaded.", name=name) if new else _("%(name)s was already in the library.", name=name))
        return redirect(url_for("ui.media_files_page"))
    return library_page(form)


@blueprint.post("/media/<int:media_id>/alt")
def describe_media_file(media_id):
    form = AltForm()
    found = media.get_media(media_id)
    try:
        if form.validate_on_submit():
            media.update_media(found, {"alt": form.alt.data or ""})
            flash(_("Alt text of %(name)s saved.", name=found.file_name or found.name))
    except Invalid as error:
        flash(form.in_words(error))
    return redirect(url_for("ui.media_files_page"))


@blueprint.post("/media/<int:media_id>/delete")
def delete_media_file(media_id):
    found = media.get_media(media_id)
    try:
        if AltForm().validate_on_submit():  # the CSRF token is all the form holds
            media.delete_media(found)
            flash(_("%(name)s deleted.", name=found.file_name or found.name))
    except Conflict as error:
        flash(error.message)
    return redirect(url_for("ui.media_files_page"))


@blueprint.get("/media/<media_name>")
def media_file(media_name):
    served = media.served(media_name)  # NotFound: a 404 page
    stored = served.stored
    if stored.path is not None:
        response = send_file(
            stored.path,
            mimetype=served.content_type,
            as_attachment=not served.inline,
            download_name=None if served.inline else served.download_name,
            conditional=True,
            etag=media_name,
            max_age=FOREVER,
        )
    else:
        response = Response(stored.chunks, mimetype=served.content_type, direct_passthrough=True)
        response.content_length = stored.size
        if not served.inline:
            response.headers["Content-Disposition"] = _disposition(served.download_name)
        response.set_etag(media_name)
        response.cache_control.max_age = FOREVER
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    if served.inline:
        response.headers.pop("Content-Disposition", None)  # send_file names the file even to show it
    return response


def _disposition(name: str) -> str:
    """``attachment`` with the uploader's file name (RFC 6266: ASCII, and UTF-8 when it has more)."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    options = {"filename": ascii_name}
    if ascii_name != name:
        options["filename*"] = "UTF-8''" + quote(name, safe="")
    return dump_options_header("attachment", options)
