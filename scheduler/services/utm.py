"""The UTM link builder: what a campaign's links need to be counted, tagged consistently."""

from channels.ppc import utm_link
from scheduler.services.validation import Reader

REQUIRED_TAGS = ("source", "medium", "campaign")
OPTIONAL_TAGS = ("content", "term")


def tag_link(data) -> str:
    """``url`` with its UTM tags; source, medium and campaign are required, content and term optional."""
    reader = Reader(dict(data))
    url = reader.text("url", max_length=2000)
    if url and not url.lower().startswith(("http://", "https://")):
        reader.fail("url", "must be an http:// or https:// address")
    tags = [reader.text(name, max_length=200) for name in REQUIRED_TAGS]
    tags += [reader.text(name, required=False, max_length=200) for name in OPTIONAL_TAGS]
    reader.done()
    return utm_link(url, *tags)
