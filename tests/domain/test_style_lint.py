import pytest

from scheduler.domain.style_lint.folding import fold_words
from scheduler.domain.style_lint.linter import Linter, lint
from scheduler.domain.style_lint.rules import (
    Draft,
    Finding,
    InvalidPattern,
    TermRule,
    Topic,
    check_rule,
    compile_pattern,
    split_terms,
)
from scheduler.domain.text import fold


def found(body, rules, channel="twitter", title="", link="", topics=()):
    return lint(Draft(channel, body, title=title, link=link), rules, topics)


def spans(body, rules, **kwargs):
    """(code, the original text each finding points at) for the body's findings."""
    return [(f.code, body[f.start : f.end]) for f in found(body, rules, **kwargs) if f.field == "body"]


USE = TermRule(1, "utilise", prefer="use", reason="plain words read faster")


# --- terms --------------------------------------------------------------------------------------


def test_avoid_rule_names_the_word_as_written_and_what_to_write_instead():
    [finding] = found("We Utilise the calendar", [USE])
    assert finding == Finding(
        "style.avoid",
        "avoid “Utilise”: write “use” instead (plain words read faster)",
        "warning",
        "body",
        3,
        10,
        rule_id=1,
        replacement="Use",
    )
    assert finding.to_dict() == {
        "code": "style.avoid",
        "message": finding.message,
        "severity": "warning",
        "field": "body",
        "start": 3,
        "end": 10,
        "rule_id": 1,
        "replacement": "Use",
    }


def test_the_preferred_term_comes_in_the_case_of_the_words_it_replaces_and_a_never_rule_offers_none():
    assert [f.replacement for f in found("utilise, Utilise, UTILISE", [USE])] == ["use", "Use", "USE"]
    brand = TermRule(3, "atlas two", prefer="Atlas 2.0")
    assert [f.replacement for f in found("the atlas two launch", [brand])] == ["Atlas 2.0"]
    assert found("a synergy play", [TermRule(2, "synergy")])[0].replacement is None
    pattern = TermRule(4, r"\bv\d+\b", prefer="version N", is_pattern=True)
    assert found("out in v2 today", [pattern])[0].replacement is None, "a pattern's fix needs a person"


def test_never_rule_without_reason():
    [finding] = found("This is a synergy play", [TermRule(2, "synergy", severity="error")])
    assert finding.code == "style.never"
    assert finding.message == "“synergy” is never used here; rephrase"
    assert finding.severity == "error"


def test_whole_words_only_for_spaced_scripts():
    rule = TermRule(3, "use", prefer="employ")
    assert spans("because we reuse users' useful stuff", [rule]) == []
    assert spans("Because we USE it, use-case", [rule]) == [("style.avoid", "USE"), ("style.avoid", "use")]


def test_accents_do_not_matter_either_way():
    assert spans("Un café, un CAFÉ, un cafe\u0301.", [TermRule(4, "cafe")]) == [
        ("style.never", "café"),
        ("style.never", "CAFÉ"),
        ("style.never", "cafe\u0301"),
    ]
    assert spans("Un cafe", [TermRule(5, "café")]) == [("style.never", "cafe")]
    assert spans("L'été, l’ÉTÉ et ete", [TermRule(6, "ete", prefer="summer")]) == [
        ("style.avoid", "été"),
        ("style.avoid", "ÉTÉ"),
        ("style.avoid", "ete"),
    ]
    assert spans("A complete guide", [TermRule(6, "ete")]) == []


def test_french_elisions_are_dropped():
    rule = TermRule(7, "offre", prefer="promotion")
    assert spans("l'Offre, d’offre, qu'offre", [rule]) == [
        ("style.avoid", "Offre"),
        ("style.avoid", "offre"),
        ("style.avoid", "offre"),
    ]
    assert spans("Les offres", [rule]) == []
    assert spans("l'offre d'été", [TermRule(8, "offre été")]) == [("style.never", "offre d'été")]
    assert spans("Voir l'offre", [TermRule(9, "l'offre")]) == [("style.never", "offre")]


def test_chinese_terms_match_inside_unspaced_text():
    assert spans("现在就来参加夏季优惠活动吧", [TermRule(10, "优惠", prefer="折扣")]) == [("style.avoid", "优惠")]
    assert spans("新款iPhone手机上市", [TermRule(11, "iphone 手机")]) == [("style.never", "iPhone手机")]
    assert spans("现在就来参加夏季活动吧", [TermRule(10, "优惠")]) == []


def test_multi_word_terms_across_spaces_punctuation_and_line_breaks():
    rule = TermRule(12, "promo code", prefer="voucher")
    body = "Use promo\ncode, PROMO-CODE or promo,  code; not promo the code"
    assert spans(body, [rule]) == [
        ("style.avoid", "promo\ncode"),
        ("style.avoid", "PROMO-CODE"),
        ("style.avoid", "promo,  code"),
    ]
    [finding] = found("promo\ncode", [rule])
    assert finding.message == "avoid “promo code”: write “voucher” instead"  # one line in the message


def test_alternatives_separated_by_commas_or_new_lines():
    assert split_terms("Atlas2, Atlas-2,\natlas 2 ,, ") == ["Atlas2", "Atlas-2", "atlas 2"]
    rule = TermRule(13, "Atlas2, Atlas-2\natlas 2", prefer="Atlas 2.0")
    assert spans("atlas2 and ATLAS-2 and Atlas 2 and Atlas 2.0", [rule]) == [
        ("style.avoid", "atlas2"),
        ("style.avoid", "ATLAS-2"),
        ("style.avoid", "Atlas 2"),
    ]


def test_the_preferred_spelling_itself_never_fires():
    rule = TermRule(14, "atlas 2", prefer="Atlas 2.0")
    assert spans("Meet Atlas 2.0 today", [rule]) == []
    assert spans("Meet ATLAS 2.0 today", [rule]) == [("style.avoid", "ATLAS 2")]  # exact spelling only
    product = TermRule(15, "wordpress", prefer="WordPress")
    assert spans("WordPress, wordpress, Wordpress", [product]) == [
        ("style.avoid", "wordpress"),
        ("style.avoid", "Wordpress"),
    ]
    inside = TermRule(16, "cloud", prefer="Atlas Cloud")
    assert spans("Atlas Cloud beats a cloud", [inside]) == [("style.avoid", "cloud")]


def test_terms_scan_title_and_body_but_not_the_link_or_web_addresses():
    findings = found("see https://example.com/utilise", [USE], title="Utilise it", link="https://x.com/utilise")
    assert [(f.field, f.start, f.end) for f in findings] == [("title", 0, 7)]


def test_channel_restricted_rules():
    rule = TermRule(17, "click here", prefer="read the guide", channel="newsletter")
    assert found("Click here", [rule], channel="newsletter")[0].code == "style.avoid"
    assert found("Click here", [rule], channel="twitter") == []


# --- patterns -----------------------------------------------------------------------------------


def test_pattern_rules_match_the_original_text_ignoring_case():
    rule = TermRule(18, r"\bv\d+(\.\d+)?\b", prefer="version N", is_pattern=True, reason="spell it out")
    [finding] = found("Déjà V2.1 arrive", [rule])
    assert (finding.code, finding.start, finding.end) == ("style.pattern", 5, 9)
    assert finding.message == "avoid “V2.1”: write “version N” instead (spell it out)"
    never = TermRule(19, r"!{2,}", is_pattern=True)
    assert [f.message for f in found("Wow!!! ok!", [never])] == ["“!!!” is never used here; rephrase"]


@pytest.mark.parametrize(
    "pattern, words",
    [
        ("(unclosed", "is not a valid regular expression: missing )"),
        ("", "the pattern is empty"),
        ("   ", "the pattern is empty"),
        ("a*", "matches the empty string"),
        (r"\b", "matches the empty string"),
        ("x?|y", "matches the empty string"),
        ("a" * 501, "keep it to 500"),
    ],
)
def test_invalid_patterns_are_refused_with_a_clear_message(pattern, words):
    with pytest.raises(InvalidPattern) as error:
        check_rule(TermRule(20, pattern, is_pattern=True))
    assert words in str(error.value)
    with pytest.raises(ValueError):
        compile_pattern(pattern)


def test_invalid_pattern_message_quotes_the_pattern():
    with pytest.raises(InvalidPattern, match="the pattern “\\(unclosed” is not a valid regular expression"):
        check_rule(TermRule(20, "(unclosed", is_pattern=True))


@pytest.mark.parametrize(
    "rule, words",
    [
        (TermRule(21, ""), "no term to avoid"),
        (TermRule(21, " , \n "), "no term to avoid"),
        (TermRule(21, "🎉"), "no letters or digits"),
        (TermRule(21, "ok", severity="fatal"), "unknown severity"),
        (TermRule(21, "ok", kind="banned"), "unknown rule kind"),
        (TermRule(21, "", kind="disclosure"), "needs the text promotional posts must carry"),
    ],
)
def test_invalid_rules_are_refused(rule, words):
    with pytest.raises(ValueError, match=words):
        check_rule(rule)


def test_valid_rules_pass_and_invalid_ones_are_left_out_of_a_linter():
    check_rule(USE)
    check_rule(TermRule(22, r"\d+ ?%", is_pattern=True))
    check_rule(TermRule(23, "", kind="disclosure", requires="#ad", triggers=("promo",)))
    linter = Linter([USE, TermRule(24, "(", is_pattern=True)])
    assert [compiled.rule.id for compiled in linter.rules] == [1]
    assert linter.invalid[0][0] == 24 and "not a valid regular expression" in linter.invalid[0][1]
    assert [f.rule_id for f in linter.lint(Draft("blog", "utilise ("))] == [1]


# --- disclosures --------------------------------------------------------------------------------

AD = TermRule(
    30,
    "",
    kind="disclosure",
    requires="#ad",
    triggers=("discount", "promo code", "offre", "优惠"),
    reason="the law requires it",
    severity="error",
)


def test_promotional_post_without_the_disclosure_is_flagged_at_the_end_of_the_body():
    body = "Get a 20% discount today"
    [finding] = found(body, [AD])
    assert finding == Finding(
        "style.disclosure",
        "promotional posts must carry “#ad” (the law requires it)",
        "error",
        "body",
        len(body),
        len(body),
        rule_id=30,
    )


@pytest.mark.parametrize(
    "body, title",
    [
        ("Get a 20% discount today #ad", ""),
        ("Get a 20% discount today #AD", ""),
        ("Get a 20% discount today ＃Ad", ""),
        ("Get a 20% discount today", "#ad: summer"),
        ("Our team grew", ""),  # no trigger: not promotional
        ("Our team discounted nothing", ""),  # "discounted" is another word
    ],
)
def test_disclosure_not_needed_or_present(body, title):
    assert found(body, [AD], title=title) == []


@pytest.mark.parametrize(
    "body, title",
    [
        ("Get a 20% discount #adventure", ""),
        ("Use the PROMO\ncode SUMMER", ""),
        ("Profitez de l'Offre", ""),
        ("夏季优惠活动", ""),
        ("", "Big discount"),
    ],
)
def test_disclosure_missing(body, title):
    assert [f.code for f in found(body, [AD], title=title)] == ["style.disclosure"]


def test_disclosure_without_triggers_applies_to_every_post_of_its_channel():
    rule = TermRule(31, "", kind="disclosure", requires="Sponsorisé", channel="ppc")
    assert [f.code for f in found("Anything", [rule], channel="ppc")] == ["style.disclosure"]
    assert found("Anything — sponsorise", [rule], channel="ppc") == []
    assert found("Anything", [rule], channel="twitter") == []
    assert found("Anything", [TermRule(32, "", kind="disclosure", requires="#ad", severity="")])[0].severity == "error"


# --- blog topics --------------------------------------------------------------------------------

TOPICS = [
    Topic(1, "Content planning", ("editorial calendar", "planning", "calendrier éditorial", "内容规划")),
    Topic(2, "Reporting"),
]


def test_blog_draft_naming_a_topic_in_title_or_body_passes():
    assert found("Some text", [], channel="blog", title="Our Editorial Calendar", topics=TOPICS) == []
    assert found("Un calendrier editorial", [], channel="blog", title="Hello", topics=TOPICS) == []
    assert found("关于内容规划的建议", [], channel="blog", topics=TOPICS) == []
    assert found("Monthly reporting made easy", [], channel="blog", topics=TOPICS) == []
    assert found("content\nplanning", [], channel="blog", topics=TOPICS) == []


def test_blog_draft_naming_no_topic_is_flagged_on_its_title():
    [finding] = found("Nothing relevant, plans aside", [], channel="blog", title="My holidays", topics=TOPICS)
    assert finding == Finding(
        "style.topic",
        "name one of the acceptable blog topics: Content planning, Reporting",
        "error",
        "title",
        0,
        len("My holidays"),
    )


def test_topics_only_concern_the_blog():
    assert found("Nothing relevant", [], channel="newsletter", topics=TOPICS) == []
    assert found("Nothing relevant", [], channel="blog", topics=()) == []


# --- links and images ---------------------------------------------------------------------------


def test_untracked_links_in_tracked_channels():
    body = "Read https://example.com/guide. Or [this](https://example.com/a?utm_source=newsletter&x=1)"
    [finding] = found(body, [], channel="newsletter")
    assert finding.code == "style.untracked_link" and finding.severity == "warning"
    assert body[finding.start : finding.end] == "https://example.com/guide"
    assert finding.message == (
        "add UTM tags to https://example.com/guide (utm_source=newsletter&utm_medium=email"
        "&utm_campaign=…) so its clicks can be counted"
    )
    assert found(body, [], channel="twitter") == []


def test_untracked_draft_link():
    [finding] = found("Body", [], channel="ppc", link="https://example.com/p")
    assert (finding.field, finding.start, finding.end) == ("link", 0, len("https://example.com/p"))
    assert "utm_source=google&utm_medium=cpc" in finding.message
    assert found("Body", [], channel="ppc", link="https://example.com/p?utm_campaign=x") == []
    assert found("Body", [], channel="twitter", link="https://example.com/p") == []


def test_images_need_alt_text():
    body = "![](https://img/a.png) ![  ](https://img/b.png) ![A chart](https://img/c.png)"
    findings = found(body, [])
    assert [body[f.start : f.end] for f in findings] == ["![](https://img/a.png)", "![  ](https://img/b.png)"]
    assert findings[0].message == "describe the image in its alt text: ![what it shows](https://img/a.png)"
    assert all(f.code == "style.image_without_alt" and f.severity == "warning" for f in findings)


def test_html_images_need_alt_text():
    body = '<img src="a.png"> <IMG src="b.png" alt=""> <img alt="A chart" src="c.png"> <img src=d.png alt=\'Dog\'/>'
    findings = found(body, [])
    assert [body[f.start : f.end] for f in findings] == ['<img src="a.png">', '<IMG src="b.png" alt="">']
    assert 'src="a.png"' in findings[0].message


def test_image_addresses_are_not_untracked_links():
    assert found("![A chart](https://img.example.com/c.png)", [], channel="newsletter") == []


# --- positions ----------------------------------------------------------------------------------

PREFIXES = [
    "👨‍👩‍👧‍👦 ",  # a family: emoji joined by zero-width joiners
    "🇫🇷🇨🇳 ",  # flags
    "❤️ ",  # with a variation selector
    "夏季优惠活动，",
    "Cafe\u0301 de\u0301ja\u0300 ",  # combining accents
    "Straße ",
    "ﬁne ﬂow ",  # ligatures
    "İstanbul ",
    "… «¼» ",
    "Ｆｕｌｌｗｉｄｔｈ ",
    "𝐁𝐨𝐥𝐝 ",  # mathematical letters (outside the BMP)
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_positions_point_into_the_original_text(prefix):
    rules = [
        TermRule(1, "utilise", prefer="use"),
        TermRule(2, "优惠券"),
        TermRule(3, "promo code"),
        TermRule(4, r"\bv\d+", is_pattern=True),
    ]
    body = prefix + "On utilise le 优惠券 et le promo\ncode v2"
    for title in ("", prefix + "Utilise"):
        findings = found(body, rules, title=title)
        texts = [(f.field, (body if f.field == "body" else title)[f.start : f.end]) for f in findings]
        expected = [("body", "utilise"), ("body", "优惠券"), ("body", "promo\ncode"), ("body", "v2")]
        assert texts == expected + ([("title", "Utilise")] if title else [])


@pytest.mark.parametrize(
    "body, term, expected",
    [
        ("Straße", "strasse", "Straße"),
        ("Une ﬁle", "file", "ﬁle"),
        ("İstanbul", "istanbul", "İstanbul"),
        ("un cafe\u0301", "café", "cafe\u0301"),
        ("🇫🇷 un cafe\u0301\u0301!", "cafe", "cafe\u0301\u0301"),
        ("Ｐｒｏｍｏ", "promo", "Ｐｒｏｍｏ"),
        ("👩🏽‍💻offre", "offre", "offre"),
        ("L’été", "ete", "été"),
        ("qu'Offre", "offre", "Offre"),
    ],
)
def test_matches_on_characters_that_fold_to_several_or_none(body, term, expected):
    [finding] = found(body, [TermRule(1, term)])
    assert body[finding.start : finding.end] == expected


def test_disclosure_of_several_words_may_wrap_and_rules_for_every_channel_may_say_so_with_an_empty_channel():
    rule = TermRule(33, "", kind="disclosure", requires="Sponsored post", channel="")
    assert found("Sponsored\npost", [rule]) == []
    assert [f.start for f in found("Sponsored", [rule])] == [len("Sponsored")]


def test_html_attributes_are_read_one_by_one():
    body = '<img src="x.png?alt=1" data-alt="y"> <img alt=Dog src=a>'
    assert [body[f.start : f.end] for f in found(body, [])] == ['<img src="x.png?alt=1" data-alt="y">']


def test_ss_does_not_match_half_a_sharp_s_word():
    assert found("Straße", [TermRule(1, "stras")]) == []


@pytest.mark.parametrize(
    "text",
    [
        "l'Offre d'été",
        "Profitez de l’OFFRE D’ÉTÉ",
        "现在就来参加夏季优惠活动吧",
        "新款iPhone手机上市",
        "Ｓｕｍｍｅｒ sale",
        "Straße ﬁle İ",
        "cafe\u0301 👨‍👩‍👧 🇫🇷",
        "snake_case and `ticks`",
        "jusqu'à lorsqu'il aujourd'hui",
        "a—b…c",
    ],
)
def test_terms_fold_like_theme_keywords(text):
    assert fold_words(text) == fold(text)


# --- the linter ---------------------------------------------------------------------------------


def test_findings_are_sorted_by_field_then_position():
    findings = found("promo code utilise ![](x.png)", [USE, TermRule(3, "promo code")], title="utilise")
    assert [(f.field, f.start) for f in findings] == [("body", 0), ("body", 11), ("body", 19), ("title", 0)]


def test_a_linter_gives_what_lint_gives_and_can_be_reused():
    rules = [USE, AD, TermRule(3, "优惠")]
    linter = Linter(rules, TOPICS)
    drafts = [
        Draft("blog", "On utilise le 优惠", title="Reporting"),
        Draft("twitter", "nothing"),
        Draft("blog", "discount", title="Hi"),
    ]
    for draft in drafts:
        assert linter.lint(draft) == lint(draft, rules, TOPICS)
    assert [len(linter.lint(draft)) for draft in drafts] == [3, 0, 2]


def test_ten_thousand_drafts_against_fifty_rules():
    rules = [TermRule(i, f"word{i}, other thing {i}", prefer=f"better{i}") for i in range(44)] + [
        USE,
        AD,
        TermRule(50, "优惠"),
        TermRule(51, "atlas 2", prefer="Atlas 2.0"),
        TermRule(52, r"\bv\d+\b", is_pattern=True),
        TermRule(53, "cafe", channel="blog"),
    ]
    linter = Linter(rules, TOPICS)
    bodies = [
        "Nous utilisons l'offre d'été: word7 ici 👨‍👩‍👧 https://example.com/x",
        "夏季优惠活动 Straße ﬁle — Atlas 2.0 and atlas 2, v3 ![](a.png)",
        "A plain English post about our editorial calendar, because planning matters.",
    ]
    channels = ["blog", "newsletter", "twitter", "ppc"]
    total = 0
    for number in range(10_000):
        draft = Draft(channels[number % 4], f"{bodies[number % 3]} {number}", title=f"Post {number}")
        total += len(linter.lint(draft))
    assert total > 10_000


def test_a_pathological_pattern_never_hangs_the_linter():
    """Backtracking that explodes on a long text is cut off: the rule is skipped with a warning."""
    import time

    slow = TermRule(30, r"(\w+\s?)+x$", is_pattern=True)  # exponential for Python's re on a long miss
    started = time.monotonic()
    findings = Linter([slow], []).lint(Draft(channel="twitter", body="word " * 40 + "!"))
    assert time.monotonic() - started < 5
    assert [f.code for f in findings] in ([], ["style.pattern_timeout"])
