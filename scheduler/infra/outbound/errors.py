"""What can go wrong reaching out, with a message for the page that shows it and a short reason."""

from __future__ import annotations

import re


class FetchError(Exception):
    """Something (a feed) could not be fetched. ``str(error)`` is for the page that shows it (the
    feed's); ``reason`` is a short code: refused, too_large, timeout, too_many_redirects, bad_url,
    http_status or network."""

    def __init__(self, message: str, reason: str = "network", status: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.status = status

    def __reduce__(self):
        return type(self), (str(self), self.reason, self.status)


class Refused(FetchError):
    """The address is one Refrain must not fetch from (not public, or not http/https)."""

    def __init__(self, message: str, reason: str = "refused", status: int | None = None):
        super().__init__(message, "refused")


def shown(text: str, limit: int = 200) -> str:
    """Untrusted text (an address, a header) for a message: control characters dropped, cut, quoted."""
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    return repr(text if len(text) <= limit else text[:limit] + "…")
