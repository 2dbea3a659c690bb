"""The demo's style guide: guidelines, scripts for customer interactions, term rules, blog topics.

Loaded before the demo's posts, so the posts are checked against it as a real team's would be.
"""

from sqlalchemy import delete, select

from scheduler.models import StyleEntry, StyleEntryVersion
from scheduler.models.database import db
from scheduler.services import style
from scheduler.services.unit_of_work import unit_of_work

AUTHOR = "demo"
ENTRIES = [
    {
        "kind": "guideline",
        "title": "One theme, many voices",
        "body": "Every channel carries the quarter's theme, **Atlas 2.0 winter launch**, but never in the same "
        "words twice in a fortnight. Lead with what the reader gains, then the feature.\n\n"
        "- Tweets: one idea, one link.\n- Newsletter: the feature article covers the theme.\n"
        "- Blog: a topic from the list below, in the reader's language.",
    },
    {
        "kind": "guideline",
        "channel": "twitter",
        "title": "Tweets that work",
        "body": "Short sentences. A question gets replies; a link to a guide gets clicks. Hashtags: one at most.",
    },
    {
        "kind": "guideline",
        "title": "Écrire en français",
        "body": "Vouvoiement, phrases courtes, espace insécable avant : ; ? ! — et « guillemets » français.",
    },
    {
        "kind": "script",
        "channel": "twitter",
        "title": "A complaint on Twitter",
        "body": "1. Answer in public within the hour: *“Sorry about this, @name. We're on it — DM us your account "
        "email?”*\n2. Move to DMs; never ask for a password.\n3. Close in public once solved: "
        "*“Fixed — thanks for your patience.”*",
    },
    {
        "kind": "script",
        "channel": "newsletter",
        "title": "A refund request by email",
        "body": "Thank the customer, confirm the order number, say when the refund lands (5 working days), "
        "and offer the annual plan's discount only if they ask why they are leaving.",
    },
    {
        "kind": "script",
        "title": "Une réclamation en français",
        "body": "« Bonjour, merci de nous l'avoir signalé. Nous regardons tout de suite et revenons vers vous "
        "aujourd'hui. »",
    },
    {
        "kind": "script",
        "title": "处理中文客户投诉",
        "body": "先致歉，再确认问题，一小时内回复；不要在公开渠道索取账户密码。",
    },
    {
        "kind": "term_rule",
        "title": "Plain words: use",
        "avoid": "utilize, utilise, leverage",
        "prefer": "use",
        "body": "plain words read faster",
        "severity": "warning",
    },
    {
        "kind": "term_rule",
        "title": "Never “cheap”",
        "avoid": "cheap, bon marché, 便宜",
        "prefer": "",
        "body": "we are affordable, not cheap",
        "severity": "error",
    },
    {
        "kind": "term_rule",
        "title": "Product name: Atlas 2.0",
        "avoid": "Atlas2, Atlas-2, Atlas v2",
        "prefer": "Atlas 2.0",
        "body": "the product's name is spelled one way",
        "severity": "warning",
    },
    {
        "kind": "term_rule",
        "title": "Promotions carry #ad",
        "rule": "disclosure",
        "requires": "#ad",
        "triggers": ["discount", "promo code", "code promo", "% off", "折扣"],
        "channel": "twitter",
        "body": "paid or promotional posts are disclosed",
        "severity": "error",
    },
    {
        "kind": "term_rule",
        "title": "No e-mail in French",
        "avoid": r"\be-?mails?\b",
        "is_pattern": True,
        "prefer": "courriel",
        "body": "la charte française",
        "severity": "warning",
        "channel": "newsletter",
    },
    {
        "kind": "topic",
        "title": "Product updates",
        "keywords": ["atlas 2.0", "what changed", "lancement", "冬季发布", "release"],
    },
    {
        "kind": "topic",
        "title": "Content planning",
        "keywords": [
            "plan a quarter",
            "editorial calendar",
            "editorial calendars",
            "calendrier éditorial",
            "écrivons",
            "内容规划",
        ],
    },
    {"kind": "topic", "title": "Customer stories", "keywords": ["customer story", "témoignage", "客户故事"]},
]


@unit_of_work
def load() -> int:
    """Replace the demo's guide entries (by their author); returns how many there are."""
    ids = select(StyleEntry.id).where(StyleEntry.updated_by == AUTHOR)
    db.session.execute(delete(StyleEntryVersion).where(StyleEntryVersion.entry_id.in_(ids)))
    db.session.execute(delete(StyleEntry).where(StyleEntry.updated_by == AUTHOR))
    for data in ENTRIES:
        style.create_entry(data, AUTHOR)
    return len(ENTRIES)
