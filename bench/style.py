"""The style guide at scale: lookups over 10k entries (the database's full-text index vs a LIKE scan,
median and p95 per query), and linting 10k drafts (the compiled linter vs a regex per rule and draft)."""

import random
import re
import statistics
import time

from sqlalchemy import case, insert, or_, select

from bench.common import bench_app
from scheduler.domain.search_text import index_text
from scheduler.domain.style_lint.rules import Draft
from scheduler.models import StyleEntry
from scheduler.models.database import db
from scheduler.services import style, style_checks

WORDS_EN = (
    "calendar tweet newsletter theme plan quarter launch report refund complaint customer answer hour "
    "reply guide link image alt campaign budget headline subject preheader video thumbnail"
).split()
WORDS_FR = (
    "calendrier réclamation été offre lancement rapport courriel réponse client guide thème trimestre "
    "campagne vidéo titre"
).split()
WORDS_ZH = ["夏季优惠", "客户投诉", "内容规划", "冬季发布", "回复", "指南", "视频", "标题"]
KINDS = ("script", "guideline", "example", "topic")


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Real words first (the common ones), then made-up ones with a long tail, as a real guide has."""
    letters = "abcdefghijklmnopqrstuvwxyzéèàç"
    made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]
    return WORDS_EN + WORDS_FR + made_up


def sentence(rng: random.Random, length: int, words: list[str]) -> str:
    if rng.random() < 0.2:
        return "".join(rng.choice(WORDS_ZH) for _ in range(max(2, length // 3)))
    return " ".join(words[int(len(words) * rng.random() ** 3)] for _ in range(length))


def populate(count: int, rng: random.Random, words: list[str]) -> None:
    rows = []
    for n in range(count):
        title = f"{sentence(rng, 3, words)} {n}"
        body = ". ".join(sentence(rng, rng.randint(6, 14), words) for _ in range(rng.randint(2, 6)))
        rows.append(
            {
                "kind": KINDS[n % len(KINDS)],
                "channel": None,
                "title": title,
                "body": body,
                "avoid": "",
                "prefer": "",
                "is_pattern": False,
                "severity": "warning",
                "rule": "term",
                "requires": "",
                "triggers": [],
                "keywords": [],
                "version": 1,
                "updated_by": "bench",
                "body_text": body,
                "search_title": index_text(title),
                "search_body": index_text(body),
            }
        )
    for start in range(0, count, 2000):
        db.session.execute(insert(StyleEntry), rows[start : start + 2000])
    db.session.commit()


def like_scan(query: str, limit: int = 20):
    """What a lookup without a search index does: a LIKE per word over title and body, title matches
    first (so every row is read), no accent folding, no highlights."""
    words = query.split() or [query]
    in_title = [StyleEntry.title.ilike(f"%{w}%") for w in words]
    clauses = [or_(StyleEntry.title.ilike(f"%{w}%"), StyleEntry.body.ilike(f"%{w}%")) for w in words]
    return db.session.execute(
        select(StyleEntry.id, StyleEntry.title)
        .where(or_(*clauses))
        .order_by(case((or_(*in_title), 0), else_=1), StyleEntry.id)
        .limit(limit)
    ).all()


def latencies(function, queries) -> list[float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        function(query)
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def lookup_bench(count: int):
    rng = random.Random(5)
    words = vocabulary(rng)
    populate(count, rng, words)

    def word():
        return words[int(len(words) * rng.random() ** 2)]

    queries = (
        [word()[: rng.randint(3, 8)] for _ in range(100)]
        + [rng.choice(WORDS_ZH) for _ in range(50)]
        + [f"{word()} {word()}" for _ in range(50)]
    )
    style.search(queries[0])  # warm the page cache for both
    ours = latencies(style.search, queries)
    scan = latencies(like_scan, queries)
    found = sum(bool(style.search(q)) for q in queries)
    print(f"style guide lookups over {count:,} entries (English, French, Chinese), SQLite, {len(queries)} queries:")
    print(
        f"  LIKE scan (no folding, no highlights): median {statistics.median(scan) * 1000:7.2f} ms, "
        f"p95 {p95(scan) * 1000:7.2f} ms"
    )
    print(
        f"  FTS5, ranked, highlighted, top 20:     median {statistics.median(ours) * 1000:7.2f} ms, "
        f"p95 {p95(ours) * 1000:7.2f} ms  = {statistics.median(ours) / statistics.median(scan):.2f}x / "
        f"{p95(ours) / p95(scan):.2f}x the scan"
    )
    print(f"  queries with results: {found} of {len(queries)}")
    typo_bench(rng, words, ours)


def slip(rng: random.Random, word: str) -> str:
    """The word with one typing slip: a letter dropped, doubled or two swapped."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + word[at] + word[at:]
    return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]


def typo_bench(rng: random.Random, words: list[str], exact: list[float]):
    """Lookups with a slip ("refnd"): the guide's words near it looked up too (domain.near_words)."""
    from scheduler.services import style_vocabulary

    style_vocabulary._cache.clear()
    start = time.perf_counter()
    known = style_vocabulary.vocabulary()
    built = time.perf_counter() - start
    folded = [index_text(w) for w in words if len(w) >= 6 and index_text(w).isascii() and index_text(w) in known]
    typos = [slip(rng, word) for word in rng.sample(folded, 50)]
    typos = [t for t in typos if t not in known]
    slipped = latencies(style.search, [f"{t} " for t in typos])  # a finished word, not a prefix being typed
    found = sum(bool(style.search(f"{t} ")) for t in typos)
    print(
        f"  with one slip ({len(typos)} queries; vocabulary of {len(known):,} words, built in {built * 1000:.0f} ms "
        f"once per change): median {statistics.median(slipped) * 1000:7.2f} ms, p95 {p95(slipped) * 1000:7.2f} ms "
        f"= {statistics.median(slipped) / statistics.median(exact):.2f}x the lookups above; "
        f"found {found} of {len(typos)}"
    )


RULES = [
    {"kind": "term_rule", "title": f"rule {n}", "avoid": f"{w}", "prefer": f"better {w}", "severity": "warning"}
    for n, w in enumerate(WORDS_EN + WORDS_FR + WORDS_ZH[:4])
]


def naive_lint(drafts, rules):
    """One regular expression per rule and draft, compiled on the spot, no folding of accents."""
    found = 0
    for draft in drafts:
        for rule in rules:
            for term in rule["avoid"].split(","):
                found += len(re.findall(r"\b" + re.escape(term.strip()) + r"\b", draft.body, re.IGNORECASE))
    return found


def lint_bench(count: int):
    for rule in RULES:
        style.create_entry(rule, "bench")
    rng = random.Random(6)
    words = vocabulary(rng)
    drafts = [
        Draft(
            channel=rng.choice(("twitter", "blog", "newsletter")),
            title=sentence(rng, 4, words),
            body=". ".join(sentence(rng, rng.randint(8, 20), words) for _ in range(3)),
        )
        for _ in range(count)
    ]
    linter = style_checks.linter()
    start = time.perf_counter()
    findings = sum(len(linter.lint(d)) for d in drafts)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    naive = naive_lint(drafts, RULES)
    baseline = time.perf_counter() - start
    print(f"linting {count:,} drafts against {len(RULES)} term rules (+ topics, UTM, alt text):")
    print(f"  naive (a regex per rule and draft):  {baseline:6.2f} s  ({naive:,} matches)")
    print(
        f"  Refrain's linter (folded, indexed):  {ours:6.2f} s  = {ours / baseline:.2f}x; "
        f"{count / ours:,.0f} drafts/s ({findings:,} findings)"
    )


def main(count=None):
    with bench_app():
        lookup_bench(count or 10_000)
    with bench_app():
        lint_bench(count or 10_000)
