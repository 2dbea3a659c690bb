"""The library, the style guide and the newsletter in the reader's language: the team's pages, a style
finding through the editor's check, and the public signup page and its confirmation mail."""

from email import message_from_bytes, policy

from scheduler.jobs.workers import run_worker
from scheduler.services import runtime

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def page(client, path, headers) -> str:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def test_a_french_reader_reads_the_library_the_style_guide_and_the_subscribers_in_french(client):
    library = page(client, "/library", FRENCH)
    assert "Ce qui a marché" in library and "Meilleurs résultats" in library and "What worked" not in library
    assert "Importer des métriques" in library and "Les tendances derrière" in library
    feeds = page(client, "/library/feeds", FRENCH)
    assert "Ajouter le flux" in feeds and "Aucun flux pour l’instant." in feeds and "Adresse du flux" in feeds
    guide = page(client, "/style", FRENCH)
    assert "Nouvelle entrée" in guide and "Règles de termes" in guide and "tous les canaux" in guide
    assert "Term rules" not in guide
    readers = page(client, "/newsletter/subscribers", FRENCH)
    assert "Importer des abonnés" in readers and "Personne ne s’est encore inscrit." in readers
    assert "0 abonné" in readers and "Exporter en CSV" in readers


def test_a_chinese_reader_reads_them_in_chinese(client):
    library = page(client, "/library", CHINESE)
    assert "效果好的内容" in library and "最佳表现" in library
    guide = page(client, "/style", CHINESE)
    assert "用词规则" in guide and "新建条目" in guide
    readers = page(client, "/newsletter/subscribers", CHINESE)
    assert "导入订阅者" in readers and "还没有人订阅。" in readers
    newsletter = page(client, "/newsletter", CHINESE)
    assert "推荐码" in newsletter and "公开订阅表单：" in newsletter


def test_a_banned_term_is_flagged_in_the_editors_language(client):
    rule = {"kind": "term_rule", "title": "Never cheap", "avoid": "cheap", "prefer": "affordable", "severity": "error"}
    assert client.post("/api/v1/style/entries", json=rule).status_code == 201
    draft = {"channel": "twitter", "body": "A cheap plan."}
    french = client.post("/api/v1/style/lint", json=draft, headers=FRENCH).get_json()["problems"]
    [finding] = [p for p in french if p["code"] == "style.avoid"]
    assert finding["message"] == "évitez « cheap » : écrivez plutôt « affordable »"
    chinese = client.post("/api/v1/style/lint", json=draft, headers=CHINESE).get_json()["problems"]
    assert [p["message"] for p in chinese if p["code"] == "style.avoid"] == ["避免使用 “cheap”：请改写为 “affordable”"]
    english = client.post("/api/v1/style/lint", json=draft).get_json()["problems"]
    said = [p["message"] for p in english if p["code"] == "style.avoid"]
    assert said == ["avoid “cheap”: write “affordable” instead"], "the API speaks English unless asked"


def test_a_bad_rule_is_refused_in_french(client):
    refused = client.post(
        "/api/v1/style/entries",
        json={"kind": "term_rule", "title": "Broken", "avoid": "(a", "is_pattern": True},
        headers=FRENCH,
    )
    assert refused.status_code == 422
    assert "n’est pas une expression régulière valide" in refused.get_json()["error"]["fields"]["avoid"]


def test_the_public_signup_reads_in_the_browsers_language_and_so_does_its_mail(app, anonymous):
    signup = page(anonymous, "/newsletter/signup", FRENCH)
    assert '<html lang="fr">' in signup and "S’abonner à la lettre d’information" in signup
    assert "Adresse e-mail" in signup and "facultatif" in signup
    chinese = page(anonymous, "/newsletter/signup", CHINESE)
    assert '<html lang="zh">' in chinese and "订阅电子报" in chinese
    refused = anonymous.post("/newsletter/signup", data={"email": "pas une adresse"}, headers=FRENCH)
    assert refused.status_code == 422
    assert "n’est pas une adresse e-mail" in refused.get_data(as_text=True)
    sent = anonymous.post("/newsletter/signup", data={"email": "lea@example.fr", "name": "Léa"}, headers=FRENCH)
    assert "Consultez votre boîte de réception" in sent.get_data(as_text=True)
    run_worker(app, burst=True)  # the confirmation goes out from a worker, in the signup's language
    [written] = (runtime.settings().outbox / "newsletter-mail").glob("*.eml")
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail["Subject"] == "Confirmez votre abonnement à notre lettre d’information"
    text = mail.get_body(("plain",)).get_content()
    assert "Bonjour Léa," in text and "Merci de confirmer" in text


def test_a_bad_confirmation_link_reads_in_chinese(anonymous):
    answer = anonymous.get("/newsletter/confirm/nonsense", headers=CHINESE)
    assert answer.status_code == 400 and "此链接无效" in answer.get_data(as_text=True)


def test_a_feed_refused_on_two_fields_names_both_by_their_french_labels(client):
    refused = client.post(
        "/library/feeds", data={"url": "ftp://x", "channel": "blog", "refresh_minutes": "1"}, headers=FRENCH
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Adresse du flux" in page and "doit être une adresse http:// ou https://" in page
