"""Previews speak the reader's language: the words around a post (who it is from, the thread, the ad's
framing, what is refused) are the reader's; the post's own words stay as written."""

import html

FRENCH, CHINESE = {"Accept-Language": "fr-FR,fr;q=0.9"}, {"Accept-Language": "zh-CN,zh;q=0.9"}
LONG = (
    "Notre offre d'été commence aujourd'hui. Elle couvre chaque plan que nous vendons, pour chaque équipe. "
    "Lisez comment en profiter avant la fin de juin, avec tous les détails utiles pour décider. Posez-nous "
    "vos questions sur n'importe quel canal : nous répondons dans la journée, en anglais, en français ou en chinois."
)


def preview(client, channel, headers, **fields):
    answer = client.post(f"/api/v1/channels/{channel}/preview", json=fields, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return html.unescape(answer.get_data(as_text=True))


def test_a_french_reader_sees_an_x_thread_framed_in_french(client):
    page = preview(client, "twitter", FRENCH, body=LONG, extra={"thread": True})
    assert "Un fil de 2 publications" in page or "Un fil de 3 publications" in page
    assert "Votre compte X / Twitter" in page and 'aria-label="Publication 1 sur' in page
    assert "Notre offre d'été" in page, "the post's own words are left as written"


def test_a_french_reader_is_told_in_french_that_a_too_long_mastodon_post_is_not_sent_as_it_is(client):
    page = preview(client, "mastodon", FRENCH, body="mot " * 200)
    assert "Pas envoyée en l’état : " in page and 'title="Au-delà de la limite"' in page
    assert "A thread of" not in page and "Un fil de" not in page


def test_a_french_reader_sees_the_ad_the_pin_and_the_video_framed_in_french(client):
    ad = preview(
        client,
        "ppc",
        FRENCH,
        body="Offre d'été",
        link="https://www.example.com/ete",
        extra={"headlines": ["Offre d'été", "Chaque plan", "Demandez"], "descriptions": ["Tout compris.", "Juin."]},
    )
    assert "Sponsorisé" in ad and "L’une des combinaisons que Google Ads compose à partir de 3 titres" in ad
    pin = preview(client, "pinterest", FRENCH, title="Été", body="Chaque plan", link="https://www.example.com/e")
    assert "Une épingle a besoin d’une image." in pin
    video = preview(client, "youtube", FRENCH, title="L'offre", body="Tout")
    assert "miniature choisie par YouTube" in video and ">Description<" in video and "privé" in video


def test_a_chinese_reader_sees_the_newsletter_and_a_missing_preview_in_chinese(client):
    issue = preview(client, "newsletter", CHINESE, title="夏季刊", body="新内容。\n\n## 下一期\n\n更多。")
    assert "在收件箱中" in issue and "订阅者收到的这一期：夏季刊" in issue and "个栏目" in issue
    missing = preview(client, "blog", CHINESE, body="还没有标题")
    assert "预览：" in missing and "暂无" in missing
    status = preview(client, "bluesky", CHINESE, body="字" * 400)
    assert "按现状无法发送：" in status and 'title="超出上限"' in status
