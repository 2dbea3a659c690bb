"""The database schema, one module per area; every model is imported here.

SQLAlchemy resolves relationships by class name and Alembic compares the database with
``Base.metadata``: both need every model's module imported, which importing this package does.
So models are imported from here (``from scheduler.models import Post``), and so is ``Base`` whenever
all the tables must be known. Times are stored as UTC and always come back time-zone aware
(``base.UTCDateTime``).
"""

from scheduler.models.accounts import ChannelAccount
from scheduler.models.base import Base
from scheduler.models.contests import Contest, ContestIdea
from scheduler.models.interactions import Interaction, InteractionKind, InteractionMapping, ScriptPattern
from scheduler.models.kpis import Kpi
from scheduler.models.library import ContentItem, Feed, ItemMetric, MetricImport, MetricMapping
from scheduler.models.media import MediaFile
from scheduler.models.newsletter import NewsletterIssue, NewsletterSend, ReferralCode, Subscriber
from scheduler.models.people import ApiToken, AuditEvent, CalendarLink, User
from scheduler.models.plans import Commitment, Plan, Post, PostEvent, PostReview, PostSet
from scheduler.models.reports import PostCount, RepetitionResult
from scheduler.models.style import StyleEntry, StyleEntryVersion
from scheduler.models.webhooks import Webhook, WebhookDelivery, WebhookEvent, WebhookMark

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "CalendarLink",
    "ChannelAccount",
    "Commitment",
    "ContentItem",
    "Contest",
    "ContestIdea",
    "Feed",
    "Interaction",
    "InteractionKind",
    "InteractionMapping",
    "ItemMetric",
    "Kpi",
    "MediaFile",
    "MetricImport",
    "MetricMapping",
    "NewsletterIssue",
    "NewsletterSend",
    "Plan",
    "Post",
    "PostCount",
    "PostEvent",
    "PostReview",
    "PostSet",
    "ReferralCode",
    "RepetitionResult",
    "ScriptPattern",
    "StyleEntry",
    "StyleEntryVersion",
    "Subscriber",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookMark",
]
