"""The team's pages, their refusals, the API's messages and the CLI's, in the reader's language: a French
or a Chinese reader signs in, reads their settings and the team in their language; a script reads
English unless its request asks for another; the command line speaks the terminal's language."""

import pytest

from scheduler.cli import cli
from scheduler.services import people
from tests.factories import make_person
from tests.newsletter.conftest import live, smtp  # noqa: F401  (fixtures: the SMTP server, the app in live mode)

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def page(client, path, headers):
    return client.get(path, headers=headers).get_data(as_text=True)


def test_a_french_and_a_chinese_reader_see_the_sign_in_page_in_their_language(anonymous, owner):
    french = page(anonymous, "/login", FRENCH)
    assert "Se connecter" in french and "Mot de passe oublié ?" in french and "Mot de passe" in french
    chinese = page(anonymous, "/login", CHINESE)
    assert "登录" in chinese and "忘记密码？" in chinese and "邮箱" in chinese


def test_a_refused_sign_in_says_why_in_french(anonymous, owner):
    refused = anonymous.post("/login", data={"email": "owner@example.com", "password": "not it at all"}, headers=FRENCH)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Vous n’êtes pas connecté(e)" in text and "l’adresse ou le mot de passe n’est pas correct" in text


def test_the_profile_and_the_team_read_in_french_and_in_chinese(client):
    profile = page(client, "/me", FRENCH)
    assert "Vos réglages" in profile and "Changer mon mot de passe" in profile and "Jetons d’API" in profile
    assert "Propriétaire" in profile, "the role is shown by its label, translated"
    team = page(client, "/people", FRENCH)
    assert "Inviter quelqu’un" in team and "Nouveau lien de mot de passe" in team and "Responsable" in team
    chinese_profile, chinese_team = page(client, "/me", CHINESE), page(client, "/people", CHINESE)
    assert "您的设置" in chinese_profile and "更改我的密码" in chinese_profile and "所有者" in chinese_profile
    assert "邀请成员" in chinese_team and "新的密码链接" in chinese_team


def test_a_person_who_chose_french_reads_french_whatever_their_browser(client, owner):
    people.update_profile(owner, name="Olive", language="fr", time_zone="Europe/Paris")
    assert "Vos réglages" in page(client, "/me", {"Accept-Language": "en"})


def test_a_refusal_on_the_profile_reads_in_french_after_the_fields_label(client):
    refused = client.post(
        "/me", data={"form": "profile", "name": "Olive", "language": "", "timezone": "Mars/Olympus"}, headers=FRENCH
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Rien n’a été enregistré : corrigez Fuseau horaire ci-dessous." in text
    assert "Fuseau horaire : n’est pas un fuseau horaire (Europe/Paris, America/New_York…)" in text


def test_two_refused_fields_are_listed_as_chinese_lists_them(client):
    refused = client.post(
        "/me", data={"form": "profile", "name": "x" * 201, "language": "", "timezone": "Mars/Olympus"}, headers=CHINESE
    )
    text = refused.get_data(as_text=True)
    assert "未保存任何内容：请更正下方的名称和时区。" in text
    assert "名称：超过 200 个字符" in text


def test_the_api_speaks_english_to_a_person_who_chose_french_unless_the_request_asks(client, owner):
    people.update_profile(owner, name="Olive", language="fr", time_zone="Europe/Paris")
    english = client.get("/api/v1/audit", query_string={"since": "yesterday", "actor": "x"})
    assert english.status_code == 422
    fields = english.get_json()["error"]["fields"]
    assert fields["since"].startswith("must be a date or time in ISO 8601")
    assert fields["actor"] == "must be a person's id (a whole number)"
    french = client.get("/api/v1/audit", query_string={"since": "yesterday", "actor": "x"}, headers=FRENCH)
    said = french.get_json()["error"]
    assert set(said["fields"]) == {"since", "actor"}, "the field names are the contract's"
    assert said["fields"]["since"].startswith("doit être une date ou une heure au format ISO 8601")
    assert said["fields"]["actor"] == "doit être l’identifiant d’une personne (un nombre entier)"
    assert said["message"].startswith("saisie non valide : ")
    nowhere = client.get("/api/v1/nowhere", headers=FRENCH).get_json()["error"]["message"]
    assert nowhere.startswith("L’adresse demandée n’existe pas sur ce serveur.")
    assert client.get("/api/v1/nowhere").get_json()["error"]["message"].startswith("The requested URL was not found")


def test_a_link_that_does_not_work_says_so_in_chinese(anonymous):
    refused = anonymous.get("/password/not-a-token", headers=CHINESE)
    assert refused.status_code == 410
    assert "该链接不是 Refrain 发出的链接。" in refused.get_data(as_text=True)


def test_the_password_mail_reads_in_its_readers_language(live, smtp, anonymous):  # noqa: F811
    wei = make_person("wei@example.com", "creator", "Wei")
    people.update_profile(wei, name="Wei", language="zh", time_zone="Asia/Shanghai")
    make_person("chloe@example.com", "creator", "Chloé")
    for email in ("wei@example.com", "chloe@example.com"):
        anonymous.post("/password/forgot", data={"email": email}, headers=FRENCH)
    [chinese] = smtp.to("wei@example.com")
    assert chinese["Subject"] == "设置 Refrain 新密码的链接", "the person's own choice, whatever the page asking"
    assert "请在 2 小时内打开此链接" in chinese.get_content()
    [french] = smtp.to("chloe@example.com")
    assert french["Subject"] == "Votre lien pour définir un nouveau mot de passe Refrain", "no choice: the page's"
    assert "ouvrez ce lien dans les 2 heures" in french.get_content()


@pytest.fixture
def terminal(monkeypatch):
    """Sets the terminal's language as a shell would (LANG alone)."""

    def speaking(lang: str) -> None:
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", lang)

    return speaking


def test_the_command_line_speaks_the_terminals_language(app, runner, terminal):
    terminal("fr_FR.UTF-8")
    french = runner.invoke(cli, ["token", "create", "nobody@example.com"])
    assert french.exit_code != 0
    assert "personne n’a l’adresse 'nobody@example.com'" in french.output
    made = runner.invoke(cli, ["user", "create", "ana@example.com", "--role", "creator"])
    assert made.exit_code == 0 and "ana@example.com créé(e) comme créateur" in made.output
    terminal("C")
    english = runner.invoke(cli, ["token", "create", "nobody@example.com"])
    assert "nobody has the address 'nobody@example.com': create them first" in english.output
    refused = runner.invoke(cli, ["user", "create", "not-an-address", "--role", "creator"])
    assert refused.exit_code != 0 and "email: is not an email address (name@example.com)" in refused.output
    terminal("zh_CN.UTF-8")
    chinese = runner.invoke(cli, ["user", "create", "not-an-address", "--role", "creator"])
    assert "email：不是有效的邮箱地址（name@example.com）" in chinese.output
