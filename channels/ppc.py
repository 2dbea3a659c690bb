"""PPC: a Google Ads responsive search ad with a UTM-tagged final URL: a short, trackable campaign.
Attached images become the ad group's image assets (payload "images": [{"url", "alt"}])."""
import re
import unicodedata

from .base import Channel, Draft, Length, Media, MissingField, PostContent, Problem
from .registry import register
from .shaping import URL, images_of, is_web_address, media_extra, sentences, shorten, with_utm

HEADLINES, HEADLINE_MAX = (3, 15), 30
DESCRIPTIONS, DESCRIPTION_MAX = (2, 4), 90
PATH_MAX = 15
CLAUSE_BREAK = re.compile(r"\s*[,;:–—]\s+|\s+-\s+|[，；：]")
# used by adapt() only when the source's text is too short to give an ad its minimum
FALLBACK_HEADLINES = ["Learn more", "See how it works", "Start today"]
FALLBACK_DESCRIPTIONS = ["Find out more on our site.", "Read the whole story today."]


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


def count_problems(kind: str, lines: list[str], bounds: tuple[int, int], limit: int) -> list[Problem]:
    low, high = bounds
    plural = f"{kind}s"
    problems = []
    if len(lines) < low:
        problems.append(Problem(f"too_few_{plural}", f"an ad needs at least {low} {plural} (it has {len(lines)})",
                                field=plural))
    if len(lines) > high:
        problems.append(Problem(f"too_many_{plural}", f"an ad takes at most {high} {plural} (it has {len(lines)})",
                                field=plural))
    seen = set()
    for index, line in enumerate(lines, start=1):
        if ads_length(line) > limit:
            problems.append(Problem(f"{kind}_too_long", f"{kind} {index} is {ads_length(line)} characters; the "
                                    f"limit is {limit} (Chinese, Japanese and Korean characters count 2)",
                                    field=plural))
        if line.casefold() in seen:
            problems.append(Problem(f"duplicate_{kind}", f"{kind} {index} repeats an earlier one; Google Ads "
                                    "wants each to be different", field=plural))
        seen.add(line.casefold())
    return problems


class PPC(Channel):
    name = "ppc"
    label = "PPC (Google Ads search)"
    limits = {"headlines": list(HEADLINES), "headline_length": HEADLINE_MAX, "descriptions": list(DESCRIPTIONS),
              "description_length": DESCRIPTION_MAX, "path_length": PATH_MAX}
    extra_fields = {"headlines": list, "descriptions": list, "path1": str, "path2": str, "media": Media}

    def render(self, post):
        link = post.link.strip()
        if not link:
            raise MissingField("link", "an ad needs a final URL (the post's link)")
        final_url = with_utm(link, "google", "cpc", post.campaign) if is_web_address(link) else link
        payload = {"final_url": final_url,
                   "headlines": given_lines(post, "headlines") or derived_headlines(post.title, post.body),
                   "descriptions": given_lines(post, "descriptions") or derived_descriptions(post.title, post.body),
                   "path1": str(post.extra.get("path1") or "").strip(),
                   "path2": str(post.extra.get("path2") or "").strip()}
        images = images_of(post.extra)
        if images:
            payload["images"] = [{"url": image["url"], "alt": image["alt"]} for image in images]
        preview = " | ".join(payload["headlines"][:3]) + "\n" + " ".join(payload["descriptions"][:2])
        return Draft(self.name, payload, f"{preview}\n{final_url}")

    def check(self, post, draft):
        ad = draft.payload
        problems = []
        if not is_web_address(ad["final_url"]):
            problems.append(Problem("bad_final_url", "the final URL must be an http:// or https:// address",
                                    field="link"))
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
                problems.append(Problem("path_too_long", f"{name} is {ads_length(ad[name])} characters; the limit "
                                        f"is {PATH_MAX}", field=name))
            if " " in ad[name] or "/" in ad[name]:
                problems.append(Problem("bad_path", f"{name} cannot hold spaces or '/'", field=name))
        if ad["path2"] and not ad["path1"]:
            problems.append(Problem("path2_without_path1", "Google Ads shows path2 only after path1: fill path1",
                                    field="path1"))
        return problems

    def adapt(self, source):
        """An ad from a post: headlines from its title and sentences, its link as the final URL."""
        headlines = derived_headlines(source.title, source.body)
        descriptions = derived_descriptions(source.title, source.body)
        headlines += [h for h in FALLBACK_HEADLINES if h not in headlines][:max(0, HEADLINES[0] - len(headlines))]
        descriptions += FALLBACK_DESCRIPTIONS[:max(0, DESCRIPTIONS[0] - len(descriptions))]
        return PostContent(channel=self.name, title=source.title, body=source.body, link=source.link,
                           campaign=source.campaign, scheduled_at=source.scheduled_at,
                           extra={"headlines": headlines, "descriptions": descriptions,
                                  **media_extra(images_of(source.extra))})


register(PPC)
