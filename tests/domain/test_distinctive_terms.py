"""The words behind a pattern: French, Chinese and English comments folded the way theme matching folds
them, scored by log-likelihood against the other comments of the window."""

import math

import pytest

from scheduler.domain.distinctive_terms import (
    TermCounts,
    comment_terms,
    distinctive_terms,
    log_likelihood,
    surface_forms,
)

BACKGROUND = [
    "How do I add a second channel to the plan?",
    "Comment ajouter un compte au calendrier ?",
    "如何设置每周的主题？",
    "Love how the calendar keeps everyone on theme!",
    "Bravo pour le rapport, très clair.",
    "冬季发布的新功能很好用。",
    "Where is the export button for the report?",
    "Merci pour la réponse rapide.",
] * 10


def reference(texts=BACKGROUND) -> TermCounts:
    return TermCounts.of(comment_terms(t) for t in texts)


def test_a_comments_terms_are_folded_like_theme_matching_without_function_words():
    assert comment_terms("L'Été, j'ai RECU mon Remboursé !") == {"ete", "recu", "rembourse"}
    assert comment_terms("Still waiting for my refund, order 1234 https://example.com/x @support #fail") == {
        "waiting",
        "refund",
        "order",
    }
    assert comment_terms("我要退款") == {"我要", "要退", "退款"}
    assert "我们" not in comment_terms("我们的退款"), "a bigram of particles says nothing"


def test_the_display_form_keeps_the_accents_people_wrote():
    assert surface_forms("Toujours pas de remboursement, l'agent a été DÉSAGRÉABLE") | {} == {
        "toujours": "toujours",
        "pas": "pas",
        "de": "de",
        "remboursement": "remboursement",
        "agent": "agent",
        "a": "a",
        "ete": "été",
        "desagreable": "désagréable",
    }


def test_g2_is_zero_for_equal_shares_and_grows_with_the_difference():
    assert log_likelihood(10, 90, 100, 900) == pytest.approx(0.0, abs=1e-9)
    weak, strong = log_likelihood(15, 85, 100, 900), log_likelihood(40, 60, 100, 900)
    assert 0 < weak < strong
    # the 2 × 2 table by hand: 2 Σ O ln(O/E)
    a, b, c, d = 8, 2, 10, 80
    n = a + b + c + d
    expected = [(a + b) * (a + c) / n, (a + b) * (b + d) / n, (c + d) * (a + c) / n, (c + d) * (b + d) / n]
    by_hand = 2 * sum(o * math.log(o / e) for o, e in zip((a, b, c, d), expected, strict=True))
    assert log_likelihood(a, b, c, d) == pytest.approx(by_hand)


def test_french_refund_complaints_are_summed_up_by_their_own_words():
    pattern = list(
        enumerate(
            [
                "Toujours pas de remboursement, le chat s'est coupé.",
                "J'attends mon remboursement depuis un mois, l'agent du chat ne répond plus.",
                "Remboursement promis, jamais reçu.",
                "Le chat s'est coupé, toujours rien.",
                "Merci pour la réponse rapide.",
            ],
            start=1,
        )
    )
    terms = {t.term: t for t in distinctive_terms(pattern, reference(), top=3)}
    assert set(list(terms)[:2]) == {"remboursement", "chat"}
    assert terms["remboursement"].shown == "remboursement" and terms["remboursement"].comment_ids == (1, 2, 3)
    assert terms["chat"].comment_ids == (1, 2, 4)
    assert "merci" not in [t.term for t in distinctive_terms(pattern, reference())], "as common elsewhere"


def test_chinese_comments_are_cut_into_bigrams_and_a_shifted_bigram_is_not_said_twice():
    pattern = list(
        enumerate(
            [
                "我申请退款已经三周了，客服聊天突然断开。",
                "退款一直没有到账。",
                "退款还没到，客服不回复。",
                "如何设置每周的主题？",
            ],
            start=10,
        )
    )
    terms = distinctive_terms(pattern, reference())
    found = [t.term for t in terms]
    assert found[0] == "退款" and terms[0].comment_ids == (10, 11, 12)
    assert "客服" in found
    assert "申请" not in found, "in one comment only: not a term"
    assert "款已" not in found and "请退" not in found


def test_english_terms_ignore_case_and_link_to_the_comments_that_hold_them():
    pattern = [
        (101, "The Chat agent disconnected before my REFUND was confirmed."),
        (102, "Refund still missing; the chat closed on me."),
        (103, "Where is my refund? Chat was useless."),
        (104, "Love how the calendar keeps everyone on theme!"),
    ]
    terms = {t.term: t for t in distinctive_terms(pattern, reference())}
    assert terms["refund"].comment_ids == (101, 102, 103) and terms["refund"].shown == "refund"
    assert terms["chat"].in_pattern == 3 and terms["chat"].in_reference == 0
    assert "calendar" not in terms


def test_a_term_needs_two_comments_and_more_weight_than_elsewhere():
    pattern = [(1, "refund refund refund refund"), (2, "calendar"), (3, "calendar theme")]
    found = [t.term for t in distinctive_terms(pattern, reference(["the calendar, again"] * 30))]
    assert "refund" not in found, "one long rant is one comment"
    assert found == [], "the calendar is said in every other comment too"


def test_counts_without_a_patterns_own_comments():
    window = reference(BACKGROUND + ["refund now", "refund please"])
    mine = reference(["refund now", "refund please"])
    rest = window.minus(mine)
    assert rest.comments == len(BACKGROUND) and "refund" not in rest.docs
