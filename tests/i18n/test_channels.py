"""The channels, their accounts, the UTM link builder and the media library speak the reader's language:
the pages' words, the fields an adapter asks for, a channel's label wherever it is shown, and what an
adapter or a service says when it refuses."""

import io

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def page(client, address, headers):
    return client.get(address, headers=headers).get_data(as_text=True)


def test_a_french_reader_connects_accounts_in_french(client):
    accounts = page(client, "/accounts", FRENCH)
    assert "Là où chaque canal publie quand Refrain fonctionne avec" in accounts
    assert "Connecter un compte Mastodon" in accounts and "Adresse de l’instance" in accounts
    assert "Serveur SMTP" in accounts and "(facultatif)" in accounts
    assert "Lettre d’information" in accounts, "the newsletter channel's label"
    assert "Connect a Mastodon account" not in accounts


def test_a_chinese_reader_connects_accounts_in_chinese(client):
    accounts = page(client, "/accounts", CHINESE)
    assert "连接 Mastodon 账户" in accounts and "实例地址" in accounts and "电子报" in accounts
    assert "Refrain 正以" in accounts, "the delivery mode, in a sentence"


def test_an_account_refused_by_its_own_rules_says_why_in_french(client):
    refused = client.post(
        "/accounts/mastodon",
        data={"name": "Atlas", "instance": "https://mastodon.example", "access_token": "line\nbreak"},
        headers=FRENCH,
    )
    assert refused.status_code == 422
    assert "contient un saut de ligne ou un caractère de contrôle" in refused.get_data(as_text=True)


def test_the_utm_builder_speaks_french_and_chinese_and_refuses_in_them(client):
    french = page(client, "/tools/utm", FRENCH)
    assert "Générateur de liens UTM" in french and "Créer le lien" in french and "Campagne" in french
    chinese = page(client, "/tools/utm", CHINESE)
    assert "UTM 链接生成器" in chinese and "生成链接" in chinese
    wrong = {"url": "example.com", "source": "google", "medium": "cpc", "campaign": "x"}
    refused = client.post("/tools/utm", data=wrong, headers=FRENCH)
    assert refused.status_code == 422
    assert "doit être une adresse http:// ou https://" in refused.get_data(as_text=True)
    refused = client.post("/tools/utm", data=wrong, headers=CHINESE)
    assert "必须是 http:// 或 https:// 地址" in refused.get_data(as_text=True)


def test_the_media_library_speaks_french_and_chinese(client):
    french = page(client, "/media", FRENCH)
    assert "Images et vidéos pour les publications de l’équipe" in french
    assert "Téléverser" in french and "Pas encore de médias : téléversez une image ou une vidéo ci-dessus." in french
    chinese = page(client, "/media", CHINESE)
    assert "供团队帖子使用的图片和视频" in chinese and "上传" in chinese


def test_a_file_that_is_no_picture_is_refused_in_the_readers_language(client):
    pdf = io.BytesIO(b"%PDF-1.7 not a picture")
    refused = client.post(
        "/api/v1/media", data={"file": (pdf, "offer.jpg")}, content_type="multipart/form-data", headers=FRENCH
    )
    assert refused.status_code == 422
    said = refused.get_json()["error"]["fields"]["file"]
    assert said.startswith("contient un document PDF, pas une image ni une vidéo que Refrain accepte (images JPEG")


def test_a_post_too_long_for_x_is_refused_in_french_for_a_french_reader(client):
    checked = client.post("/api/v1/channels/twitter/validate", json={"body": "字" * 141}, headers=FRENCH).get_json()
    assert not checked["valid"]
    too_long = next(p for p in checked["problems"] if p["code"] == "too_long")
    assert too_long["message"].startswith("2 caractères pondérés au-delà de la limite de 280")
    english = client.post("/api/v1/channels/twitter/validate", json={"body": "字" * 141}).get_json()
    assert "2 weighted characters over the limit of 280" in english["problems"][0]["message"]


def test_a_chinese_reader_is_told_a_blog_post_needs_a_title(client):
    checked = client.post("/api/v1/channels/blog/validate", json={"body": "正文"}, headers=CHINESE).get_json()
    assert "博客文章需要标题" in [p["message"] for p in checked["problems"]]


def test_channel_labels_are_translated_where_they_hold_words(client):
    french = page(client, "/library", FRENCH)
    assert ">Lettre d’information</option>" in french and ">Page Facebook</option>" in french
    assert ">X / Twitter</option>" in french and ">Mastodon</option>" in french, "proper names stay"
    chinese = page(client, "/library", CHINESE)
    assert ">电子报</option>" in chinese and ">博客</option>" in chinese
    english = page(client, "/library", {})
    assert ">Newsletter</option>" in english
