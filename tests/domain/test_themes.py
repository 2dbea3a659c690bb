from scheduler.domain.text import fold, message_text
from scheduler.domain.themes import ThemeMatch, decide_theme, match_keywords


def test_french_keywords_ignore_accents_elisions_capitals_and_curly_apostrophes():
    keywords = ["offre été", "rentrée"]
    assert match_keywords("Profitez de l'Offre d'été !", keywords) == ["offre été"]
    assert match_keywords("Profitez de l’OFFRE D’ÉTÉ", keywords) == ["offre été"]
    assert match_keywords("C'est la Rentrée !", keywords) == ["rentrée"]
    assert match_keywords("RENTREE des classes", keywords) == ["rentrée"]


def test_spaced_words_never_match_inside_another_word():
    assert match_keywords("A complete guide", ["été", "ete"]) == []
    assert match_keywords("Les rentrées", ["rentrée"]) == []


def test_chinese_keywords_match_inside_unspaced_text():
    assert match_keywords("现在就来参加夏季优惠活动吧", ["夏季优惠", "冬季"]) == ["夏季优惠"]
    assert match_keywords("新款iPhone手机上市", ["iPhone 手机"]) == ["iPhone 手机"]
    assert match_keywords("Ｓｕｍｍｅｒ sale", ["summer"]) == ["summer"]  # fullwidth letters


def test_keywords_reported_as_given_once_and_blank_ones_ignored():
    assert match_keywords("L'été arrive", ["été", "Été", "  ", ""]) == ["été"]


def test_manual_choice_wins_but_matches_are_still_reported():
    keywords = ["rentrée"]
    assert decide_theme("C'est la rentrée", keywords, None) == ThemeMatch(True, ("rentrée",), "keywords")
    assert decide_theme("C'est la rentrée", keywords, False) == ThemeMatch(False, ("rentrée",), "manual")
    assert decide_theme("Nothing here", keywords, True) == ThemeMatch(True, (), "manual")


def test_folding_keeps_cjk_and_message_text_sets_aside_links_tags_and_emoji():
    assert fold("l'Offre d'été") == "offre ete"
    assert fold("がぎ 한국어") == "がぎ 한국어"
    assert message_text("Big news 🎉🎉 https://ex.com/a?b=1 #Launch @team!") == "big news"
