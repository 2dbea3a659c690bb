"""The media page's forms: an upload (a file and its alt text), and a medium's alt text."""

from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import TextAreaField

from scheduler.web.forms import PageForm

# what the file chooser offers first; the server judges every file by its content whatever it is called
ACCEPTED = "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,video/quicktime"
ALT_NOTE = lazy_gettext("what it shows, for readers who cannot see it")


class MediaUploadForm(PageForm):
    file = FileField(lazy_gettext("Image or video"), render_kw={"accept": ACCEPTED})
    alt = TextAreaField(lazy_gettext("Alt text"), description=ALT_NOTE, render_kw={"rows": 2})

    def uploaded(self):
        """(file name, stream) of the chosen file; ("", None) when none was chosen."""
        upload = self.file.data
        return (upload.filename or "", upload.stream) if upload else ("", None)


class AltForm(PageForm):
    alt = TextAreaField(lazy_gettext("Alt text"), description=ALT_NOTE, render_kw={"rows": 2})
