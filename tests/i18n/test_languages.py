"""The interface speaks the reader's language: their own choice, else their browser's; English for
scripts and for anyone whose browser asks for a language we do not speak."""

import subprocess
import sys
from pathlib import Path

from scheduler.services import people

ROOT = Path(__file__).resolve().parents[2]


def test_every_sentence_of_the_interface_is_translated_into_french_and_chinese():
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "check"], capture_output=True, text=True, cwd=ROOT
    )
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert " 0 problems" in checked.stdout


def test_a_french_browser_reads_the_pages_in_french(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Bibliothèque" in page and "Guide de style" in page and "Se déconnecter" in page
    assert "Rien dans le guide ne correspond." in page, "the lookup's script takes its words from the page"


def test_a_chinese_browser_reads_them_in_chinese_and_an_unknown_language_in_english(client):
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh">' in chinese and "风格指南" in chinese
    german = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="en">' in german and "Style guide" in german


def test_a_person_who_chose_chinese_reads_chinese_whatever_their_browser_says(app, client, owner):
    people.update_profile(owner, name="Olive", language="zh", time_zone="Europe/Paris")
    page = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "风格指南" in page and "Guide de style" not in page
    people.update_profile(owner, name="Olive", language="", time_zone="Europe/Paris")
    page = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "Guide de style" in page, "left to the browser again"


def test_the_profile_offers_the_browsers_language_and_refuses_one_we_do_not_speak(client):
    page = client.get("/me", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Celle de mon navigateur" in page
    refused = client.post("/me", data={"name": "Olive", "language": "de", "timezone": "Europe/Paris"})
    assert refused.status_code == 422


def test_times_and_shares_are_written_as_the_readers_language_writes_them(app):
    from datetime import UTC, datetime

    from scheduler.domain import formats, language
    from scheduler.infra import catalogs

    moment = datetime(2031, 6, 2, 8, 0, tzinfo=UTC)
    said = {}
    for code in ("en", "fr", "zh"):
        with language.speaking(catalogs.translations(code)):
            said[code] = (formats.instant(moment, "Europe/Paris"), formats.share(0.456))
    assert said["en"] == ("Mon 02 Jun 2031, 10:00", "46%")
    assert said["fr"] == ("lun. 2 juin 2031, 10:00", "46\u00a0%")
    assert said["zh"] == ("2031年6月2日周一 10:00", "46%")
