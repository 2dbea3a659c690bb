"""Plans, their calendar and their compliance report read in the reader's language: French and Chinese
readers see the plan's page, the calendar's day and month names, the report's legend and verdicts,
and a refused commitment in their words; the report's JSON stays the contract's, whoever asks."""

import re
from datetime import UTC, date, datetime

import pytest

from scheduler.domain import language
from scheduler.domain.evergreen import period_in_words
from scheduler.domain.periods import Period, clock_change_notice
from scheduler.infra import catalogs
from scheduler.services import posts
from tests.factories import commit, make_plan, make_post

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-05-20T12:00:00+02:00")  # the post is scheduled while to come
    plan = make_plan()
    commit(plan, "twitter")
    commit(plan, "newsletter")
    posts.schedule_post(make_post(plan, when="2031-06-02T10:00:00+02:00"))
    clock_at("2031-06-03T12:00:00+02:00")
    return plan


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_french_reader_reads_the_plans_and_a_plans_page_in_french(client, plan):
    listed = text_of(client.get("/", headers=FRENCH))
    assert "Nouveau plan" in listed and "Couverture du thème" in listed
    page = text_of(client.get(f"/plans/{plan.id}", headers=FRENCH))
    assert "Engagements" in page and "Modifier le plan" in page and "Rapport de conformité" in page
    assert "Publications par période" in page, "the commitment's labels"
    assert '<option selected value="day">jour</option>' in page or ">jour</option>" in page, "the periods offered"
    assert "Commitments" not in page and "Edit plan" not in page


def test_a_chinese_reader_reads_a_plans_page_and_its_form_in_chinese(client, plan):
    page = text_of(client.get(f"/plans/{plan.id}", headers=CHINESE))
    assert "承诺" in page and "编辑计划" in page and "合规报告" in page
    form = text_of(client.get(f"/plans/{plan.id}/edit", headers=CHINESE))
    assert "主题关键词" in form and "创作者的帖子需要经理批准" in form and "保存" in form


def test_the_calendar_names_days_and_months_in_the_readers_language(client, plan):
    french = text_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-10", headers=FRENCH))
    assert "juin 2031" in french and "<th>lun.</th>" in french and "Semaine" in french
    assert "June" not in french and "<th>Mon</th>" not in french
    week = text_of(client.get(f"/plans/{plan.id}/calendar?view=week&date=2031-06-02", headers=FRENCH))
    assert "lun.<br>2 juin" in week and "4 par jour, ≥ 1 dans le thème" in week
    chinese = text_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-10", headers=CHINESE))
    assert "2031年6月" in chinese and "<th>周一</th>" in chinese and "下一页" in chinese
    english = text_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-10"))
    assert "June 2031" in english and "<th>Mon</th>" in english, "the grid is kept per language, not shared"


def test_the_report_reads_its_legend_and_verdicts_in_french_and_chinese(client, plan):
    french = text_of(client.get(f"/plans/{plan.id}/report", headers=FRENCH))
    assert "Couleur de la barre :" in french and "sous le plancher" in french and "dans la fourchette" in french
    assert "trop tôt pour juger" in french, "one tweet of a 4-a-day plan is too early to judge"
    assert "Monocorde" in french and "Semaine par semaine" in french
    assert "too early to judge" not in french and "Bar colour" not in french
    assert 'class="legend">barre : part des publications dans le thème' in french, "the chart's legend, as SVG text"
    chinese = text_of(client.get(f"/plans/{plan.id}/report", headers=CHINESE))
    assert "条形颜色：" in chinese and "为时过早" in chinese and "逐周" in chinese


def test_a_commitment_refused_by_the_plans_form_reads_in_french(client, plan):
    refused = client.post(
        f"/plans/{plan.id}/commitments/twitter",
        data={"posts": "2", "per": "week", "on_theme_min": "3", "one_note_max_share": "50%"},
        headers=FRENCH,
    )
    assert refused.status_code == 422
    page = re.sub(r"\s+", " ", refused.get_data(as_text=True))
    assert "ne peut pas dépasser le nombre de publications par période (2)" in page
    assert "Plancher dans le thème" in page
    ceiling = client.post(
        f"/plans/{plan.id}/commitments/twitter",
        data={"posts": "4", "per": "week", "on_theme_min": "3", "one_note_max_share": "50%"},
        headers=FRENCH,
    ).get_data(as_text=True)
    assert "doit être au moins égal au plancher (75\u00a0%, 3 sur 4 dans le thème)" in ceiling


def test_the_reports_json_is_the_contracts_whatever_the_language_asked(client, plan):
    answers = [
        client.get(f"/api/v1/plans/{plan.id}/compliance", headers=headers).get_json()
        for headers in ({}, FRENCH, CHINESE)
    ]
    assert answers[0] == answers[1] == answers[2]
    row = answers[0]["channels"][0]
    assert row["status"] in {"ok", "behind", "below_floor", "one_note"} and row["judged"] is False
    csvs = {client.get(f"/api/v1/plans/{plan.id}/compliance?format=csv", headers=h).data for h in ({}, FRENCH)}
    assert len(csvs) == 1, "the CSV's columns and cells are the contract's too"


def test_re_run_reasons_and_clock_change_notices_read_in_french(app):
    today = date(2031, 6, 3)
    with language.speaking(catalogs.translations("fr")):
        assert period_in_words(Period(date(2031, 6, 2), date(2031, 6, 8)), "week", today) == "cette semaine"
        assert period_in_words(Period(date(2031, 8, 1), date(2031, 8, 31)), "month", today) == "en août 2031"
        notice = clock_change_notice(
            datetime(2031, 3, 30, 2, 30), datetime(2031, 3, 30, 1, 30, tzinfo=UTC), "Europe/Paris"
        )
    assert notice.startswith("02:30 n’existe pas le 30 mars 2031 à Europe/Paris (passage à l’heure d’été)")
