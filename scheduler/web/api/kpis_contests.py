"""The plan's indicators (targets, actuals, the dashboard) and the team's contests over the JSON API."""

from flask import jsonify, request

from scheduler.services import contests, kpis, plans
from scheduler.web.api import blueprint, body
from scheduler.web.api import kpi_contest_schemas as S
from scheduler.web.api.declared import accepts, answers, query, refuses
from scheduler.web.api.schemas import list_of

# indicators


@blueprint.get("/plans/<int:plan_id>/kpis")
@answers(200, list_of(S.KPI_ANSWER), "each indicator month by month, with its alert")
def list_kpis(plan_id):
    return jsonify(kpis.dashboard(plans.get_plan(plan_id)))


@blueprint.put("/plans/<int:plan_id>/kpis/<name>")
@accepts(S.KPI)
@answers(200, S.KPI_ANSWER, "the indicator, its targets replaced")
@answers(201, S.KPI_ANSWER, "the indicator, new")
def set_kpi(plan_id, name):
    plan = plans.get_plan(plan_id)
    kpi, created = kpis.set_kpi(plan, name, body())
    return jsonify(kpis.kpi_dict(plan, kpi, find_previous=True)), 201 if created else 200


@blueprint.delete("/plans/<int:plan_id>/kpis/<name>")
@answers(204, None, "removed")
def delete_kpi(plan_id, name):
    kpis.remove_kpi(plans.get_plan(plan_id), name)
    return "", 204


@blueprint.post("/plans/<int:plan_id>/kpis/<name>/actuals")
@accepts(S.ACTUALS)
@answers(200, S.KPI_ANSWER, "the indicator with these months' actuals")
def record_kpi_actuals(plan_id, name):
    plan = plans.get_plan(plan_id)
    kpi = kpis.record_actuals(plan, name, body())
    return jsonify(kpis.kpi_dict(plan, kpi, find_previous=True))


@blueprint.post("/plans/<int:plan_id>/kpis/<name>/compute")
@answers(200, S.KPI_ANSWER, "the indicator with the actuals Refrain computed for the months that are over")
@refuses(422)  # an indicator Refrain cannot compute
def compute_kpi(plan_id, name):
    plan = plans.get_plan(plan_id)
    kpi, _months = kpis.compute_actuals(plan, name)
    return jsonify(kpis.kpi_dict(plan, kpi, find_previous=True))


@blueprint.post("/plans/<int:plan_id>/kpis/import")
@accepts(S.KPI_IMPORT)
@answers(200, S.IMPORT_ANSWER, "figures stored, and the rows that were not, with why")
def import_kpi_actuals(plan_id):
    """A CSV file's text: a `month` column and one column per indicator (or `value`, with `kpi`)."""
    data = body()
    plan = plans.get_plan(plan_id)
    return jsonify(kpis.import_actuals(plan, str(data.get("csv") or "").encode("utf-8"), data.get("kpi") or None))


# contests


@blueprint.get("/contests")
@answers(200, list_of(S.CONTEST_ANSWER))
def list_contests():
    return jsonify([contests.contest_dict(c) for c in contests.list_contests()])


@blueprint.post("/contests")
@accepts(S.NEW_CONTEST)
@answers(201, S.CONTEST_ANSWER, "the contest, open")
def create_contest():
    return jsonify(contests.contest_dict(contests.create_contest(body()))), 201


@blueprint.get("/contests/<int:contest_id>")
@answers(200, S.CONTEST_ANSWER)
def get_contest(contest_id):
    return jsonify(contests.contest_dict(contests.get_contest(contest_id)))


@blueprint.patch("/contests/<int:contest_id>")
@accepts(S.CONTEST_CHANGES)
@answers(200, S.CONTEST_ANSWER, "the contest, changed")
@refuses(409)
def update_contest(contest_id):
    return jsonify(contests.contest_dict(contests.update_contest(contests.get_contest(contest_id), body())))


@blueprint.get("/contests/<int:contest_id>/leaderboard")
@answers(200, list_of(S.STANDING), "best first; equal scores share a rank")
def leaderboard(contest_id):
    return jsonify(contests.leaderboard(contests.get_contest(contest_id)))


@blueprint.get("/contests/<int:contest_id>/entries")
@query(person_id={"type": "integer", "minimum": 1})
@answers(200, list_of(S.ENTRY), "the entries with their figures, best first")
def contest_entries(contest_id):
    contest = contests.get_contest(contest_id)
    person = request.args.get("person_id", "")
    return jsonify(contests.entries(contest, int(person) if person.isdigit() else None))


@blueprint.post("/contests/<int:contest_id>/ideas")
@accepts(S.IDEA)
@answers(201, S.IDEA_ANSWER, "the idea, put forward by the signed-in person")
@refuses(409)
def submit_idea(contest_id):
    return jsonify(contests.idea_dict(contests.submit_idea(contests.get_contest(contest_id), body()))), 201


@blueprint.put("/contests/<int:contest_id>/ideas/<int:idea_id>/posts")
@accepts(S.IDEA_POSTS)
@answers(200, S.IDEA_ANSWER, "the idea with the posts that tried it")
@refuses(409)
def link_idea_posts(contest_id, idea_id):
    contest = contests.get_contest(contest_id)
    idea = contests.link_posts(contest, contests.get_idea(contest, idea_id), body())
    return jsonify(contests.idea_dict(idea))


@blueprint.post("/contests/<int:contest_id>/follows")
@accepts(S.FOLLOWS)
@answers(200, S.CONTEST_ANSWER, "the contest, the post's follows recorded")
@refuses(409)
def record_follows(contest_id):
    return jsonify(contests.contest_dict(contests.record_follows(contests.get_contest(contest_id), body())))
