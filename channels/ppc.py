"""PPC: a Google Ads responsive search ad with a UTM-tagged final URL: a short, trackable campaign.
Attached images become the ad group's image assets (payload "images": [{"url", "alt"}]).

Live delivery does not call the Google Ads API (that takes a developer token, an approved manager account
and OAuth): it exports the ads as a CSV that Google Ads Editor imports (Account → Import → From file),
one file per campaign, one row per ad, in the editor's own column names. The file is UTF-8 with a byte
order mark, one of the two encodings the editor reads (the other is UTF-16), which also makes
spreadsheets read it as UTF-8. Which post each row came from is kept beside the files, so delivering a
post again replaces its row instead of adding a second one, and rows or files Refrain did not write are
never replaced (``ppc_export``).
Attached images are not exported (image assets are added in the editor). ``utm_link`` is the UTM link
builder (here rather than in ``shaping``, whose ``with_utm`` only fills in missing tags).
"""

import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from channels.base import (
    FOLDER,
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
from channels.exports import EXPORT_ROOT_SETTING, OutsideExports, export_folder, folder_check
from channels.ppc_export import ForeignFile, export
from channels.registry import register
from channels.shaping import ascii_slug, images_of, media_extra, sentences, shorten
from scheduler.domain.language import N_, _
from scheduler.domain.links import URL, is_web_address, with_utm

HEADLINES, HEADLINE_MAX = (3, 15), 30
DESCRIPTIONS, DESCRIPTION_MAX = (2, 4), 90
PATH_MAX = 15
CLAUSE_BREAK = re.compile(r"\s*[,;:–—]\s+|\s+-\s+|[，；：]")
# used by adapt() only when the source's text is too short to give an ad its minimum
FALLBACK_HEADLINES = ["Learn more", "See how it works", "Start today"]
FALLBACK_DESCRIPTIONS = ["Find out more on our site.", "Read the whole story today."]
# Google Ads Editor's column names for a responsive search ad
EDITOR_COLUMNS = (
    ["Campaign", "Ad group", "Ad type"]
    + [f"Headline {n}" for n in range(1, HEADLINES[1] + 1)]
    + [f"Description {n}" for n in range(1, DESCRIPTIONS[1] + 1)]
    + ["Path 1", "Path 2", "Final URL", "Status"]
)
AD_TYPE = "Responsive search ad"
AD_STATUSES = ("Enabled", "Paused")
EXPORTED = N_("exported for Google Ads Editor: upload it with the editor (Refrain does not upload ads by API)")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def utm_link(
    url: str, source: str, medium: str, campaign: str, content: str = "", term: str = "", replace: bool = True
) -> str:
    """A link builder: ``url`` with the given UTM tags (empty ones left out), every other parameter kept
    in its order. A tag already in the link takes the new value in place, or with ``replace=False`` is
    kept as it is (someone chose it) and only the missing tags are added."""
    parts = urlsplit(url.strip())
    wanted = {key: value for key, value in zip(UTM_KEYS, (source, medium, campaign, content, term)) if value}
    query, placed = [], set()
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in wanted or not replace:
            query.append((key, value))
            placed.add(key)
        elif key not in placed:  # the new value where the old one was; a repeat of it is dropped
            query.append((key, wanted[key]))
            placed.add(key)
    query += [(key, value) for key, value in wanted.items() if key not in placed]
    return urlunsplit(parts._replace(query=urlencode(query)))


def ads_length(text: str) -> int:
    """Google Ads counts double-width characters (Chinese, Japanese, Korean) as 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fitting_lines(candidates: list[str], limit: int, wanted: int) -> list[str]:
    """Distinct lines within the limit: whole where they fit, else cut at a word (ads take no ellipsis),
    without links (the final URL is the ad's link)."""
    found: list[str] = []
    for text in candidates:
        line = shorten(URL.sub("", text), lambda t: ads_length(t) <= limit, ellipsis="").rstrip(" ,;:")
        if line and line.casefold() not in {f.casefold() for f in found}:
            found.append(line)
        if len(found) == wanted:
            break
    return found


def clauses(text: str) -> list[str]:
    return [part.strip() for part in CLAUSE_BREAK.split(text) if part.strip()]


def derived_headlines(title: str, body: str) -> list[str]:
    """The title, then the body's sentences, then their clauses: short lines make better headlines."""
    lines = sentences(body)
    candidates = ([title] if title.strip() else []) + lines + [c for line in lines for c in clauses(line)]
    return fitting_lines(candidates, HEADLINE_MAX, HEADLINES[1])


def derived_descriptions(title: str, body: str) -> list[str]:
    candidates = sentences(body) + ([title] if title.strip() else [])
    return fitting_lines(candidates, DESCRIPTION_MAX, DESCRIPTIONS[1])


def given_lines(post: PostContent, name: str) -> list[str]:
    return [line.strip() for line in post.extra.get(name) or [] if line.strip()]


# what is said of an ad's headlines and descriptions, each kind in its own sentences
COUNT_SAID = {
    "headline": {
        "few": N_("an ad needs at least %(low)s headlines (it has %(count)s)"),
        "many": N_("an ad takes at most %(high)s headlines (it has %(count)s)"),
        "long": N_(
            "headline %(index)s is %(length)s characters; the limit is %(limit)s (Chinese, Japanese and Korean "
            "characters count 2)"
        ),
        "again": N_("headline %(index)s repeats an earlier one; Google Ads wants each to be different"),
    },
    "description": {
        "few": N_("an ad needs at least %(low)s descriptions (it has %(count)s)"),
        "many": N_("an ad takes at most %(high)s descriptions (it has %(count)s)"),
        "long": N_(
            "description %(index)s is %(length)s characters; the limit is %(limit)s (Chinese, Japanese and "
            "Korean characters count 2)"
        ),
        "again": N_("description %(index)s repeats an earlier one; Google Ads wants each to be different"),
    },
}


def count_problems(kind: str, lines: list[str], bounds: tuple[int, int], limit: int) -> list[Problem]:
    low, high = bounds
    plural = f"{kind}s"
    said = COUNT_SAID[kind]
    problems = []
    if len(lines) < low:
        problems.append(Problem(f"too_few_{plural}", _(said["few"], low=low, count=len(lines)), field=plural))
    if len(lines) > high:
        problems.append(Problem(f"too_many_{plural}", _(said["many"], high=high, count=len(lines)), field=plural))
    seen = set()
    for index, line in enumerate(lines, start=1):
        if ads_length(line) > limit:
            problems.append(
                Problem(
                    f"{kind}_too_long",
                    _(said["long"], index=index, length=ads_length(line), limit=limit),
                    field=plural,
                )
            )
        if line.casefold() in seen:
            problems.append(Problem(f"duplicate_{kind}", _(said["again"], index=index), field=plural))
        seen.add(line.casefold())
    return problems


class PPC(Channel):
    name = "ppc"
    label = N_("PPC (Google Ads search)")
    limits = {
        "headlines": list(HEADLINES),
        "headline_length": HEADLINE_MAX,
        "descriptions": list(DESCRIPTIONS),
        "description_length": DESCRIPTION_MAX,
        "path_length": PATH_MAX,
    }
    extra_fields = {
        "headlines": list,
        "descriptions": list,
        "path1": str,
        "path2": str,
        "ad_group": str,
        "media": Media,
    }
    account_fields = (
        AccountField(
            "folder",
            N_("Export folder"),
            required=False,
            help=N_(
                "where the Google Ads Editor files go (one <campaign>.csv per campaign); empty: the outbox's ppc folder"
            ),
            kind=FOLDER,
        ),
        AccountField(
            "ad_status",
            N_("Status of exported ads"),
            required=False,
            default="Enabled",
            help=N_("Enabled or Paused, as the ads arrive in Google Ads Editor"),
        ),
    )

    def render(self, post):
        link = post.link.strip()
        if not link:
            raise MissingField("link", _("an ad needs a final URL (the post's link)"))
        final_url = with_utm(link, "google", "cpc", post.campaign) if is_web_address(link) else link
        payload = {
            "final_url": final_url,
            "headlines": given_lines(post, "headlines") or derived_headlines(post.title, post.body),
            "descriptions": given_lines(post, "descriptions") or derived_descriptions(post.title, post.body),
            "path1": str(post.extra.get("path1") or "").strip(),
            "path2": str(post.extra.get("path2") or "").strip(),
        }
        images = images_of(post.extra)
        if images:
            payload["images"] = [{"url": image["url"], "alt": image["alt"]} for image in images]
        preview = " | ".join(payload["headlines"][:3]) + "\n" + " ".join(payload["descriptions"][:2])
        return Draft(self.name, payload, f"{preview}\n{final_url}")

    def check(self, post, draft):
        ad = draft.payload
        problems = []
        if not is_web_address(ad["final_url"]):
            problems.append(
                Problem("bad_final_url", _("the final URL must be an http:// or https:// address"), field="link")
            )
        problems += count_problems("headline", ad["headlines"], HEADLINES, HEADLINE_MAX)
        problems += count_problems("description", ad["descriptions"], DESCRIPTIONS, DESCRIPTION_MAX)
        problems += self.path_problems(ad)
        longest = max((ads_length(h) for h in ad["headlines"]), default=0)
        return Length(longest, HEADLINE_MAX, "characters (longest headline)"), problems

    @staticmethod
    def path_problems(ad: dict) -> list[Problem]:
        problems = []
        for name in ("path1", "path2"):
            if ads_length(ad[name]) > PATH_MAX:
                problems.append(
                    Problem(
                        "path_too_long",
                        _(
                            "%(name)s is %(ads_length)s characters; the limit is %(path_max)s",
                            name=name,
                            ads_length=ads_length(ad[name]),
                            path_max=PATH_MAX,
                        ),
                        field=name,
                    )
                )
            if " " in ad[name] or "/" in ad[name]:
                problems.append(Problem("bad_path", _("%(name)s cannot hold spaces or '/'", name=name), field=name))
        if ad["path2"] and not ad["path1"]:
            problems.append(
                Problem("path2_without_path1", _("Google Ads shows path2 only after path1: fill path1"), field="path1")
            )
        return problems

    def adapt(self, source):
        """An ad from a post: headlines from its title and sentences, its link as the final URL."""
        headlines = derived_headlines(source.title, source.body)
        descriptions = derived_descriptions(source.title, source.body)
        headlines += [h for h in FALLBACK_HEADLINES if h not in headlines][: max(0, HEADLINES[0] - len(headlines))]
        descriptions += FALLBACK_DESCRIPTIONS[: max(0, DESCRIPTIONS[0] - len(descriptions))]
        return PostContent(
            channel=self.name,
            title=source.title,
            body=source.body,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra={"headlines": headlines, "descriptions": descriptions, **media_extra(images_of(source.extra))},
        )

    def deliver_live(self, draft, post, context):
        """The ad as a row of its campaign's Google Ads Editor CSV (see the module's notes)."""
        if post.id is None:
            return Outcome.rejected(_("only a saved post (one with an id) can be delivered"))
        status = context.account.setting("ad_status", "Enabled").strip().capitalize()
        if status not in AD_STATUSES:
            return Outcome.rejected(
                _("the PPC account's ad status is %(status)s: use Enabled or Paused", status=repr(status))
            )
        given = context.account.setting("folder").strip()
        if given and context.export_root is None:
            return Outcome.rejected(
                _(
                    "no export folder is set (%(export_root_setting)s): the ads cannot be written",
                    export_root_setting=EXPORT_ROOT_SETTING,
                )
            )
        try:  # checked again at each delivery: a symbolic link may have been made since the account was saved
            folder = export_folder(context.export_root, given) if given else Path(context.outbox_dir) / self.name
        except OutsideExports as refusal:
            return Outcome.rejected(_("%(refusal)s; change the account's Export folder", refusal=refusal))
        row = editor_row(draft.payload, post, status)
        try:
            path, kept = export(folder, post.id, campaign_slug(post.campaign) + ".csv", row, EDITOR_COLUMNS)
        except ForeignFile as refusal:
            return Outcome.rejected(str(refusal))
        except OSError as error:
            return Outcome.retry(_("could not write the Google Ads Editor file: %(error)s", error=error))
        message = _(EXPORTED)
        if kept:
            message = _(
                "%(done)s; %(kept)s rows Refrain did not write are kept in %(file)s as they were",
                done=message,
                kept=kept,
                file=path.name,
            )
        return Outcome.published(remote_id=str(path), url=path.as_uri(), message=message)

    def check_connection(self, context):
        """No credentials (the ads are files for Google Ads Editor): whether the export folder can be written."""
        return folder_check(context, context.account.setting("folder").strip(), Path(context.outbox_dir) / self.name)


# --- the Google Ads Editor export --------------------------------------------------------------------


def campaign_slug(campaign: str) -> str:
    return ascii_slug(campaign) or "refrain"


def ad_group_name(post: PostContent) -> str:
    """The ad group the ad goes in: the post's own setting, else its title, else one per post."""
    given = post.extra.get("ad_group")
    name = " ".join(given.split()) if isinstance(given, str) else ""
    return name or " ".join(post.title.split()) or f"Refrain ad {post.id}"


def editor_row(ad: dict, post: PostContent, status: str) -> dict:
    """One responsive search ad in the editor's columns. The campaign is the plan's slug, as in the UTM tags;
    UTM tags the link already has are kept (they are what the editor previewed), utm_content names the ad group."""
    campaign, group = campaign_slug(post.campaign), ad_group_name(post)
    row = {column: "" for column in EDITOR_COLUMNS}
    row.update(
        {
            "Campaign": post.campaign.strip() or campaign,
            "Ad group": group,
            "Ad type": AD_TYPE,
            "Path 1": ad.get("path1", ""),
            "Path 2": ad.get("path2", ""),
            "Status": status,
            "Final URL": utm_link(
                ad["final_url"], "google", "cpc", campaign, ascii_slug(group) or campaign, replace=False
            ),
        }
    )
    for number, line in enumerate(ad["headlines"][: HEADLINES[1]], start=1):
        row[f"Headline {number}"] = line
    for number, line in enumerate(ad["descriptions"][: DESCRIPTIONS[1]], start=1):
        row[f"Description {number}"] = line
    return row


register(PPC)
