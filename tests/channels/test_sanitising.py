"""HTML that reaches a channel is cleaned to the channel's allow-list: WordPress's HTML, a static site's
Markdown, Micropub's content and the newsletter's mail; a post a manager marked as trusted HTML keeps
its HTML."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels import registry
from channels.base import Account, DeliveryContext
from channels.blog.rendering import html_of
from channels.http import HttpClient
from channels.sanitising import BLOG, NEWSLETTER, allowed_url, clean_html, render_html
from channels.sanitising_markdown import clean_markdown, removed_from
from scheduler.services.newsletter.messages import render_issue
from tests.channels.helpers import DELIVERED_AT, LOCAL, check, codes
from tests.channels.helpers import post as make_post

ATTACKS = {
    "script": ("Hello <script>alert(1)</script> world", "alert(1)"),
    "onerror": ('A picture <img src="https://example.com/a.png" onerror="alert(1)">', "onerror"),
    "javascript link": ('<a href="javascript:alert(1)">click</a>', "javascript:"),
    "markdown javascript link": ("[click](javascript:alert(1)) or <javascript:alert(2)>", 'href="javascript:'),
    "entity javascript link": ("[click](&#106;avascript:alert(1))", 'href="javascript:'),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    "style": ("<style>body { display: none }</style>", "display"),
    "form": ('<form action="https://evil.example/"><input name="card"></form>', "<form"),
}


@pytest.mark.parametrize("allow", [BLOG, NEWSLETTER], ids=["blog", "newsletter"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_what_could_run_or_restyle_a_page_is_removed_from_the_html(allow, attack):
    markdown, trace = ATTACKS[attack]
    html = render_html(markdown, allow)
    assert trace not in html and "<script" not in html and "<style" not in html


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_markdown_a_site_gets_carries_no_script_either(attack):
    markdown, trace = ATTACKS[attack]
    cleaned = clean_markdown(markdown, BLOG)
    assert trace not in cleaned and "](" not in cleaned and "<javascript" not in cleaned
    assert trace not in render_html(cleaned, BLOG, trusted=True)  # what any renderer would make of it


def test_an_articles_markup_reaches_the_blog():
    markdown = (
        "## A heading\n\nSome *emphasis*, **strength**, ~~a change~~, H<sub>2</sub>O and x<sup>2</sup>.\n\n"
        "> A quote\n\n1. one\n2. two\n\n"
        '<figure class="aligncenter"><img src="https://example.com/a.png" alt="A beach" title="Dawn" '
        'width="640" height="480"><figcaption>At dawn</figcaption></figure>\n\n'
        "| Left | Right |\n|:--|--:|\n| a | 1 |\n\n"
        '```python\nprint("<b>")\n```\n\n'
        '[a link](https://example.com "its title") and <a href="https://ad.example/" rel="sponsored nofollow">an ad</a>'
        "\n\n<!--more-->\n"
    )
    html = html_of(markdown)
    for kept in (
        "<h2>A heading</h2>",
        "<em>emphasis</em>",
        "<strong>strength</strong>",
        "<s>a change</s>",
        "<sub>2</sub>",
        "<sup>2</sup>",
        "<blockquote>",
        "<ol>",
        '<figure class="aligncenter">',
        '<img src="https://example.com/a.png" alt="A beach" title="Dawn" width="640" height="480">',
        "<figcaption>At dawn</figcaption>",
        '<th style="text-align:right">Right</th>',
        '<code class="language-python">print("&lt;b&gt;")',
        '<a href="https://example.com" title="its title">a link</a>',
        'rel="sponsored nofollow"',
        "<!--more-->",
    ):
        assert kept in html
    assert clean_markdown(markdown, BLOG) == markdown and removed_from(markdown, BLOG) == []


def test_links_in_the_newsletter_give_the_opened_page_no_hold_on_the_mail():
    html = clean_html('<a href="https://example.com/" target="_blank" class="x" style="color:red">read</a>', NEWSLETTER)
    assert html == '<a href="https://example.com/" rel="noopener noreferrer">read</a>'


def test_code_showing_html_stays_byte_for_byte_around_the_html_that_is_cleaned():
    markdown = (
        'Write `<script>alert(1)</script>` to break a page, or <b onclick="steal()">this</b>.\r\n\r\n'
        "```html\n<script src=evil.js></script>\n```\n\n"
        "    <iframe src=x></iframe>\n\n"
        "> quoted <img src=x onerror=alert(1)>\n"
        "- in a list\n  <div onclick=x>\n  inside\n  </div>\n\n"
        "| cell | <i onmouseover=x>other</i> |\n|---|---|\n| `<i onmouseover=x>` | <u>kept</u> |\n"
    )
    assert clean_markdown(markdown, BLOG) == (
        "Write `<script>alert(1)</script>` to break a page, or <b>this</b>.\r\n\r\n"
        "```html\n<script src=evil.js></script>\n```\n\n"
        "    <iframe src=x></iframe>\n\n"
        '> quoted <img src="x">\n'
        "- in a list\n  <div>\n  inside\n  </div>\n\n"
        "| cell | <i>other</i> |\n|---|---|\n| `<i onmouseover=x>` | <u>kept</u> |\n"
    )


def test_html_split_around_markdown_keeps_its_shape():
    markdown = '<div class="note" onclick="x()">\n\n**Inside**, in Markdown.\n\n</div>\n'
    assert clean_markdown(markdown, BLOG) == '<div class="note">\n\n**Inside**, in Markdown.\n\n</div>\n'


def test_tags_that_could_hide_a_tag_from_the_cleaner_are_taken_out():
    for markdown in (
        "<!-- x --!> <img src=x onerror=alert(1)> -->",
        "<? x > <img src=x onerror=alert(1)> ?>",
        "text <![CDATA[ > <img src=x onerror=alert(1)> ]]> more",
        "<scr<script>ipt>alert(1)</script>",
    ):
        cleaned = clean_markdown(markdown, BLOG)
        assert "onerror" not in cleaned and "alert" not in cleaned


def test_a_blog_post_with_raw_html_is_warned_about_and_goes_out_clean():
    body = "Word " * 60 + '\n\n<script>alert(1)</script> <img src="https://example.com/a.png" onerror="x()">'
    result = check("blog", body, title="T")
    warning = next(p for p in result.problems if p.code == "raw_html_removed")
    assert warning.severity == "warning" and warning.field == "body"
    assert warning.message == (
        "<script> and onerror= will be removed on the blog: mark the post as trusted HTML (managers) to keep it"
    )
    assert "<script>" not in result.draft.payload["markdown"]
    assert '<img src="https://example.com/a.png">' in result.draft.payload["markdown"]


def test_a_trusted_blog_post_keeps_its_html_and_is_not_warned():
    body = "Word " * 60 + '\n\n<script src="https://widgets.example/embed.js"></script>'
    result = check("blog", body, title="T", trusted_html=True)
    assert "raw_html_removed" not in codes(result)
    assert '<script src="https://widgets.example/embed.js"></script>' in result.draft.payload["markdown"]
    assert '<script src="https://widgets.example/embed.js"></script>' in html_of(body, trusted=True)


def deliver(post, tmp_path, settings, secrets):
    adapter = registry.get("blog")
    draft = adapter.validate(post).draft
    account = Account(1, "blog", "my blog", settings=settings, secrets=secrets)
    context = DeliveryContext(
        "live",
        tmp_path / "outbox",
        account=account,
        http=HttpClient(allow=LOCAL, timeout=2),
        idempotency_key=f"refrain-post-{post.id}",
        now=DELIVERED_AT,
        export_root=tmp_path,
    )
    return adapter.deliver(draft, post, context)


BODY = 'Read on.\n\n<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">here</a> `<script>`\n'


@pytest.mark.parametrize("trusted", [False, True], ids=["untrusted", "trusted"])
def test_wordpress_gets_the_cleaned_html_unless_trusted(service, tmp_path, trusted):
    root = service.url + "/wp-json/"
    service.answer("HEAD", "/", 200, "", headers={"Link": f'<{root}>; rel="https://api.w.org/"'})
    service.answer("GET", "/wp-json/wp/v2/posts", 200, [])
    service.answer("POST", "/wp-json/wp/v2/posts", 201, {"id": 3, "link": "https://blog.example/?p=3"})
    settings = {"target": "wordpress", "site_url": service.url + "/", "user": "ann"}
    post = make_post("blog", BODY, title="Safe", id=7, trusted_html=trusted)
    assert deliver(post, tmp_path, settings, {"app_password": "abcd efgh"}).status == "published"
    content = service.received("POST", "/wp-json/wp/v2/posts")[0].json()["content"]
    assert ("<script>alert(1)</script>" in content) is trusted and ("javascript:" in content) is trusted
    assert "<code>&lt;script&gt;</code>" in content


def test_a_sites_folder_and_micropub_get_the_markdown_cleaned(service, tmp_path):
    post = make_post("blog", BODY, title="Safe", id=7)
    (tmp_path / "site").mkdir()
    assert deliver(post, tmp_path, {"target": "folder", "folder": "site"}, {}).status == "published"
    written = next((tmp_path / "site").rglob("*.md")).read_text()
    service.answer("POST", "/micropub", 201, "", headers={"Location": "/posts/7"})
    settings = {"target": "micropub", "micropub_endpoint": service.url + "/micropub"}
    assert deliver(post, tmp_path, settings, {"micropub_token": "tok"}).status == "published"
    content = service.received("POST", "/micropub")[0].form()["content"]
    for markdown in (written, content):
        assert "alert" not in markdown and "onclick" not in markdown and "<a>here</a> `<script>`" in markdown


def test_the_newsletter_is_warned_about_and_mails_clean_html_unless_trusted():
    body = 'Lead.\n\n## News\n\n<iframe src="https://evil.example/"></iframe><b onclick="x()">Bold</b> [more](https://e.example)'
    result = check("newsletter", body, title="June")
    assert "raw_html_removed" in codes(result)
    _text, html = render_issue(result.draft.payload, None)
    assert "iframe" not in html and "onclick" not in html and "<b>Bold</b>" in html
    assert '<a href="https://e.example" rel="noopener noreferrer">more</a>' in html

    trusted = check("newsletter", body, title="June", trusted_html=True)
    assert "raw_html_removed" not in codes(trusted)
    _text, html = render_issue(trusted.draft.payload, None)
    assert '<iframe src="https://evil.example/"></iframe><b onclick="x()">Bold</b>' in html


def test_markdown_read_two_ways_is_cleaned_both_ways():
    """Read by the spec, the first line defines a link and the second is code; read by markdown-it (which
    refuses javascript: links), both are one paragraph holding a tag: cleaned as either reads it."""
    markdown = "[r]: javascript:z\n    [<A HREF='javascript:x'>"
    assert "javascript:x" not in render_html(clean_markdown(markdown, BLOG), BLOG, trusted=True)


PIECES = [
    "<script>", "</script>", "alert(1)", "<img src=x onerror=alert(1)>", '<a href="javascript:x">', "</a>", "`",
    "```", "\n", "\n\n", "> ", "- ", "1. ", "  ", "\t", "    ", "\r\n", "| a | b |\n|---|---|\n| ", " | ", "\\|",
    "[l](javascript:y)", "[l](https://ok)", "![i](javascript:z)", "<javascript:q>", "[r]: javascript:z\n", "[r]",
    "<div onclick=z>", "</div>", "<!--", "-->", "<?", "?>", "<![CDATA[", "]]>", "<", ">", "# ", "===\n", "text",
    "<b>", "</b>", "<style>", "</style>", "<iframe>", "<scr", "ipt>", "<svg onload=alert(1)>", "*", "_", "[", "]",
    "(", ")", '"', "'", "=", '<p style="x" class="y">', "&#106;", "<A HREF='javascript:x'>", "<!-- ok -->",
]  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.unsafe = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name not in BLOG.attributes.get(tag, ()) or (name in ("href", "src") and not allowed_url(value, BLOG)):
                self.unsafe.append((tag, name, value))
        if tag not in BLOG.tags:
            self.unsafe.append(tag)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_whatever_the_markdown_what_a_renderer_makes_of_the_cleaned_one_is_allowed(pieces):
    cleaned = clean_markdown("".join(pieces), BLOG)
    tags = _Tags()
    tags.feed(render_html(cleaned, BLOG, trusted=True))
    assert tags.unsafe == [] and clean_markdown(cleaned, BLOG) == cleaned
