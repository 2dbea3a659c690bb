"""The UTM link builder: what a campaign's links need to be counted, tagged consistently; and a plan's
own tags, which the editor puts on a post's link when asked ("Tag the link")."""

from channels.ppc import utm_link
from scheduler.domain.language import _
from scheduler.domain.links import is_web_address, with_utm
from scheduler.domain.style_lint.images_and_links import UTM_TAGS
from scheduler.services.plans import slug
from scheduler.services.validation import Reader

SOCIAL = "social"  # utm_medium of the channels the linter names none for: the social networks

REQUIRED_TAGS = ("source", "medium", "campaign")
OPTIONAL_TAGS = ("content", "term")


def tag_link(data) -> str:
    """``url`` with its UTM tags; source, medium and campaign are required, content and term optional."""
    reader = Reader(dict(data))
    url = reader.text("url", max_length=2000)
    if url and not url.lower().startswith(("http://", "https://")):
        reader.fail("url", _("must be an http:// or https:// address"))
    tags = [reader.text(name, max_length=200) for name in REQUIRED_TAGS]
    tags += [reader.text(name, required=False, max_length=200) for name in OPTIONAL_TAGS]
    reader.done()
    return utm_link(url, *tags)


def plan_tags(plan, channel: str) -> dict[str, str]:
    """The tags a plan's links carry on ``channel``: the source and medium the style guide's UTM check
    asks of that channel (the newsletter's, the ads'), else the channel and "social"; the campaign is
    the plan's name as the campaign's slug, as the ads export and "Use on…" name it."""
    source, medium = UTM_TAGS.get(channel, (channel, SOCIAL))
    return {"utm_source": source, "utm_medium": medium, "utm_campaign": slug(plan)}


def tagged_for_plan(link: str, plan, channel: str) -> str:
    """``link`` with the plan's tags for ``channel`` where it has none of its own; a tag already there is
    kept (someone chose it), and anything that is not a web address is left as typed for the checks."""
    link = (link or "").strip()
    if not link or not is_web_address(link):
        return link
    tags = plan_tags(plan, channel)
    return with_utm(link, tags["utm_source"], tags["utm_medium"], tags["utm_campaign"])


def tags_in_words(plan, channel: str) -> str:
    return "&".join(f"{key}={value}" for key, value in plan_tags(plan, channel).items())
