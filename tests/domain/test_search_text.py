import re
import sqlite3

import pytest
from markupsafe import Markup

from scheduler.domain.search_text import (
    MAX_QUERY_TERMS,
    MAX_TERM_CHARS,
    fts5_match,
    index_text,
    match_spans,
    query_terms,
    tsquery,
)
from scheduler.services.highlight import highlight

SAFE_TERM = re.compile(r"[^\W_]+\Z")
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji, 7 code points
FLAG_FR = "\U0001f1eb\U0001f1f7"

HOSTILE_QUERIES = [
    '"',
    '""',
    '"unbalanced',
    "AND OR NOT NEAR",
    "NEAR(a b, 3)",
    "a AND",
    "OR",
    "*",
    "calen*",
    "^début",
    "title:calendrier",
    "col:term",
    "{title body}: x",
    "(((",
    "a) OR (b",
    "-offre",
    "+x",
    "a & b | !c <-> d",
    "'; DROP TABLE t; --",
    "x:* & y",
    "\\",
    "\x00\x01\x02\x1f\x7f",
    "a\x00b",
    "\ud800\udfff lone \udc00 surrogates",
    "🎉🎉🎉",
    FAMILY + FLAG_FR,
    "   ",
    "",
    "été" * 4000,
    "x " * 5000,
    "mot" + "-" * 10000,
    "ﷺ ﬁ ½ ℌ ①",
    "\u0301\u0301\u0301",
]
# the hostile queries with no word in them (no letter or digit): nothing to search for
WORDLESS = {
    '"',
    '""',
    "*",
    "(((",
    "\\",
    "\x00\x01\x02\x1f\x7f",
    "🎉🎉🎉",
    FAMILY + FLAG_FR,
    "   ",
    "",
    "\u0301\u0301\u0301",
}


# --- index_text / query_terms ----------------------------------------------------------------


def test_index_text_folds_words_and_cuts_cjk_runs_into_bigrams():
    assert index_text("L'Offre d'été: 夏季优惠!") == "offre ete 夏季 季优 优惠"
    assert index_text("The Editorial Calendar, 2024 edition") == "the editorial calendar 2024 edition"
    assert index_text("") == ""
    assert index_text("!!! 🎉 —") == ""


def test_french_accents_elisions_capitals_and_typographic_apostrophes():
    assert index_text("L’ÉTÉ qu'il fait, jusqu’à l'Île d’Oléron") == "ete il fait a ile oleron"
    assert query_terms("l'été") == ["ete"]
    assert query_terms("L’Été") == ["ete"]
    assert query_terms("ÉTÉ") == ["ete"]
    assert query_terms("qu’il") == ["il"]
    assert query_terms("Straße") == ["strasse"]


def test_chinese_bigrams_single_character_and_mixed_text():
    assert index_text("夏季优惠活动") == "夏季 季优 优惠 惠活 活动"
    assert index_text("夏") == "夏"
    assert index_text("一 夏季") == "一 夏季"
    assert query_terms("优惠") == ["优惠"]
    assert query_terms("夏") == ["夏"]
    assert query_terms("Atlas 2.0 冬季发布") == ["atlas", "2", "0", "冬季", "季发", "发布"]
    assert query_terms("新款iPhone手机") == ["新款", "iphone", "手机"]
    assert index_text("Ｓｕｍｍｅｒ　２０２４") == "summer 2024"  # fullwidth forms and ideographic space


def test_japanese_kana_and_korean():
    assert index_text("カタカナ と ひらがな") == "カタ タカ カナ と ひら らが がな"
    assert query_terms("がぎ") == ["がぎ"]
    assert query_terms("か\u3099") == ["が"]  # combining voicing mark composed
    assert index_text("한국어") == "한국 국어"


def test_query_terms_are_deduplicated_and_capped():
    assert query_terms("Été ete ÉTÉ l'été") == ["ete"]
    assert query_terms("夏季夏季") == ["夏季", "季夏"]
    many = " ".join(f"w{i}" for i in range(100))
    assert query_terms(many) == [f"w{i}" for i in range(MAX_QUERY_TERMS)]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_raise_and_give_only_safe_terms(query):
    terms = query_terms(query)
    assert isinstance(terms, list)
    assert bool(terms) == (query not in WORDLESS), terms
    assert len(terms) <= MAX_QUERY_TERMS
    assert len(set(terms)) == len(terms)
    words = index_text(query).split()
    for term in terms:
        assert SAFE_TERM.match(term), term
        assert '"' not in term and "*" not in term and ":" not in term
        # a word of the query as the index holds it, or the start of one too long to look for whole
        assert term in words or (len(term) == MAX_TERM_CHARS and any(w.startswith(term) for w in words)), term
    assert re.fullmatch(r'("[^\W_]+" OR )*("[^\W_]+"\*?)?', fts5_match(terms))
    assert re.fullmatch(r"([^\W_]+ \| )*([^\W_]+(:\*)?)?", tsquery(terms))


def test_non_string_query_gives_no_terms():
    assert query_terms(None) == []  # type: ignore[arg-type]


# --- fts5_match / tsquery --------------------------------------------------------------------


def test_fts5_match_and_tsquery_expressions():
    assert fts5_match(["offre", "ete"]) == '"offre" OR "ete"*'
    assert fts5_match(["offre", "ete"], prefix_last=False) == '"offre" OR "ete"'
    assert fts5_match([]) == ""
    assert tsquery(["offre", "ete"]) == "offre | ete:*"
    assert tsquery(["offre", "ete"], prefix_last=False) == "offre | ete"
    assert tsquery([]) == ""


def test_cjk_bigrams_are_exact_but_a_single_character_is_completed_as_typed():
    assert fts5_match(["夏季", "优惠"]) == '"夏季" OR "优惠"'
    assert tsquery(["夏季", "优惠"]) == "夏季 | 优惠"
    assert fts5_match(["夏"]) == '"夏"*'
    assert tsquery(["夏"]) == "夏:*"


def test_unsafe_terms_passed_by_hand_are_dropped():
    assert fts5_match(['a"b', "ok", "x*", "", "c:d"]) == '"ok"*'
    assert tsquery(["a|b", "ok", "x:*", "'"]) == "ok:*"
    assert fts5_match("offre") == ""  # type: ignore[arg-type]


# --- against a real SQLite FTS5 table --------------------------------------------------------

DOCS = {
    1: ("Calendrier éditorial", "Le calendrier fixe les dates de publication de l'été."),
    2: ("Offre d'été", "L'Offre d'été commence en juin. Qu'il pleuve ou non !"),
    3: ("Summer promotion", "Write about the summer offer in a friendly tone."),
    4: ("夏季优惠活动", "夏季优惠活动从六月开始，请使用友好的语气。"),
    5: ("Atlas 2.0 冬季发布", "冬季发布会的文案规范。"),
    6: ("Complete guide", "A complete guide to the editorial calendar."),
}


@pytest.fixture
def fts():
    db = sqlite3.connect(":memory:")
    # the style guide's lookups need FTS5: a SQLite without it must fail here, loudly
    db.execute('CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize="unicode61 remove_diacritics 2")')
    for rowid, (title, body) in DOCS.items():
        db.execute("INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)", (rowid, index_text(title), index_text(body)))
    yield db
    db.close()


def search(db, query, prefix_last=True):
    expression = fts5_match(query_terms(query), prefix_last)
    if not expression:
        return []
    rows = db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 5.0, 1.0), rowid", (expression,))
    return [rowid for (rowid,) in rows]


def test_prefix_as_you_type(fts):
    assert search(fts, "calen") == [1, 6]
    assert search(fts, "calen", prefix_last=False) == []
    assert search(fts, "edito") == [1, 6]


def test_accents_and_elisions_either_way(fts):
    for query in ("ete", "été", "ÉTÉ", "l'été", "L’Été"):
        assert set(search(fts, query)) == {1, 2}, query
    assert search(fts, "offre d'ete")[0] == 2  # both words, in the title too
    assert search(fts, "qu'il") == [2]


def test_chinese_bigrams_find_unspaced_words(fts):
    assert search(fts, "优惠") == [4]
    assert search(fts, "夏季优惠") == [4]
    assert search(fts, "发布") == [5]
    assert search(fts, "冬季") == [5]
    assert search(fts, "夏") == [4]  # one character typed so far: completed to 夏季
    assert search(fts, "秋季") == []


def test_best_match_first(fts):
    assert search(fts, "editorial calendar") == [6, 1]  # both English words beat a lone "editorial"
    assert search(fts, "summer")[0] == 3
    assert search(fts, "atlas 2.0") == [5]


INDEXED = {rowid: set(index_text(f"{title} {body}").split()) for rowid, (title, body) in DOCS.items()}


# A wordless query runs no MATCH at all (its expression is empty, and the test above pins that it has
# no terms), so only the queries with words are run against FTS5 here.
@pytest.mark.parametrize("prefix_last", [True, False], ids=["as-you-type", "whole-words"])
@pytest.mark.parametrize("query", [query for query in HOSTILE_QUERIES if query not in WORDLESS])
def test_hostile_queries_find_exactly_the_documents_holding_their_words(fts, query, prefix_last):
    terms = query_terms(query)
    expected = [
        rowid
        for rowid, words in INDEXED.items()
        if words & set(terms) or (prefix_last and any(word.startswith(terms[-1]) for word in words))
    ]
    assert sorted(search(fts, query, prefix_last)) == expected


# --- highlight / match_spans -----------------------------------------------------------------


def test_highlight_escapes_the_original_text():
    out = highlight("<script>alert('été')</script> & co", query_terms("ete"))
    assert isinstance(out, Markup)
    assert out == "&lt;script&gt;alert(&#39;<mark>été</mark>&#39;)&lt;/script&gt; &amp; co"
    assert highlight("<b>x</b>", []) == "&lt;b&gt;x&lt;/b&gt;"
    assert highlight("", ["x"]) == ""


def test_latin_terms_match_at_word_starts_ignoring_accents_and_case():
    text = "L'été, les Étés — a complete guide"
    assert highlight(text, ["ete"]) == "L&#39;<mark>été</mark>, les <mark>Été</mark>s — a complete guide"
    assert highlight("calendrier Calendar", query_terms("calen")) == "<mark>calen</mark>drier <mark>Calen</mark>dar"
    assert match_spans("l'été", ["l"]) == []  # the elision is not a word


def test_spans_map_back_through_length_changing_folds():
    assert match_spans("Straße", ["strasse"]) == [(0, 6)]
    assert match_spans("die Straße", ["stras"]) == [(4, 9)]  # half of ß still marks the whole ß
    assert match_spans("ﬁnal", ["final"]) == [(0, 4)]
    decomposed = "e\u0301te\u0301 ok"  # été with combining accents: 5 code points
    assert match_spans(decomposed, ["ete"]) == [(0, 5)]
    assert highlight(decomposed, ["ok"]) == "e\u0301te\u0301 <mark>ok</mark>"
    assert match_spans("İstanbul", ["istanbul"]) == [(0, 8)]


def test_emoji_and_cjk_before_a_match_do_not_shift_it():
    text = f"🎉{FAMILY} {FLAG_FR} 夏季 Offre d’été"
    start = text.index("Offre")
    assert match_spans(text, ["offre"]) == [(start, start + 5)]
    assert highlight(text, ["ete"]).endswith("d’<mark>été</mark>")
    assert match_spans("🎉夏季优惠", ["优惠"]) == [(3, 5)]


def test_cjk_bigrams_match_inside_words_and_overlaps_merge():
    text = "现在就来参加夏季优惠活动吧"
    assert highlight(text, query_terms("夏季优惠")) == "现在就来参加<mark>夏季优惠</mark>活动吧"
    assert highlight(text, ["优惠", "活动"]) == "现在就来参加夏季<mark>优惠活动</mark>吧"
    assert highlight("Atlas冬季发布", query_terms("atlas 发布")) == "<mark>Atlas</mark>冬季<mark>发布</mark>"


def test_terms_are_normalised_even_when_passed_raw():
    assert match_spans("L'ÉTÉ", ["Été"]) == [(2, 5)]


def test_lone_surrogates_do_not_break_highlighting():
    out = highlight("a\ud800 été", ["ete"])
    assert out == "a\ufffd <mark>été</mark>"
    out.encode("utf-8")


# --- snippets --------------------------------------------------------------------------------


def _plain(snippet: str) -> str:
    return snippet.replace("<mark>", "").replace("</mark>", "")


def test_snippet_around_the_first_match_with_ellipses():
    text = "word " * 50 + "L’été arrive bientôt " + "more " * 50
    out = highlight(text, ["ete"], limit=40)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>été</mark>" in out
    body = _plain(out)[1:-1]
    assert 25 <= len(body) <= 45
    assert body == body.strip()
    assert all(w in ("word", "more", "L’été", "arrive", "bientôt") for w in body.split())  # whole words


def test_snippet_of_a_short_text_is_the_whole_text():
    assert highlight("L'été arrive", ["ete"], limit=100) == "L&#39;<mark>été</mark> arrive"


def test_snippet_without_a_match_starts_at_the_beginning():
    out = highlight("one two three four five six seven eight nine ten", ["zzz"], limit=20)
    assert out.startswith("one two") and out.endswith("…")


def test_snippet_at_the_end_of_the_text():
    text = "x " * 100 + "fin"
    out = highlight(text, ["fin"], limit=20)
    assert out.startswith("…") and out.endswith("<mark>fin</mark>")


def test_snippet_never_cuts_an_emoji_sequence():
    text = "夏季" + FAMILY * 30
    for limit in range(3, 40):
        out = highlight(text, ["夏季"], limit=limit)
        assert out.startswith("<mark>夏季</mark>")
        body = _plain(out).rstrip("…")
        assert re.fullmatch(f"夏季(?:{FAMILY})*", body), limit
    text = FAMILY * 30 + "夏季" + FLAG_FR * 30
    for limit in range(3, 60):
        body = _plain(highlight(text, ["夏季"], limit=limit)).strip("…")
        assert re.fullmatch(f"(?:{FAMILY})*夏季(?:{FLAG_FR})*", body), limit


def test_snippet_never_cuts_a_combining_accent():
    text = "e\u0301" * 40 + " offre " + "e\u0301" * 40
    for limit in range(5, 30):
        body = _plain(highlight(text, ["offre"], limit=limit)).strip("…")
        assert not body.startswith("\u0301")
        assert "offre" in body


def test_chinese_snippet():
    text = "请使用友好的语气。" * 10 + "夏季优惠活动从六月开始" + "。请注意" * 20
    out = highlight(text, query_terms("优惠"), limit=20)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>优惠</mark>" in out
    assert len(_plain(out)) <= 24


def test_random_texts_and_queries_never_break_anything():
    import html
    import random

    rng = random.Random(20240601)
    alphabet = list("ab eéÉ'’ ßﬁ<>&\"*:()-\n\x00") + ["\u0301", "\u200d", "\ufe0f", "\ud800", "\U0001f3fb"]
    alphabet += list("夏季优惠活动カナ한국") + ["🎉", FAMILY, FLAG_FR, "\U0001f1eb"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        terms = query_terms(query)
        assert all(SAFE_TERM.match(t) for t in terms)
        spans = match_spans(text, terms)
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
        scrubbed = re.sub("[\ud800-\udfff]", "\ufffd", text)
        for limit in (None, 1, 5, 17, 40):
            out = highlight(text, terms, limit=limit)
            plain = html.unescape(_plain(str(out)))
            assert plain.strip("…") in scrubbed
            out.encode("utf-8")
