"""The contests: the list, a contest's leaderboard with each person's entries a click away, its ideas,
and the manager's forms to open, change and run one."""

from zoneinfo import available_timezones

from babel.numbers import format_decimal
from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.domain import language
from scheduler.domain.language import N_, _
from scheduler.services import contests, people
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms.contests import ContestForm, FollowsForm, IdeaForm, IdeaPostsForm
from scheduler.web.pages import blueprint, form_page

REFUSALS = (Invalid, Conflict)  # a contest that is over refuses changes: said over the form


# a contest's state (``services.contests``), as the pages say it
STATE_LABELS = {contests.UPCOMING: N_("upcoming"), contests.RUNNING: N_("running"), contests.OVER: N_("over")}


def score_text(value) -> str:
    """A score or a figure, one decimal at most, as the reader's language writes it."""
    return format_decimal(value, "#,##0.#", locale=language.code())


@blueprint.get("/contests")
def contests_page():
    found = contests.list_contests()
    return render_template(
        "contests/index.html",
        contests=[(c, contests.contest_dict(c), contests.leaderboard(c)[:3]) for c in found],
        state_labels=STATE_LABELS,
    )


@blueprint.route("/contests/new", methods=["GET", "POST"])
def new_contest():
    form = ContestForm.shown({"kind": "posts", "metric": "clicks_comments_likes"})
    form.offer(people.everyone())
    if contest := form.submit(lambda: contests.create_contest(form.service_input())):
        flash(_("Contest “%(name)s” opened.", name=contest.name))
        return redirect(url_for("ui.contest_page", contest_id=contest.id))
    return form_page("contests/form.html", form, contest=None, zones=sorted(available_timezones()))


@blueprint.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
def edit_contest(contest_id):
    contest = contests.get_contest(contest_id)
    form = ContestForm.shown(ContestForm.values_of(contest))
    form.offer(people.everyone())
    if form.submit(lambda: contests.update_contest(contest, form.service_input()), REFUSALS):
        flash(_("Contest saved."))
        return redirect(url_for("ui.contest_page", contest_id=contest.id))
    return form_page("contests/form.html", form, contest=contest, zones=sorted(available_timezones()))


@blueprint.get("/contests/<int:contest_id>")
def contest_page(contest_id):
    return contest_view(contests.get_contest(contest_id))


def contest_view(contest, refused: tuple[str, object] | None = None):
    person = request.args.get("person", "")
    chosen = int(person) if person.isdigit() else None
    board = contests.leaderboard(contest)
    shown = contests.contest_dict(contest)
    return render_template(
        "contests/show.html",
        contest=contest,
        shown=shown,
        board=board,
        chosen=chosen,
        chosen_name=next((row["person"] for row in board if row.get("person_id") == chosen), None),
        entries=contests.entries(contest, chosen) if chosen is not None else [],
        all_entries=contests.entries(contest),
        idea_form=refused[1] if refused and refused[0] == "idea" else IdeaForm(formdata=None),
        follows_form=refused[1] if refused and refused[0] == "follows" else FollowsForm(formdata=None),
        posts_form=IdeaPostsForm(formdata=None),
        refused=refused,
        labels={c.name: c.label for c in channel_registry.all_channels()},
        names={person.id: person.display_name for person in people.everyone()},
        score_text=score_text,
        state_labels=STATE_LABELS,
    ), 422 if refused else 200


@blueprint.post("/contests/<int:contest_id>/ideas")
def submit_idea(contest_id):
    contest = contests.get_contest(contest_id)
    form = IdeaForm()
    if form.submit(lambda: contests.submit_idea(contest, form.service_input()), REFUSALS):
        flash(_("Idea put forward."))
        return redirect(url_for("ui.contest_page", contest_id=contest.id) + "#ideas")
    return contest_view(contest, ("idea", form))


@blueprint.post("/contests/<int:contest_id>/ideas/<int:idea_id>/posts")
def link_idea_posts(contest_id, idea_id):
    contest = contests.get_contest(contest_id)
    idea = contests.get_idea(contest, idea_id)
    form = IdeaPostsForm()
    if form.submit(lambda: contests.link_posts(contest, idea, form.service_input()), REFUSALS):
        flash(_("Posts linked to the idea."))
        return redirect(url_for("ui.contest_page", contest_id=contest.id) + "#ideas")
    return contest_view(contest, (f"idea-{idea.id}", form))


@blueprint.post("/contests/<int:contest_id>/follows")
def record_follows(contest_id):
    contest = contests.get_contest(contest_id)
    form = FollowsForm()
    if form.submit(lambda: contests.record_follows(contest, form.service_input()), REFUSALS):
        flash(_("Follows recorded."))
        return redirect(url_for("ui.contest_page", contest_id=contest.id) + "#entries")
    return contest_view(contest, ("follows", form))
