"""PPC: a Google Ads responsive search ad with a UTM-tagged final URL: a short, trackable campaign."""
import unicodedata

from .base import Channel, Draft, Length, MissingField, PostContent, Problem
from .registry import register
from .shaping import is_web_address, sentences, shorten, with_utm

HEADLINES, HEADLINE_MAX = (3, 15), 30
DESCRIPTIONS, DESCRIPTION_MAX = (2, 4), 90
PATH_MAX = 15


def ads_length(text: str) -> int:
    """Google Ads counts double-width characters (Chinese, Japanese, Korean) as 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def derived(post: PostContent, given: str, limit: int, wanted: int) -> list[str]:
    """The lines given by hand, or lines cut from the title and the body's sentences."""
    lines = [line.strip() for line in post.extra.get(given, []) if line.strip()]
    if lines:
        return lines
    candidates = ([post.title] if post.title else []) + sentences(post.body)
    fits = (lambda t: ads_length(t) <= limit)
    found = []
    for text in candidates:
        short = shorten(text, fits, ellipsis="")
        if short and short not in found:
            found.append(short)
    return found[:wanted]


class PPC(Channel):
    name = "ppc"
    label = "PPC (Google Ads search)"
    limits = {"headlines": list(HEADLINES), "headline_length": HEADLINE_MAX, "descriptions": list(DESCRIPTIONS),
              "description_length": DESCRIPTION_MAX, "path_length": PATH_MAX}
    extra_fields = {"headlines": list, "descriptions": list, "path1": str, "path2": str}

    def render(self, post):
        if not post.link:
            raise MissingField("link", "an ad needs a final URL (the post's link)")
        final_url = with_utm(post.link, "google", "cpc", post.campaign) if is_web_address(post.link) else post.link
        payload = {"final_url": final_url,
                   "headlines": derived(post, "headlines", HEADLINE_MAX, HEADLINES[1]),
                   "descriptions": derived(post, "descriptions", DESCRIPTION_MAX, DESCRIPTIONS[1]),
                   "path1": str(post.extra.get("path1") or ""), "path2": str(post.extra.get("path2") or "")}
        preview = " | ".join(payload["headlines"][:3]) + "\n" + " ".join(payload["descriptions"][:2])
        return Draft(self.name, payload, preview + f"\n{final_url}")

    def check(self, post, draft):
        ad, problems = draft.payload, []
        if not is_web_address(post.link):
            problems.append(Problem("bad_final_url", "the final URL must be an http(s) address", field="link"))
        problems += self._count("headline", ad["headlines"], HEADLINES, HEADLINE_MAX)
        problems += self._count("description", ad["descriptions"], DESCRIPTIONS, DESCRIPTION_MAX)
        for name in ("path1", "path2"):
            if ads_length(ad[name]) > PATH_MAX:
                problems.append(Problem("path_too_long", f"{name} is over {PATH_MAX} characters", field=name))
            if " " in ad[name] or "/" in ad[name]:
                problems.append(Problem("bad_path", f"{name} cannot hold spaces or '/'", field=name))
        longest = max((ads_length(h) for h in ad["headlines"]), default=0)
        return Length(longest, HEADLINE_MAX, "characters (longest headline)"), problems

    @staticmethod
    def _count(kind, lines, bounds, limit):
        problems = []
        low, high = bounds
        if len(lines) < low:
            problems.append(Problem(f"too_few_{kind}s", f"an ad needs at least {low} {kind}s (it has {len(lines)})",
                                    field=f"{kind}s"))
        if len(lines) > high:
            problems.append(Problem(f"too_many_{kind}s", f"an ad takes at most {high} {kind}s", field=f"{kind}s"))
        for index, line in enumerate(lines, start=1):
            if ads_length(line) > limit:
                problems.append(Problem(f"{kind}_too_long", f"{kind} {index} is {ads_length(line)} characters; the "
                                        f"limit is {limit} (Chinese characters count 2)", field=f"{kind}s"))
        return problems

    def adapt(self, source):
        """An ad group from a post: headlines from its title and sentences, its link as the final URL."""
        lines = ([source.title] if source.title else []) + sentences(source.body)
        headlines = derived(PostContent(self.name, " ".join(lines)), "none", HEADLINE_MAX, HEADLINES[1])
        descriptions = derived(PostContent(self.name, source.body), "none", DESCRIPTION_MAX, DESCRIPTIONS[1])
        fallback_headlines = ["Learn more", "See how it works", "Start today"]
        fallback_descriptions = ["Find out more on our site.", "Read the full story today."]
        headlines += [h for h in fallback_headlines if h not in headlines][:max(0, HEADLINES[0] - len(headlines))]
        descriptions += fallback_descriptions[:max(0, DESCRIPTIONS[0] - len(descriptions))]
        return PostContent(channel=self.name, title=source.title, body=source.body, link=source.link,
                           campaign=source.campaign, scheduled_at=source.scheduled_at,
                           extra={"headlines": headlines, "descriptions": descriptions})


register(PPC)
