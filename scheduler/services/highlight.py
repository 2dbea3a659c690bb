"""Search results as HTML: the matched words of a title or snippet in <mark>, everything else escaped.

The domain finds what matches (``domain.search_text.highlighted``); marking it up is a presentation
step, done once here for the API's ``title_html``/``snippet_html``, the pages and the CLI.
"""

from markupsafe import Markup, escape

from scheduler.domain.search_text import highlighted


def highlight(text: str, terms: list[str], *, limit: int | None = None) -> Markup:
    """The original text, HTML-escaped, with every match wrapped in <mark>…</mark> (see ``highlighted``
    for ``limit``)."""
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if marked else escape(piece)
        for piece, marked in highlighted(text, terms, limit=limit)
    )
