"""What every request and response passes through, whatever its blueprint: the host it names, where an
unsafe request comes from, how large its body is, and the headers every answer carries.

* **Hosts.** Only the public URL's host is trusted (Flask's ``TRUSTED_HOSTS``): a page reached under a
  name an attacker controls (DNS rebinding, a poisoned ``Host``) is a 400, and no link is ever built
  from such a name.
* **Origins.** A POST, PUT, PATCH or DELETE that says where it comes from (``Origin``, else
  ``Referer``) must come from the public URL's origin. Comparing with the request's own ``Host`` would
  let a rebound name vouch for itself. Scripts and mail clients send neither header and pass here;
  the CSRF token (pages) and the JSON-only rule (API) still stand behind this.
* **Sizes.** A body above ``MAX_BODY`` is refused before it is read, except on the upload endpoints,
  which take a metrics export (``services.metrics.MAX_UPLOAD``), and the media uploads, which take the
  largest medium the settings allow (``Settings.media_upload_max``; each kind's own limit is the media
  service's to check, once the content says which kind it is). A 413 in the API's error shape, a
  page elsewhere.
* **Headers.** A Content-Security-Policy with no inline script or style (every script is a file in
  static/), no framing, no MIME sniffing, and a referrer kept to our own pages.
"""

from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from scheduler.domain import formats
from scheduler.domain.language import _
from scheduler.services import metrics
from scheduler.services.newsletter import subscriber_list
from scheduler.web.errors import refusal

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BODY = 1024 * 1024  # bytes: the largest post, style entry or form is a few dozen kilobytes
UPLOAD_SLACK = 64 * 1024  # a multipart envelope, or the JSON around a file
# endpoint → the largest body it takes: the metrics CSV as a form's file, or base64 in the API's JSON
UPLOAD_ENDPOINTS = {
    "ui.upload_metrics": metrics.MAX_UPLOAD + UPLOAD_SLACK,
    "api.import_metrics": metrics.MAX_UPLOAD * 4 // 3 + UPLOAD_SLACK,
    # a help desk's export of interactions goes through the same upload (and its limit)
    "ui.upload_interactions": metrics.MAX_UPLOAD + UPLOAD_SLACK,
    "api.import_interactions": metrics.MAX_UPLOAD * 4 // 3 + UPLOAD_SLACK,
    # a subscriber list exported from another tool, each row with its consent date
    "newsletter.import_subscribers": subscriber_list.LARGEST_IMPORT + UPLOAD_SLACK,
    # a CSV of posts, as a form's file, the API's JSON (text or base64) or the file itself
    "ui.import_posts": metrics.MAX_UPLOAD + UPLOAD_SLACK,
    "api.import_posts": metrics.MAX_UPLOAD * 4 // 3 + UPLOAD_SLACK,
}
# the media library's uploads (an image or a video): as large as the settings' largest medium
MEDIA_UPLOADS = ("api.upload_media", "ui.upload_media_file")
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",  # feed items' pictures stay where their sites keep them
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    "Referrer-Policy": "same-origin",
}
DEFAULT_PORTS = {"http": 80, "https": 443}


def init_app(app) -> None:
    settings = app.extensions["refrain.settings"]
    app.config.update(
        TRUSTED_HOSTS=list(settings.trusted_hosts),
        MAX_CONTENT_LENGTH=MAX_BODY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
    )
    app.before_request(_size_and_origin)
    app.after_request(_security_headers)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def origin_of(url: str | None) -> str | None:
    """``scheme://host:port`` of a URL, the port always written; None when it has no host ("null")."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return "invalid"
    if not parts.scheme or not parts.hostname:
        return None
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}:{port}"


def largest_body(endpoint: str | None) -> int:
    """The largest request body ``endpoint`` takes, in bytes."""
    if endpoint in MEDIA_UPLOADS:
        return current_app.extensions["refrain.settings"].media_upload_max + UPLOAD_SLACK
    return UPLOAD_ENDPOINTS.get(endpoint or "", MAX_BODY)


def _size_and_origin():
    largest = largest_body(request.endpoint)
    request.max_content_length = largest
    if request.content_length is not None and request.content_length > largest:
        return _too_large(RequestEntityTooLarge())
    if request.method not in UNSAFE_METHODS:
        return None
    said = request.headers.get("Origin") or request.headers.get("Referer")
    if said is None:
        return None  # a script, a mail client's one-click unsubscribe: no browser page sent it
    public = origin_of(current_app.extensions["refrain.settings"].public_origin)
    if origin_of(said) != public:
        return refusal(
            403,
            _("requests from another site are refused: use Refrain's own pages, or call the API from a script"),
        )
    return None


def _too_large(_error):
    largest = getattr(request, "max_content_length", None) or MAX_BODY
    return refusal(
        413,
        _("the request is larger than %(size)s, the most this address takes", size=_size(largest)),
        _("Too large"),
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return _("%(n)s MB", n=formats.number(count // (1024 * 1024)))
    return _("%(n)s KB", n=formats.number(count // 1024))


def _security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
