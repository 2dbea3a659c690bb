"""Previews rendered: a ``services.previews`` view through its channel's template (templates/previews/).

HTML that a network renders as HTML (the newsletter's mail, the blog's article) is shown in an
``<iframe sandbox srcdoc>``: no script runs in it, it has no origin of its own, and it inherits the
page's Content-Security-Policy, which refuses inline styles. So the mail's inline ``style``
attributes are taken out here, and the frame's document takes its look from one stylesheet of ours
(static/preview_frame.css, allowed as 'self'), which follows templates/newsletter/issue.html.
"""

import re

from flask import render_template, url_for
from markupsafe import Markup, escape

# a style attribute as Jinja and nh3 write them: double-quoted, a quote inside escaped (&#34; / &quot;), so
# it cannot match inside another attribute's value; a text that spells one out loses those words in the
# preview only (never in what is sent)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="[^"]*"')


def rendered(view: dict) -> Markup:
    """The preview's HTML: its channel's template, or what is missing before it can take its shape."""
    if not view.get("ready"):
        return Markup(render_template("previews/_missing.html", p=view))
    if view["channel"] in FRAMES and "html" in view:
        view = {**view, "frame": FRAMES[view["channel"]](view)}
    return Markup(render_template(view["template"], p=view))


def _stylesheet() -> str:
    return f'<link rel="stylesheet" href="{url_for("static", filename="preview_frame.css")}">'


def _newsletter_frame(view: dict) -> str:
    html = _STYLE_ATTRIBUTE.sub("", view["html"])
    head = html.find("</head>")
    return html[:head] + _stylesheet() + html[head:] if head >= 0 else _stylesheet() + html


def _blog_frame(view: dict) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"{_stylesheet()}<title>{escape(view['title'])}</title></head>"
        f'<body class="blog"><article><h1>{escape(view["title"])}</h1>'
        f"{_STYLE_ATTRIBUTE.sub('', view['html'])}</article></body></html>"
    )


FRAMES = {"newsletter": _newsletter_frame, "blog": _blog_frame}
