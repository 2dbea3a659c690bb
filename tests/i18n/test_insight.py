"""The insight pages speak the reader's language: interactions and their patterns, a plan's indicators,
a contest; a refusal of the log form; and the indicators' alert mail, in the language its manager chose."""

from io import BytesIO

import pytest

from scheduler.services import contests, interactions, kpis, people
from tests.factories import make_person, make_plan, signed_in
from tests.newsletter.conftest import live, smtp  # noqa: F401  (fixtures: the SMTP server, the app in live mode)

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def today(clock_at):
    clock_at("2031-03-20T12:00:00+00:00")


@pytest.fixture
def interactions_logged(app, today):
    """Refund requests by email going wrong far more often than the rest: a flagged pattern."""
    for n in range(12):
        interactions.log_interaction(
            {
                "channel": "email_support",
                "kind": "refund request",
                "resolution": "negative",
                "comment": f"Still no refund, order {n}",
                "occurred_at": f"2031-03-{10 + n % 9:02d}T10:00:00Z",
            }
        )
    for n in range(20):
        interactions.log_interaction(
            {
                "channel": "chat",
                "kind": "question",
                "resolution": "positive",
                "comment": "Thanks, that helped",
                "occurred_at": f"2031-03-{10 + n % 9:02d}T11:00:00Z",
            }
        )


def test_the_interactions_page_reads_in_french_and_in_chinese(client, interactions_logged):
    french = client.get("/interactions", headers=FRENCH).get_data(as_text=True)
    assert "Interactions clients" in french and "Les types de l’équipe" in french
    assert "Support par e-mail" in french and "négative" in french and "Afficher" in french
    assert "Customer interactions" not in french
    chinese = client.get("/interactions", headers=CHINESE).get_data(as_text=True)
    assert "客户互动" in chinese and "团队的类型" in chinese and "邮件客服" in chinese and "负面" in chinese


def test_the_patterns_page_says_its_patterns_and_their_guidance_in_the_readers_language(client, interactions_logged):
    french = client.get("/interactions/patterns", headers=FRENCH).get_data(as_text=True)
    assert "Des tendances, pas des incidents" in french and "Écrire le script" in french
    assert "refund request par e-mail : 12 négatives" in french and "pas encore de script" in french
    assert "trop peu pour le dire" in french or "comme le reste" in french
    chinese = client.get("/interactions/patterns", headers=CHINESE).get_data(as_text=True)
    assert "是规律，而非个案" in chinese and "通过邮件的refund request" in chinese and "尚无话术" in chinese


def test_a_refused_interaction_is_said_in_french(client, today):
    refused = client.post(
        "/interactions/new",
        data={"channel": "chat", "kind": "question", "resolution": "negative", "link": "not a link"},
        headers=FRENCH,
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "doit être une adresse web (http ou https)" in page and "Enregistrer une interaction" in page
    api = client.post(
        "/api/v1/interactions",
        json={"channel": "pigeon", "kind": "question", "resolution": "negative"},
        headers=FRENCH,
    )
    assert api.status_code == 422 and api.get_json()["error"]["fields"]["channel"].startswith("doit être l’un de")


def test_the_indicators_dashboard_reads_in_french_and_in_chinese(client):
    plan = make_plan()
    kpis.set_kpi(plan, "Sales", {"unit": "€", "targets": {"2031-06": 1000, "2031-07": 1000}})
    kpis.record_actuals(plan, "Sales", {"2031-06": 800, "2031-07": 850})
    french = client.get(f"/plans/{plan.id}/kpis", headers=FRENCH).get_data(as_text=True)
    assert "Ventes" in french and "Ajouter un indicateur" in french and "Modifier les objectifs" in french
    assert "a manqué son objectif de plus de 10 % deux mois de suite" in french
    assert "Plus haut, c’est mieux" in french and "Objectif" in french and "−20,0\u00a0%" not in french
    assert "-20,0\u00a0%" in french, "the gap as French writes a share"
    chinese = client.get(f"/plans/{plan.id}/kpis", headers=CHINESE).get_data(as_text=True)
    assert "销售额" in chinese and "添加指标" in chinese and "连续两个月偏离目标超过 10%" in chinese


def test_a_contest_page_reads_in_french_and_in_chinese(app, client, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    contest = contests.create_contest(
        {
            "name": "Best visual of June",
            "metric": "likes",
            "channels": ["twitter"],
            "starts_on": "2031-06-01",
            "ends_on": "2031-06-30",
        }
    )
    listing = client.get("/contests", headers=FRENCH).get_data(as_text=True)
    assert "Ouvrir un concours" in listing and "en cours" in listing and "J’aime" in listing
    french = client.get(f"/contests/{contest.id}", headers=FRENCH).get_data(as_text=True)
    assert "Classement" in french and "Aucune participation pour l’instant" in french
    chinese = client.get(f"/contests/{contest.id}", headers=CHINESE).get_data(as_text=True)
    assert "排行榜" in chinese and "还没有参赛帖子" in chinese and "进行中" in chinese
    refused = client.post(
        "/api/v1/contests",
        json={"name": "Late", "metric": "likes", "starts_on": "2031-06-10", "ends_on": "2031-06-01"},
        headers=FRENCH,
    )
    assert refused.get_json()["error"]["fields"]["ends_on"] == "doit tomber le jour de starts_on ou après"


def test_the_alert_mail_goes_to_a_manager_who_chose_french_in_french(live, smtp):  # noqa: F811
    mina = make_person("mina@example.com", "manager", "Mina")
    people.update_profile(mina, name="Mina", language="fr", time_zone="Europe/Paris")
    make_person("olive@example.com", "owner", "Olive")  # left it to her browser: English
    chloe = make_person("chloe@example.com", "creator", "Chloé")
    plan = make_plan(name="Été 2031")
    kpis.set_kpi(plan, "Sales", {"unit": "€", "targets": {"2031-06": 1000, "2031-07": 1000}})
    creator = signed_in(live, chloe)
    creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-06": 850, "2031-07": 880})
    [to_mina] = smtp.to("mina@example.com")
    assert to_mina["Subject"] == "Alerte : Sales a manqué son objectif deux mois de suite (Été 2031)"
    body = to_mina.get_content()
    assert body.startswith("Bonjour Mina,") and "2031-06 : 850 pour un objectif de 1\u202f000 (-15\u00a0%)" in body
    assert "Pour cet indicateur, plus haut, c’est mieux (€)." in body
    [to_olive] = smtp.to("olive@example.com")
    assert to_olive["Subject"] == "Alert: Sales missed its target two months running (Été 2031)"
    assert to_olive.get_content().startswith("Hello Olive")


def test_the_retrospective_on_the_new_plan_form_reads_in_french_and_in_chinese(client, clock_at):
    from datetime import date

    from tests.retrospective.builders import logged, posts_on, spring_plan

    clock_at("2031-06-10T12:00:00+02:00")
    plan = spring_plan(commitments=("twitter", "newsletter"))
    posts_on(plan, "twitter", date(2031, 3, 2), on=8, off=6, on_clicks=45, off_clicks=10)
    posts_on(plan, "newsletter", date(2031, 3, 3), on=5, off=5, on_clicks=20, off_clicks=20)
    logged("chat", "refund request", 30, 24, date(2031, 4, 2))
    french = client.get("/plans/new", headers=FRENCH).get_data(as_text=True)
    assert "Rétrospective : Printemps 2031" in french and "le thème a fait mieux" in french
    assert "Devenus monocordes : <strong>X / Twitter</strong>" in french and "24 négatives sur 30" in french
    assert "À droite de la ligne pointillée" in french, "the chart's legend too"
    chinese = client.get("/plans/new", headers=CHINESE).get_data(as_text=True)
    assert "回顾：Printemps 2031" in chinese and "切合主题表现更好" in chinese and "建议的关键词" in chinese


def test_a_help_desk_export_is_mapped_and_its_bad_rows_said_in_french(client):
    from tests.interactions.test_import import ZENDESK, token_of

    screen = client.post(
        "/interactions/import",
        data={"file": (BytesIO(ZENDESK.encode()), "tickets.csv")},
        content_type="multipart/form-data",
        headers=FRENCH,
    ).get_data(as_text=True)
    assert "Quelle colonne est laquelle ?" in screen and "devinée d’après les noms des colonnes" in screen
    assert "Type pour tout le fichier" in screen and "— absent de ce fichier —" in screen
    form = {
        "token": token_of(screen),
        "filename": "tickets.csv",
        "name": "Zendesk",
        "time_zone": "UTC",
        "column_ticket_id": "Ticket ID",
        "column_occurred_at": "Created at",
        "column_channel": "Via",
        "column_kind": "Type",
        "column_resolution": "Satisfaction",
        "column_comment": "Subject",
    }
    done = client.post("/interactions/import/map", data=form, headers=FRENCH).get_data(as_text=True)
    assert "<strong>2</strong> interactions depuis tickets.csv (2 nouvelles, 0 mises à jour)" in done
    assert "Type : &#39;Incident&#39; n’est pas un des types que Refrain connaît" in done
    assert '<td class="num">5</td><td>type</td><td>Type</td>' in done, "the field named in words"
