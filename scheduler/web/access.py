"""Who may reach which route: one table, every endpoint of the app in it, checked before each request.

A value is the role a route needs for every method, or ``(to read, to change)``: GET and HEAD need
the first, the other methods the second. ``PUBLIC`` routes need nobody signed in. An endpoint missing
from the table is refused to everyone (and tests/people/test_route_matrix.py fails), so a new route
cannot go out without someone deciding who it is for.
"""

from __future__ import annotations

from scheduler.domain.access import PUBLIC

V, C, M, OWN = "viewer", "creator", "manager", "owner"

ROUTES: dict[str, str | tuple[str, str]] = {
    # open doors: signing in, the newsletter's readers, approval links, the static files
    "static": PUBLIC,
    "people.sign_in": PUBLIC,
    "people.sign_in_code": PUBLIC,  # the second step: only for whoever just passed the first in this browser
    "people.forgot_password": PUBLIC,
    "people.sign_out": PUBLIC,
    "people.set_password": PUBLIC,
    "people.welcome": PUBLIC,
    "newsletter.signup": PUBLIC,
    "newsletter.confirm": PUBLIC,
    "newsletter.unsubscribe": PUBLIC,
    "review.review_page": PUBLIC,  # the signed link in its address is what lets a reviewer in
    "calendar.feed": PUBLIC,  # a calendar app's: the secret in its address stands for its person (and their role)
    # a person's own page and tokens: everyone signed in
    "people.profile": V,
    "people.create_token": V,
    "people.revoke_token": V,
    "people.renew_calendar_link": V,
    "people.revoke_calendar_link": V,
    # two-step sign-in: offered to those who hold the most (approvals, the team's credentials)
    "people.two_step_page": M,
    "people.two_step_off": M,
    # the team, the trail: owners
    "people.team": OWN,
    "people.invite": OWN,
    "people.change_person": OWN,
    "people.password_link": OWN,
    "people.two_step_off_for": OWN,
    "people.audit_page": OWN,
    "api.audit": OWN,
    "api.me": V,
    "mcp.endpoint": V,  # the MCP server over HTTP: every tool checks the role it needs itself (scheduler.mcp)
    "api.openapi": PUBLIC,  # the description of the API, as public as its documentation
    # plans and commitments: managers decide, everyone reads
    "ui.index": V,
    "ui.new_plan": M,
    "ui.edit_plan": M,
    "ui.plan_page": V,
    "ui.theme_check": M,
    "ui.save_commitment": M,
    "ui.delete_commitment": M,
    "ui.calendar_page": V,
    "ui.posts_page": V,
    "ui.report_page": V,
    "ui.evergreen_page": V,
    "ui.accept_rerun": C,
    "api.list_plans": V,
    "api.create_plan": M,
    "api.get_plan": V,
    "api.update_plan": M,
    "api.list_commitments": V,
    "api.set_commitment": M,
    "api.remove_commitment": M,
    "api.compliance": V,
    "api.plan_calendar": V,
    "api.evergreen": V,
    "api.plans_retrospective": V,  # the last quarter looked back on: read by all, shown on managers' new-plan form
    # posts: creators write; overriding a style error is a manager's call
    "ui.new_post": (V, C),
    "ui.edit_post": (V, C),
    "ui.override_post_style": M,
    "ui.undo_cancel": C,
    "ui.delivered_file": V,  # what an outbox delivery wrote: as readable as the post
    "api.list_posts": V,
    "api.create_post": C,
    "api.get_post": V,
    "api.update_post": C,
    "api.cancel_post": C,
    "api.schedule_post": C,
    "api.unschedule_post": C,
    "api.confirm_post": C,
    "api.record_published": C,
    "ui.record_published": C,
    "api.post_events": V,
    "api.override_style": M,
    # one idea, many channels: creators compose and change sets; everyone reads them and their previews
    "ui.compose_page": (V, C),
    "ui.post_set_page": V,
    "ui.change_post_set": C,
    "ui.cancel_post_set": (V, C),
    "ui.post_preview": V,
    "api.create_post_set": C,
    "api.get_post_set": V,
    "api.update_post_set": C,
    "api.cancel_post_set": C,
    "api.preview": V,
    # bulk work on posts: creators (each post is changed as one post is; published ones are refused)
    "ui.bulk_posts_page": C,
    "ui.export_posts": V,
    "ui.import_posts": (C, C),
    "api.bulk_posts_action": C,
    "api.import_posts": C,
    "api.export_posts": V,
    # approvals: a manager's call (a reviewer outside the team comes by link, above)
    "ui.approve_post": M,
    "ui.request_changes": M,
    "ui.review_link": M,
    "api.approve_post": M,
    "api.request_changes": M,
    "api.review_link": M,
    # checks that change nothing: anyone who reads may ask
    "api.list_channels": V,
    "api.validate": V,
    "api.lint": V,
    "api.search_style": V,
    # the library: creators
    "ui.library_page": V,
    "ui.feeds_page": V,
    "ui.feed_page": V,
    "ui.item_page": V,
    "ui.media_page": V,
    "ui.metrics_page": V,
    "ui.add_feed": C,
    "ui.delete_feed": C,
    "ui.refresh_feed": C,
    "ui.adapt_item": C,
    "ui.evergreen_item": C,
    "ui.upload_metrics": C,
    "ui.import_metrics": C,
    "api.list_feeds": V,
    "api.get_feed": V,
    "api.add_feed": C,
    "api.delete_feed": C,
    "api.refresh_feed": C,
    "api.list_items": V,
    "api.get_item": V,
    "api.update_item": C,
    "api.adapt_item": C,
    "api.media": V,
    "api.patterns": V,
    "api.metric_presets": V,
    "api.import_metrics": C,
    # uploaded media: creators upload, describe and delete them; the files themselves are public, since
    # the channels a live post goes to (and its readers) fetch them without signing in
    "ui.media_files_page": V,
    "ui.upload_media_file": C,
    "ui.describe_media_file": C,
    "ui.delete_media_file": C,
    "ui.media_file": PUBLIC,
    "api.list_media": V,
    "api.get_media": V,
    "api.upload_media": C,
    "api.update_media": C,
    "api.delete_media": C,
    # the style guide: managers write its rules
    "ui.style_page": V,
    "ui.style_entry_page": V,
    "ui.new_style_entry": (V, M),
    "ui.edit_style_entry": (V, M),
    "ui.delete_style_entry": M,
    "api.list_style_entries": V,
    "api.create_style_entry": M,
    "api.get_style_entry": V,
    "api.update_style_entry": M,
    "api.delete_style_entry": M,
    "api.style_entry_versions": V,
    # customer interactions: creators log and import them, managers keep the list of kinds
    "ui.interactions_page": V,
    "ui.new_interaction": (V, C),
    "ui.add_interaction_kind": M,
    "ui.rename_interaction_kind": M,
    "ui.interactions_import_page": V,
    "ui.upload_interactions": C,
    "ui.import_interactions": C,
    "ui.patterns_page": V,
    "ui.pattern_page": V,
    "api.log_interaction": C,
    "api.list_interactions": V,
    "api.import_interactions": C,
    "api.interaction_patterns_report": V,
    "api.interaction_pattern_terms": V,
    "api.list_interaction_kinds": V,
    "api.create_interaction_kind": M,
    "api.rename_interaction_kind": M,
    # channel accounts: owners connect them (they hold the team's credentials), everyone sees them
    "ui.accounts_page": V,
    "ui.connect_account": OWN,
    "ui.reconnect_account": OWN,
    "ui.remove_account": OWN,
    "ui.test_account": OWN,  # asks the service with the team's credentials
    "api.list_accounts": V,
    "api.get_account": V,
    "api.connect_account": OWN,
    "api.reconnect_account": OWN,
    "api.remove_account": OWN,
    "api.test_account": OWN,
    # a plan's indicators: managers choose them and set the targets; creators, who read the channels'
    # figures every day, enter, import or compute the actuals
    "ui.kpis_page": V,
    "ui.save_kpi": M,
    "ui.delete_kpi": M,
    "ui.record_kpi_actuals": C,
    "ui.compute_kpi": C,
    "ui.import_kpi_actuals": C,
    "api.list_kpis": V,
    "api.set_kpi": M,
    "api.delete_kpi": M,
    "api.record_kpi_actuals": C,
    "api.compute_kpi": C,
    "api.import_kpi_actuals": C,
    # contests: managers open and run them (linking posts to ideas, entering follows); creators put
    # ideas forward; everyone sees the standings
    "ui.contests_page": V,
    "ui.new_contest": (V, M),
    "ui.contest_page": V,
    "ui.edit_contest": (V, M),
    "ui.submit_idea": C,
    "ui.link_idea_posts": M,
    "ui.record_follows": M,
    "api.list_contests": V,
    "api.create_contest": M,
    "api.get_contest": V,
    "api.update_contest": M,
    "api.leaderboard": V,
    "api.contest_entries": V,
    "api.submit_idea": C,
    "api.link_idea_posts": M,
    "api.record_follows": M,
    # tools and the newsletter's team side
    "ui.utm_builder": V,
    "newsletter.manage": V,
    "newsletter.add_referral": M,
    "newsletter.resume": M,
    # the readers' addresses are personal data: a manager's, as the team's mail to them is
    "newsletter.subscribers_page": M,
    "newsletter.export_subscribers": M,
    "newsletter.import_subscribers": M,
    # event webhooks: managers subscribe URLs to the team's events (their secrets sign what is sent)
    "ui.webhooks_page": M,
    "ui.webhook_page": M,
    "ui.create_webhook_page": M,
    "ui.change_webhook_page": M,
    "ui.delete_webhook_page": M,
    "ui.test_webhook_page": M,
    "api.list_webhooks": M,
    "api.create_webhook": M,
    "api.get_webhook": M,
    "api.update_webhook": M,
    "api.delete_webhook": M,
    "api.webhook_deliveries": M,
    "api.test_webhook": M,
}

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def needed(endpoint: str | None, method: str) -> str | None:
    """The role a request needs (``PUBLIC`` for none); None when nobody decided (refuse it)."""
    rule = ROUTES.get(endpoint or "")
    if rule is None:
        return None
    if isinstance(rule, tuple):
        return rule[0] if method in READS else rule[1]
    return rule
