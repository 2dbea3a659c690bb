"""Top performers through the API and the page, on data whose right order is known by construction."""

from tests.factories import make_plan
from tests.library.builders import add_items


def build():
    # tweets: rate grows with n (n% of 10,000 impressions); one lucky tweet seen once, clicked once
    tweets = add_items(
        "twitter",
        [
            {
                "remote_id": f"t{n}",
                "title": f"tweet {n}",
                "days_ago": n,
                "metrics": {"impressions": 10_000, "clicks": n * 100},
            }
            for n in range(1, 21)
        ]
        + [{"remote_id": "lucky", "metrics": {"impressions": 1, "clicks": 1}, "days_ago": 2}],
    )
    # videos: typical rates ten times higher; the best is v20
    videos = add_items(
        "youtube",
        [
            {
                "remote_id": f"v{n}",
                "title": f"video {n}",
                "days_ago": n,
                "content_type": "video",
                "metrics": {"views": 5_000, "likes": n * 500},
            }
            for n in range(1, 21)
        ],
    )
    return tweets, videos


def test_top_items_across_channels_put_each_channels_best_first(app, client):
    tweets, videos = build()
    top = client.get("/api/v1/library/items?top=4").get_json()
    assert {i["id"] for i in top[:2]} == {tweets["t20"], videos["v20"]}, "the best of each channel lead"
    assert {i["id"] for i in top[2:4]} == {tweets["t19"], videos["v19"]}
    assert abs(top[0]["score"] - top[1]["score"]) < 1 and top[1]["score"] > 90, "comparable across channels"
    assert all(set(i) >= {"id", "channel", "title", "link", "published_at", "metrics", "score"} for i in top)
    assert tweets["lucky"] not in {i["id"] for i in top}, "one click from one impression proves nothing"


def test_top_items_of_one_channel_since_a_date(app, client):
    _, videos = build()
    newest_first = client.get("/api/v1/library/items?channel=youtube").get_json()  # newest first without top
    assert [i["title"] for i in newest_first[:2]] == ["video 1", "video 2"]
    cutoff = next(i for i in newest_first if i["id"] == videos["v5"])["published_at"]
    top = client.get("/api/v1/library/items", query_string={"channel": "youtube", "top": 3, "since": cutoff}).get_json()
    assert [i["id"] for i in top] == [videos["v5"], videos["v4"], videos["v3"]]


def test_theme_filter_uses_the_plans_keywords(app, client):
    add_items(
        "blog",
        [
            {"remote_id": "a", "title": "Offre d'été : trois idées", "metrics": {"impressions": 100, "clicks": 5}},
            {"remote_id": "b", "title": "Winter news", "metrics": {"impressions": 100, "clicks": 9}},
        ],
    )
    plan = make_plan()
    on = client.get(f"/api/v1/library/items?theme=on&plan_id={plan.id}").get_json()
    off = client.get(f"/api/v1/library/items?theme=off&plan_id={plan.id}").get_json()
    assert [i["title"] for i in on] == ["Offre d'été : trois idées"] and [i["title"] for i in off] == ["Winter news"]


def test_bad_filters_are_named(client):
    answer = client.get("/api/v1/library/items?top=zero&channel=fax&since=yesterday&theme=on")
    assert answer.status_code == 400
    assert set(answer.get_json()["error"]["fields"]) >= {"top", "channel", "since", "plan_id"}


def test_patterns_are_shown_only_with_enough_data(app, client):
    add_items(
        "twitter",
        [
            {
                "remote_id": f"g{n}",
                "link": f"https://example.com/guides/{n}",
                "days_ago": n % 30,
                "metrics": {"impressions": 1000, "replies": 30 + n % 3},
            }
            for n in range(40)
        ]
        + [
            {
                "remote_id": f"o{n}",
                "link": f"https://example.com/news/{n}",
                "days_ago": n % 30,
                "metrics": {"impressions": 1000, "replies": 10 + n % 3},
            }
            for n in range(60)
        ],
    )
    found = client.get("/api/v1/library/patterns?channel=twitter").get_json()
    guides = next(p for p in found if p["value"] == "/guides/")
    assert guides["n"] == 40 and 2.5 < guides["lift"] < 3.5 and "/guides/" in guides["sentence"]
    page = client.get("/library?channel=twitter").get_data(as_text=True)
    assert "tweets linking to /guides/" in page and "<svg" in page


def test_the_library_page_with_nothing_in_it_says_what_to_do(client):
    page = client.get("/library").get_data(as_text=True)
    assert "Add the feeds" in page
