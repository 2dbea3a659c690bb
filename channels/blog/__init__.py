"""Blog: a Markdown file with front matter, the shape static-site generators (Hugo, Jekyll) read.

One registered adapter, in a package of its seams: the Markdown and its front matter
(``rendering``), what the live targets share (``targets``: the account, when a post goes out) and each
target, where the account's ``target`` says live delivery goes:
- folder (``folder``): a Hugo or Jekyll site's content folder, committed when it is a git repository;
- wordpress (``wordpress``): the REST API with an application password, the Markdown rendered as HTML;
  it can take a post ahead of its time (``future``), and be asked whether the account works;
- micropub (``micropub``): a form-encoded h-entry to the site's Micropub endpoint with a bearer token.
"""

from channels import feeds
from channels.base import WARNING, Channel, Draft, Length, MissingField, Outcome, PostContent, Problem, as_utc
from channels.blog.checks import CHECKS
from channels.blog.folder import deliver_to_folder
from channels.blog.micropub import deliver_to_micropub
from channels.blog.rendering import SLUG_MAX, body_of, front_matter, illustrated, slugify, word_count
from channels.blog.targets import ACCOUNT_FIELDS, TARGETS
from channels.blog.wordpress import check_wordpress_connection, deliver_to_wordpress, withdraw_from_wordpress
from channels.credentials import connection_check
from channels.registry import register
from channels.sanitising import BLOG
from channels.sanitising_markdown import removal_warnings
from channels.shaping import images_of, sentences, shorten
from scheduler.domain.language import N_, _

SHORT_POST_WORDS, TITLE_MAX, ADAPTED_TITLE_MAX = 50, 200, 90

DELIVERIES = {
    "folder": deliver_to_folder,
    "wordpress": deliver_to_wordpress,
    "micropub": deliver_to_micropub,
}
# what a target does besides delivering, where it can: test its connection, take a post ahead of its
# time (and take it back when it is cancelled); the others keep the base's answers
CONNECTION_CHECKS = {**CHECKS, "wordpress": check_wordpress_connection}
WITHDRAWALS = {"wordpress": withdraw_from_wordpress}
SCHEDULING_TARGETS = {"wordpress"}


def target_of(account) -> str:
    return account.setting("target", "folder").strip().lower() if account is not None else ""


class Blog(Channel):
    name = "blog"
    label = N_("Blog")
    limits = {"title": TITLE_MAX, "short_post_words": SHORT_POST_WORDS, "slug": SLUG_MAX}
    extra_fields = {"tags": list, "slug": str}
    feed_content_type = "article"

    def render(self, post):
        title = " ".join(post.title.split())
        if not title:
            raise MissingField("title", _("a blog post needs a title"))
        slug = slugify(post.extra.get("slug") or title)
        when = as_utc(post.scheduled_at)
        matter = {
            "title": title,
            "date": when.isoformat() if when else None,
            "slug": slug,
            "tags": [" ".join(tag.split()) for tag in post.extra.get("tags") or [] if tag.strip()],
        }
        if post.link:
            matter["canonical_url"] = post.link
        markdown = front_matter(matter) + "\n" + body_of(post) + "\n"
        day = when.date().isoformat() if when else "undated"
        payload = {"slug": slug, "filename": f"{day}-{slug}.md", "front_matter": matter, "markdown": markdown}
        return Draft(self.name, payload, f"{title}\n\n{post.body.strip()}")

    def check(self, post, draft):
        problems = []
        words = word_count(post.body)
        title = draft.payload["front_matter"]["title"]
        if len(title) > TITLE_MAX:
            problems.append(
                Problem(
                    "title_too_long",
                    _(
                        "the title has %(count)s characters; keep it under %(title_max)s",
                        count=len(title),
                        title_max=TITLE_MAX,
                    ),
                    field="title",
                )
            )
        if not post.body.strip():
            problems.append(Problem("empty", _("the post has no body"), field="body"))
        elif words < SHORT_POST_WORDS:
            problems.append(
                Problem(
                    "short_post",
                    _(
                        "%(words)s words: a blog post usually needs at least %(short_post_words)s",
                        words=words,
                        short_post_words=SHORT_POST_WORDS,
                    ),
                    severity=WARNING,
                    field="body",
                )
            )
        problems += removal_warnings(post, BLOG)
        return Length(words, SHORT_POST_WORDS, "words (minimum)"), problems

    def adapt(self, source):
        """A post built around the source: its text as the lead, a link back to it, its tags kept."""
        first = sentences(source.body)
        title = shorten(source.title or (first[0] if first else ""), lambda t: len(t) <= ADAPTED_TITLE_MAX)
        body = illustrated(source.body.strip(), source.link, images_of(source.extra), title)
        if source.link and source.link not in body:
            body += f"\n\n[Read the original]({source.link})"
        tags = source.extra.get("tags") if isinstance(source.extra.get("tags"), list) else []
        return PostContent(
            channel=self.name,
            title=title,
            body=body,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={"tags": list(tags)},
        )

    account_fields = ACCOUNT_FIELDS

    def deliver_live(self, draft, post, context):
        """To the account's target: a static site's folder, WordPress, or a Micropub endpoint."""
        target = target_of(context.account)
        if target not in DELIVERIES:
            return Outcome.rejected(
                _(
                    "the blog account's target is %(target)s: use one of %(join)s",
                    target=repr(target),
                    join=", ".join(TARGETS),
                )
            )
        return DELIVERIES[target](draft, post, context)

    @connection_check
    def check_connection(self, context):
        """The account's target, asked without publishing (``checks``, WordPress's own)."""
        target = target_of(context.account)
        if target not in DELIVERIES:
            return Outcome.rejected(
                _(
                    "the blog account's target is %(target)s: use one of %(join)s",
                    target=repr(target),
                    join=", ".join(TARGETS),
                )
            )
        return CONNECTION_CHECKS[target](context)

    def schedules_ahead(self, account):
        return target_of(account) in SCHEDULING_TARGETS

    def withdraw(self, post, context):
        withdraw = WITHDRAWALS.get(target_of(context.account))
        return withdraw(post, context) if withdraw else super().withdraw(post, context)

    def read_feed_entry(self, entry):
        """A blog's feed (WordPress RSS, say): the whole article (content:encoded) rather than the
        excerpt when the feed gives it, since adapting reads the text; the comment count as replies."""
        return feeds.content_item(
            entry,
            "article",
            summary=feeds.full_content(entry) or feeds.summary_of(entry),
            metrics=feeds.metrics(replies=entry.get("slash_comments")),
        )


register(Blog)
