"""The posts speak the reader's language: the list, the editor, a set's page, a past time refused with
the next free slot written as the reader writes times, and a CSV import's row errors."""

import io
import re

import pytest

from scheduler.services import posts
from tests.factories import commit, make_plan, make_post

NOW = "2031-06-02T14:30:00+02:00"  # twitter's slots: 10:00, 13:00, 16:00, 19:00 in Paris
FRENCH, CHINESE = {"Accept-Language": "fr-FR,fr;q=0.9"}, {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    for channel in ("twitter", "newsletter"):
        commit(plan, channel)
    return plan


def page(client, address, reader) -> str:
    answer = client.get(address, headers=reader)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def test_a_french_reader_sees_the_posts_list_and_the_editor_in_french(client, plan):
    post = make_post(plan, when="2031-06-03T10:00:00+02:00")

    listed = page(client, f"/plans/{plan.id}/posts", FRENCH)
    assert "Nouvelle publication" in listed and "Exporter en CSV" in listed
    assert "Avec les publications choisies" in listed and "Aucune publication ne correspond." not in listed
    assert ">brouillon</span>" in listed, "a status is read through its label"
    assert "New post" not in listed and "With the posts chosen" not in listed

    edited = page(client, f"/posts/{post.id}", FRENCH)
    assert "Enregistrer le brouillon" in edited and "Programmer" in edited and "Aperçu" in edited
    assert "Annuler cette publication ? Elle ne sera pas diffusée." in edited, "the script's question too"
    assert '"none": "aucun' in edited, "the words the editor's script writes come from the page"
    assert "Save draft" not in edited and "The preview appears as you type." not in edited


def test_a_chinese_reader_sees_the_posts_list_and_the_editor_in_chinese(client, plan):
    post = make_post(plan, when="2031-06-03T10:00:00+02:00")

    listed = page(client, f"/plans/{plan.id}/posts", CHINESE)
    assert "新帖子" in listed and "导出 CSV" in listed and "对所选帖子" in listed and ">草稿</span>" in listed

    edited = page(client, f"/posts/{post.id}", CHINESE)
    assert "保存草稿" in edited and "排期" in edited and "预览" in edited and "Save draft" not in edited


def test_a_set_page_reads_in_french_and_in_chinese(client, plan):
    answer = client.post(
        f"/plans/{plan.id}/compose",
        data={
            "title": "L’offre d’été",
            "body": "Notre offre d’été commence aujourd’hui.",
            "channels": ["twitter", "newsletter"],
            "scheduled_local": "2031-06-03T10:00",
        },
        headers=FRENCH,
    )
    assert answer.status_code == 302
    set_id = int(re.search(r"/post-sets/(\d+)$", answer.headers["Location"]).group(1))

    french = page(client, f"/post-sets/{set_id}", FRENCH)
    assert "2 brouillons créés à partir de l’idée, un par canal : vérifiez chacun ci-dessous." in french
    assert "Un ensemble de 2 publications, une par canal" in french and "Modifier l’idée" in french
    assert "Tel que chaque réseau l’affiche" in french and "brouillons" in french
    assert "Change the idea" not in french

    chinese = page(client, f"/post-sets/{set_id}", CHINESE)
    assert "修改创意" in chinese and "各平台的显示效果" in chinese and "共 2 条帖子" in chinese


def test_a_past_time_is_refused_in_french_with_the_next_free_slot_as_french_writes_times(client, plan):
    answer = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={"body": "Profitez de l’offre d’été !", "theme": "auto", "scheduled_local": "2031-06-02T10:00",
              "action": "schedule"},
        headers=FRENCH,
    )  # fmt: skip

    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    said = "déjà passée (lun. 2 juin 2031, 10:00) : le prochain créneau libre est le lun. 2 juin 2031, 16:00"
    assert said in html
    assert "already past" not in html and "Mon 02 Jun" not in html


def test_the_api_refuses_a_past_time_in_the_language_asked_for_and_keeps_its_keys(app, client, plan):
    post = make_post(plan, when="2031-06-02T10:00:00+02:00")

    answer = client.post(f"/api/v1/posts/{post.id}/schedule", headers=CHINESE)

    error = answer.get_json()["error"]
    assert answer.status_code == 422 and set(error) >= {"message", "fields", "suggested"}
    assert error["message"] == "无法排期在已经过去的时间"
    assert error["fields"]["scheduled_at"].startswith("已经过去（2031年6月2日周一 10:00）：下一个空闲时段是")


def test_a_csv_import_row_error_reads_in_french_for_a_french_reader(client, plan):
    rows = (
        "channel,title,body,link,scheduled_at,on_theme,extra\n"
        "twitter,,Profitez de l’offre d’été !,,2031-06-03T10:00:00+02:00,peut-être,\n"
        "twitter,,Une bonne ligne,,2031-06-03T13:00:00+02:00,,\n"
    )
    answer = client.post(
        f"/plans/{plan.id}/posts/import",
        data={"file": (io.BytesIO(rows.encode()), "publications.csv"), "then": "draft"},
        content_type="multipart/form-data",
        headers=FRENCH,
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<strong>1</strong> ligne sur 2 de publications.csv est désormais une publication" in html
    assert "doit valoir true ou false (ou rester vide : les mots-clés décident)" in html
    assert "Ce qui ne va pas" in html and "What is wrong" not in html


def test_a_history_line_kept_in_english_reads_in_the_readers_language(client, plan):
    post = make_post(plan, when="2031-06-03T10:00:00+02:00")
    posts.unschedule_post(posts.schedule_post(post))

    french = page(client, f"/posts/{post.id}", FRENCH)
    assert "<strong>brouillon</strong> : déprogrammée" in french
    assert "unscheduled" in page(client, f"/posts/{post.id}", {}), "English as the service wrote it"
