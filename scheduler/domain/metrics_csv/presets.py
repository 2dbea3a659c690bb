"""The mappings of the exports Refrain knows, and a mapping guessed from any other header.

An export is recognised by a few of its column names (its signature); a header no preset fits gets
a mapping from the usual names of keys, metrics and dates, in English and French.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduler.domain.language import N_
from scheduler.domain.metrics_csv.mapping import METRICS, Mapping


def _norm(name: str) -> str:
    """For recognising headers: case, punctuation and spacing ignored ('Impr.' -> 'impr')."""
    return " ".join(re.sub(r"[\W_]+", " ", str(name).casefold()).split())


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    channel: str
    mapping: Mapping
    signature: tuple[str, ...] = ()  # headers (as _norm gives them) that identify the export


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        # analytics.x.com "tweet activity" export (tweet_activity_metrics_<user>_<from>_<to>_en.csv), keyed by
        # the tweet's id: the id X gave Refrain when it published the tweet (its library item's remote id).
        # The permalink would not do: it names the account (twitter.com/<user>/status/<id>) where the link
        # Refrain keeps is X's own (x.com/i/web/status/<id>), so no tweet Refrain published matched by it.
        Preset(
            "x_post_analytics",
            N_("X (Twitter) post analytics"),
            "twitter",
            Mapping(
                "Tweet id",
                "remote_id",
                {
                    "impressions": "impressions",
                    "clicks": "url clicks",
                    "likes": "likes",
                    "replies": "replies",
                    "shares": "retweets",
                },
                "time",
            ),
            ("tweet id", "tweet permalink", "tweet text"),
        ),
        # YouTube Studio, Analytics, Advanced mode, Content, export "Table data.csv"; Likes, Shares and
        # Comments are not among the default columns: suggest_mapping adds them when they are there
        Preset(
            "youtube_studio",
            N_("YouTube Studio (Advanced mode, Table data.csv)"),
            "youtube",
            Mapping("Content", "remote_id", {"impressions": "Impressions", "views": "Views"}, "Video publish time"),
            ("content", "video title", "video publish time"),
        ),
        # Mailchimp, Campaigns, Reports, "Export as CSV"
        Preset(
            "newsletter_campaigns",
            N_("Newsletter campaigns report (Mailchimp)"),
            "newsletter",
            Mapping("Subject", "title", {"opens": "Unique Opens", "clicks": "Unique Clicks"}, "Send Date"),
            ("subject", "send date", "unique opens"),
        ),
        # Google Ads, Ads, Download; "Day" is there when the report is segmented by day
        Preset(
            "google_ads",
            N_("Google Ads ad report"),
            "ppc",
            Mapping("Final URL", "link", {"impressions": "Impr.", "clicks": "Clicks", "conversions": "Conversions"}),
            ("final url", "impr"),
        ),
    )
}

# Header names (as _norm gives them) per metric, most specific first.
METRIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "impressions": ("impressions", "impr", "impression", "post impressions", "total impressions"),
    "clicks": ("clicks", "link clicks", "url clicks", "unique clicks", "total clicks", "clics", "clics sur le lien"),
    "likes": ("likes", "like", "reactions", "j aime", "favorites", "favourites", "hearts"),
    "replies": ("replies", "comments", "comments added", "réponses", "reponses", "commentaires"),
    "shares": ("shares", "reposts", "retweets", "partages", "forwards"),
    "views": ("views", "video views", "vues", "plays"),
    "opens": ("opens", "unique opens", "total opens", "ouvertures", "ouvertures uniques"),
    "conversions": ("conversions", "conv", "all conversions", "all conv"),
}
KEY_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "link",
        (
            "tweet permalink",
            "post link",
            "permalink",
            "final url",
            "url",
            "link",
            "post url",
            "video url",
            "landing page",
            "lien",
        ),
    ),
    ("remote_id", ("tweet id", "post id", "video id", "media id", "campaign id", "id")),
    (
        "title",
        (
            "subject",
            "subject line",
            "title",
            "video title",
            "post title",
            "campaign",
            "campaign name",
            "name",
            "titre",
            "objet",
        ),
    ),
)
DATE_SYNONYMS = (
    "date",
    "day",
    "time",
    "send date",
    "sent",
    "publish date",
    "published",
    "publication date",
    "video publish time",
    "posted",
    "created at",
    "date published",
    "jour",
)


def guess_preset(header: list[str]) -> Preset | None:
    """The preset whose export this header looks like, or None."""
    names = {_norm(h) for h in header}
    best = None
    for preset in PRESETS.values():
        if all(name in names for name in preset.signature):
            if best is None or len(preset.signature) > len(best.signature):
                best = preset
    return best


def suggest_mapping(header) -> Mapping | None:
    """The recognised export's mapping, or a guess from the header's names; None without a key and a metric.

    A preset's columns are given as the file spells them; metrics it lacks are added when the file
    has a column for them (YouTube's optional Likes), and those the file lacks are dropped."""
    header = list(header)
    by_norm: dict[str, str] = {}
    for h in header:
        if h.strip():
            by_norm.setdefault(_norm(h), h)
    preset = guess_preset(header)
    key = kind = date_column = None
    metrics: dict[str, str] = {}
    if preset is not None:
        m = preset.mapping
        key = by_norm.get(_norm(m.key_column))
        kind = m.key_kind
        for metric, column in m.metric_columns.items():
            if _norm(column) in by_norm:
                metrics[metric] = by_norm[_norm(column)]
        if m.date_column and _norm(m.date_column) in by_norm:
            date_column = by_norm[_norm(m.date_column)]
    if key is None:
        for key_kind, names in KEY_SYNONYMS:
            found = next((by_norm[n] for n in names if n in by_norm), None)
            if found is not None:
                key, kind = found, key_kind
                break
    if key is None:
        return None
    used = {key, date_column, *metrics.values()}
    for metric in METRICS:
        if metric not in metrics:
            found = next((by_norm[n] for n in METRIC_SYNONYMS[metric] if n in by_norm and by_norm[n] not in used), None)
            if found is not None:
                metrics[metric] = found
                used.add(found)
    if not metrics:
        return None
    if date_column is None:
        date_column = next((by_norm[n] for n in DATE_SYNONYMS if n in by_norm and by_norm[n] not in used), None)
    return Mapping(key, kind, {m: metrics[m] for m in METRICS if m in metrics}, date_column)
