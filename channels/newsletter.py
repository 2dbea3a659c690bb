"""Newsletter: an issue with a subject, a preheader and feature sections taken from Markdown headings.
An attached image illustrates the lead feature (its section gains "image": {"url", "alt"}). Raw HTML in
the Markdown is cleaned to ``channels.sanitising.NEWSLETTER`` (here, and again in the issue's HTML)
unless a manager marked the post as trusted HTML.

Live delivery mails the issue to the confirmed subscribers over SMTP, in batches run by RQ jobs; the
bookkeeping (who got it, retries, one-click unsubscribe) lives in ``scheduler.services.newsletter``, which
the adapter reaches only through the ``mailing_list`` of its delivery context."""

import re
from dataclasses import replace

from channels import feeds
from channels.base import (
    ADDRESS,
    WARNING,
    AccountField,
    Channel,
    Draft,
    Length,
    Media,
    MissingField,
    Outcome,
    PostContent,
    Problem,
)
from channels.credentials import connection_check
from channels.registry import register
from channels.sanitising import NEWSLETTER
from channels.sanitising_markdown import clean_markdown, removal_warnings
from channels.shaping import images_of, media_extra, plain_text, sentences, shorten
from scheduler.domain.language import N_, _
from scheduler.domain.links import is_web_address, untracked_links, with_utm

SUBJECT_MAX, SUBJECT_COMFORT, PREHEADER_MAX = 150, 60, 150
HEADING_MAX, LEAD_SENTENCES = 80, 3
SECTION_HEADING = re.compile(r"^##\s+(.+)$", re.MULTILINE)


def sections(post: PostContent) -> list[dict]:
    """Each '## ' heading starts a section; text before the first heading is the lead feature,
    headed by the subject, since an issue's first block needs a heading like the others."""
    body = post.body.strip()
    starts = list(SECTION_HEADING.finditer(body))
    lead = body[: starts[0].start()].strip() if starts else body
    found = [{"heading": post.title.strip(), "body": lead, "link": ""}] if lead else []
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(body)
        found.append({"heading": match.group(1).strip(), "body": body[match.end() : end].strip(), "link": ""})
    if found and post.link:
        found[0]["link"] = post.link
    images = images_of(post.extra)
    if found and images:
        found[0]["image"] = {"url": images[0]["url"], "alt": images[0]["alt"]}
    return found


def preheader(post: PostContent, parts: list[dict]) -> str:
    """Given by hand, or the first sentence of the first section's text (never a heading)."""
    given = str(post.extra.get("preheader") or "").strip()
    if given:
        return given
    first = next((sentences(s["body"])[0] for s in parts if sentences(s["body"])), "")
    return shorten(first, lambda t: len(t) <= PREHEADER_MAX)


def text_version(parts: list[dict]) -> str:
    """The plain-text part of the email, for clients that do not show HTML."""
    return "\n\n".join(
        f"{s['heading']}\n\n{plain_text(s['body'])}" + (f"\n\n{s['link']}" if s["link"] else "") for s in parts
    )


class Newsletter(Channel):
    name = "newsletter"
    label = N_("Newsletter")
    limits = {"subject": SUBJECT_MAX, "subject_comfortable": SUBJECT_COMFORT, "preheader": PREHEADER_MAX}
    extra_fields = {"preheader": str, "media": Media}
    feed_content_type = "email"

    def account_problems(self, settings, secrets_given):
        """A login over a connection without TLS would send the password in the clear: refused."""
        if settings.get("user") and str(settings.get("security") or "starttls").strip().lower() == "none":
            return {
                "security": _(
                    "must be starttls or ssl when the server needs a login: Refrain does not send a "
                    "password over a connection without TLS"
                )
            }
        return {}

    def render(self, post):
        subject = " ".join(post.title.split())  # one line: a header cannot hold a line break
        if not subject:
            raise MissingField("title", _("an issue needs a subject (the post's title)"))
        if not post.trusted_html:  # raw HTML a mail client should not get is taken out, of the text version too
            post = replace(post, body=clean_markdown(post.body, NEWSLETTER))
        parts = sections(post)
        payload = {
            "subject": subject,
            "preheader": preheader(post, parts),
            "sections": parts,
            "text": text_version(parts),
        }
        if post.trusted_html:  # the issue's HTML is made when it is mailed: it must know
            payload["trusted_html"] = True
        return Draft(self.name, payload, f"{subject}\n{payload['preheader']}\n\n{payload['text']}")

    def check(self, post, draft):
        payload, problems = draft.payload, []
        subject = payload["subject"]
        if len(subject) > SUBJECT_MAX:
            problems.append(
                Problem(
                    "subject_too_long",
                    _(
                        "the subject has %(count)s characters, %(n)s over the limit of %(subject_max)s",
                        count=len(subject),
                        n=len(subject) - SUBJECT_MAX,
                        subject_max=SUBJECT_MAX,
                    ),
                    field="title",
                )
            )
        elif len(subject) > SUBJECT_COMFORT:
            problems.append(
                Problem(
                    "long_subject",
                    _(
                        "subjects over %(subject_comfort)s characters are cut off in most inboxes",
                        subject_comfort=SUBJECT_COMFORT,
                    ),
                    severity=WARNING,
                    field="title",
                )
            )
        if len(payload["preheader"]) > PREHEADER_MAX:
            problems.append(
                Problem(
                    "preheader_too_long",
                    _(
                        "the preheader has %(count)s characters; keep it to %(preheader_max)s",
                        count=len(payload["preheader"]),
                        preheader_max=PREHEADER_MAX,
                    ),
                    field="preheader",
                )
            )
        if not any(s["body"] for s in payload["sections"]):
            problems.append(
                Problem("no_feature", _("an issue needs at least one feature section: write the body"), field="body")
            )
        for link in dict.fromkeys(untracked_links(f"{post.body}\n{post.link}")):
            problems.append(
                Problem(
                    "untracked_link",
                    _(
                        "%(link)s has no UTM tags: add "
                        "utm_source=newsletter&utm_medium=email&utm_campaign=… so its clicks can be "
                        "counted",
                        link=link,
                    ),
                    severity=WARNING,
                    field="link" if link == post.link else "body",
                )
            )
        problems += removal_warnings(post, NEWSLETTER)
        return Length(len(subject), SUBJECT_MAX, "characters"), problems

    def adapt(self, source):
        """A feature section: the source's headline, its first sentences, and its link (tagged) to read on."""
        first = sentences(source.body)
        headline = source.title or (first[0] if first else "")
        heading = shorten(headline, lambda t: len(t) <= HEADING_MAX)
        lead = " ".join(first[:LEAD_SENTENCES]) or plain_text(source.body)
        if source.link:  # it becomes the call to action
            lead = " ".join(lead.replace(source.link, "").split())
        link = (
            with_utm(source.link, "newsletter", "email", source.campaign)
            if is_web_address(source.link)
            else source.link
        )
        return PostContent(
            channel=self.name,
            title=shorten(heading, lambda t: len(t) <= SUBJECT_COMFORT),
            body=f"## {heading}\n\n{lead}",
            link=link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={
                "preheader": shorten(lead, lambda t: len(t) <= PREHEADER_MAX),
                **media_extra(images_of(source.extra)[:1]),
            },
        )

    account_fields = (
        AccountField(
            "host", N_("SMTP server"), help=N_("the host name of your mail provider's SMTP server"), kind=ADDRESS
        ),
        AccountField("port", N_("SMTP port"), default="587", help=N_("587 with STARTTLS, 465 with SSL"), kind=ADDRESS),
        AccountField(
            "security", N_("Connection security"), default="starttls", help=N_("starttls, ssl or none"), kind=ADDRESS
        ),
        AccountField("user", N_("SMTP user name"), required=False, help=N_("leave empty if the server needs no login")),
        AccountField("password", N_("SMTP password"), secret=True, required=False),
        AccountField("from_address", N_("From address"), help="newsletter@example.com"),
        AccountField("from_name", N_("From name"), required=False),
        AccountField("reply_to", N_("Reply-To address"), required=False),
    )

    def deliver_live(self, draft, post, context):
        """Writes down who is to receive the issue and queues its batches, through the context's mailing list
        (the app's side: subscribers, rows, batch jobs); the batch jobs do the mailing."""
        if post.id is None:
            return Outcome.rejected(_("only a saved post (one with an id) can be mailed"))
        mailing_list = context.mailing_list
        if mailing_list is None:
            return Outcome.rejected(
                _("the delivery came without a mailing list to send the issue to: nobody was mailed")
            )
        problem = mailing_list.settings_problem(context.account)
        if problem:
            return Outcome.rejected(_("%(problem)s: fix it on the Accounts page", problem=problem))
        recipients, batches = mailing_list.start_issue(post.id, draft.payload, context.account)
        return Outcome.published(
            remote_id=f"issue-{post.id}",
            message=_(
                "queued for %(recipients)s subscribers in %(batches)s batches", recipients=recipients, batches=batches
            ),
        )

    @connection_check
    def check_connection(self, context):
        """The SMTP login (connect, STARTTLS or SSL, AUTH, quit: no mail sent), done by the app's mail
        service (``context.mailing_list.check_login``), which owns the guarded SMTP connection."""
        if context.mailing_list is None:
            return Outcome.rejected(_("the check came without the app's mail service: nothing was tested"))
        return context.mailing_list.check_login(context.account)

    def read_feed_entry(self, entry):
        """A newsletter's archive feed: each issue, whole (its content rather than its summary, when given)."""
        return feeds.content_item(entry, "email", summary=feeds.full_content(entry) or feeds.summary_of(entry))


register(Newsletter)
