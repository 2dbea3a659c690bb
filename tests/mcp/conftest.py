"""What the MCP tests share: a team and a plan seeded through the services, and a few words to ask the
SDK's own client with.

The servers under test run in processes of their own (``refrain mcp``, gunicorn), on the real clock: the
plan starts tomorrow, whatever day the suite runs, so its free slots are always to come.
"""

import threading
from datetime import date, timedelta
from types import SimpleNamespace

import anyio

from scheduler.services import plans, style, tokens
from tests.factories import commit, make_person, make_plan

SYNERGY = "Our synergy makes the summer offer simple"  # "synergy" breaks the guide's term rule: an error
FIXED = "Our teamwork makes the summer offer simple"


def run_story(story) -> None:
    """``anyio.run(story)`` on a thread of its own: a browser test earlier in the same process leaves
    Playwright's event loop marked as running on the main thread, where anyio would refuse to start."""
    failed = []

    def run():
        try:
            anyio.run(story)
        except BaseException as error:  # noqa: BLE001 (handed to the test's thread as it is)
            failed.append(error)

    thread = threading.Thread(target=run, name="mcp-client")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def seed_team(approval_required: bool = False) -> SimpleNamespace:
    """A plan from tomorrow (twitter: 2 posts a day, 1 on the theme), a term rule that blocks "synergy",
    and a token for a creator, a viewer and a manager's read-only token."""
    tomorrow = date.today() + timedelta(days=1)
    plan = make_plan(
        starts_on=tomorrow.isoformat(), ends_on=(tomorrow + timedelta(days=59)).isoformat(), timezone="Europe/Paris"
    )
    if approval_required:
        plans.update_plan(plan, {"approval_required": True})
    commit(plan, "twitter", posts=2, per="day", on_theme_min=1, one_note_max_share=1.0)
    style.create_entry(
        {"kind": "term_rule", "title": "Say teamwork", "avoid": "synergy", "prefer": "teamwork", "severity": "error"}
    )
    creator = make_person("cara@example.com", "creator", "Cara Creator")
    viewer = make_person("vic@example.com", "viewer", "Vic Viewer")
    manager = make_person("max@example.com", "manager", "Max Manager")
    return SimpleNamespace(
        plan_id=plan.id,
        creator=tokens.create(creator, "assistant")[1],
        viewer=tokens.create(viewer, "assistant")[1],
        read_only=tokens.create(manager, "reads only", read_only=True)[1],
    )


async def call(session, tool: str, **arguments):
    """The tool's answer: (structured content, is it an error)."""
    result = await session.call_tool(tool, arguments)
    return result.structured_content, result.is_error
