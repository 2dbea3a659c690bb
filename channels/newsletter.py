"""Newsletter: an issue with a subject, a preheader and feature sections taken from Markdown headings."""
import re

from .base import Channel, Draft, Length, MissingField, PostContent, Problem, WARNING
from .registry import register
from .shaping import plain_text, sentences, shorten, untracked_links

SUBJECT_MAX, SUBJECT_COMFORT, PREHEADER_MAX = 150, 60, 150
HEADING = re.compile(r"^##\s+(.+)$", re.MULTILINE)


def sections(post: PostContent) -> list[dict]:
    """Each '## ' heading starts a section; text before the first heading is the lead feature."""
    body = post.body.strip()
    found = []
    starts = list(HEADING.finditer(body))
    lead = body[:starts[0].start()].strip() if starts else body
    if lead:
        found.append({"heading": post.title.strip(), "body": lead, "link": ""})
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(body)
        found.append({"heading": match.group(1).strip(), "body": body[match.end():end].strip(), "link": ""})
    if found and post.link:
        found[0]["link"] = post.link
    return found


def preheader(post: PostContent) -> str:
    given = str(post.extra.get("preheader") or "").strip()
    if given:
        return given
    first = sentences(post.body)
    return shorten(first[0], lambda t: len(t) <= PREHEADER_MAX) if first else ""


class Newsletter(Channel):
    name = "newsletter"
    label = "Newsletter"
    limits = {"subject": SUBJECT_MAX, "subject_comfortable": SUBJECT_COMFORT, "preheader": PREHEADER_MAX}
    extra_fields = {"preheader": str}

    def render(self, post):
        if not post.title.strip():
            raise MissingField("title", "an issue needs a subject (the post's title)")
        parts = sections(post)
        text = "\n\n".join(f"{s['heading']}\n\n{plain_text(s['body'])}" + (f"\n{s['link']}" if s["link"] else "")
                           for s in parts)
        payload = {"subject": post.title.strip(), "preheader": preheader(post), "sections": parts, "text": text}
        return Draft(self.name, payload, f"{payload['subject']}\n{payload['preheader']}\n\n{text}")

    def check(self, post, draft):
        payload, problems = draft.payload, []
        subject = payload["subject"]
        if len(subject) > SUBJECT_MAX:
            problems.append(Problem("subject_too_long", f"the subject has {len(subject)} characters; keep it under "
                                    f"{SUBJECT_MAX}", field="title"))
        elif len(subject) > SUBJECT_COMFORT:
            problems.append(Problem("long_subject", f"subjects over {SUBJECT_COMFORT} characters are cut off in "
                                    "most inboxes", severity=WARNING, field="title"))
        if len(payload["preheader"]) > PREHEADER_MAX:
            problems.append(Problem("preheader_too_long", f"the preheader has more than {PREHEADER_MAX} characters",
                                    field="preheader"))
        if not payload["sections"] or not any(s["body"] for s in payload["sections"]):
            problems.append(Problem("no_feature", "an issue needs at least one feature section: write the body",
                                    field="body"))
        for match in untracked_links(f"{post.body}\n{post.link}"):
            problems.append(Problem("untracked_link", f"{match.group(0)} has no UTM tags: add utm_source="
                                    "newsletter&utm_medium=email&utm_campaign=… so clicks can be counted",
                                    severity=WARNING, field="body"))
        return Length(len(subject), SUBJECT_MAX, "characters"), problems

    def adapt(self, source):
        """A feature block: the source's headline, its first lines, and its link as the call to action."""
        heading = shorten(source.title or source.body, lambda t: len(t) <= 80)
        lead = " ".join(sentences(source.body)[:3]) or source.body
        return PostContent(channel=self.name, title=shorten(heading, lambda t: len(t) <= SUBJECT_COMFORT),
                           body=f"## {heading}\n\n{lead}", link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at, extra={"preheader": shorten(lead, lambda t: len(t) <= 90)})


register(Newsletter)
