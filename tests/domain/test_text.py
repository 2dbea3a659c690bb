"""message_text folds word by word, each distinct word once (FoldedWords): these pin that it says
exactly what folding the whole text said, where words meet emoji, marks, elisions and links."""

import pytest

from scheduler.domain.text import FoldedWords, message_text

SAID = {
    "L’Offre d’été 🍂🍂 arrive : jusqu'à dimanche !": "offre ete arrive a dimanche",
    "Flash_sale on ＳＡＬＥ today ㈱ ™ ℃ ⑴": "flash sale on sale today 1",  # symbols go before NFKC
    "x🍂\u0301y café\u0301 naïve": "x y cafe naive",  # an accent left after an emoji
    "秋季新品已经到店，欢迎本周末来店里看看 🎉 #秋季": "秋季新品已经到店 欢迎本周末来店里看看",
    "Visit WWW.example.com or http://ex.com/a now": "visit or now",
    "l' été  qu’il   a\u00a0b": "ete il a b",  # elision at a word's start, runs of spaces
    "ΟΔΟΣ Straße İstanbul": "οδοσ strasse istanbul",
    "मराठी हिंदी ✅ 1️⃣ 👨\u200d👩\u200d👧": "मराठी हिंदी 1",  # Devanagari signs kept, keycap and ZWJ not
    "": "",
    "🎉 🎉": "",
    "mail me@ex.com, #1 & #tag": "mail me ex com",
}


@pytest.mark.parametrize("text", SAID)
def test_message_text_word_by_word_says_what_the_whole_text_said(text):
    assert message_text(text) == SAID[text]


def test_words_folded_once_for_many_texts_give_the_same_texts():
    words = FoldedWords()
    assert [message_text(text, words) for text in [*SAID, *SAID]] == [*SAID.values(), *SAID.values()]
    assert words["L'ÉTÉ"] == "ete" and words["🎉"] == ""
