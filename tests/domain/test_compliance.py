import csv
import io
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from scheduler.domain.compliance import compliance_from_tallies, compliance_report, empty_tallies
from scheduler.domain.compliance_csv import report_rows_csv
from scheduler.domain.facts import CommitmentFacts, PlanFacts, PostFacts

PARIS = ZoneInfo("Europe/Paris")
SEED_TWITTER = CommitmentFacts("twitter", posts=4, per="day", on_theme_min=1, one_note_max_share=0.5)


def make_plan(starts_on, ends_on):
    return PlanFacts(1, "Autumn", "autumn", "Fall for us", ("autumn",), starts_on, ends_on, "Europe/Paris")


def post(post_id, day, hour=10, on_theme=True, channel="twitter", status="scheduled", minute=0, text="", by_hand=False):
    local = datetime.combine(day, time(hour, minute), PARIS)
    return PostFacts(post_id, channel, local.astimezone(timezone.utc), status, on_theme, text, recorded_by_hand=by_hand)


def channel_row(report, channel="twitter"):
    return next(row for row in report["channels"] if row["channel"] == channel)


def test_contract_check():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 7))
    twitter = CommitmentFacts("twitter", posts=2, per="day", on_theme_min=1, one_note_max_share=0.5)
    row = channel_row(compliance_report(plan, [twitter], [post(1, date(2031, 9, 2))]))
    assert (row["committed_posts"], row["coverage_ratio"], row["status"]) == (14, 1.0, "one_note")


def test_seed_twitter_over_a_quarter_with_a_clock_change():
    plan = make_plan(date(2031, 10, 1), date(2031, 12, 31))
    posts = [
        post(1, date(2031, 12, 31), hour=23, minute=30),  # last evening: counts
        post(2, date(2032, 1, 1), hour=0, minute=30),  # next morning: outside the plan
        post(3, date(2031, 10, 26), hour=0, minute=30),  # 25-hour day, before the change
        post(4, date(2031, 10, 26), hour=23, minute=30),  # 25-hour day, after the change
    ]
    row = channel_row(compliance_report(plan, [SEED_TWITTER], posts))
    assert (row["periods"]["total"], row["committed_posts"], row["posts"]) == (92, 368, 3)
    by_day = {d["first_day"]: d["posts"] for d in row["period_details"]}
    assert by_day["2031-10-26"] == 2 and by_day["2031-12-31"] == 1
    assert row["weeks"][1]["committed"] == 28  # a full ISO week of 4 a day


def test_each_period_status_counted_once_in_the_first_that_applies():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 4))
    commitment = CommitmentFacts("twitter", posts=2, per="day", on_theme_min=1, one_note_max_share=0.5)
    day = [date(2031, 9, d) for d in range(1, 5)]
    posts = [
        post(1, day[0], on_theme=False),  # short (and below the floor: counted as short)
        post(2, day[1], on_theme=False),
        post(3, day[1], on_theme=False),  # below_floor
        post(4, day[2]),
        post(5, day[2]),  # one_note
        post(6, day[3]),
        post(7, day[3], on_theme=False),  # met
    ]
    row = channel_row(compliance_report(plan, [commitment], posts))
    assert [d["status"] for d in row["period_details"]] == ["short", "below_floor", "one_note", "met"]
    assert row["periods"] == {"total": 4, "met": 1, "below_floor": 1, "one_note": 1, "short": 1}


def test_channel_statuses():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 2))
    day1, day2 = date(2031, 9, 1), date(2031, 9, 2)
    commitment = CommitmentFacts("twitter", posts=2, per="day", on_theme_min=1, one_note_max_share=0.5)

    def status(*posts):
        return channel_row(compliance_report(plan, [commitment], posts))["status"]

    def balanced_day(day, first_id):
        return [post(first_id, day), post(first_id + 1, day, on_theme=False)]

    assert status(*balanced_day(day1, 1), *balanced_day(day2, 3)) == "ok"
    assert status(*balanced_day(day1, 1)) == "behind"
    assert status() == "behind"
    assert status(post(1, day1, on_theme=False), post(2, day2, on_theme=False)) == "below_floor"
    assert status(post(1, day1), post(2, day2)) == "one_note"


def test_only_committed_channels_and_counted_statuses_count():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 7))
    day = date(2031, 9, 3)
    posts = [
        post(1, day, on_theme=False),
        post(2, day, status="published"),
        post(3, day, status="unconfirmed"),
        post(4, day, status="draft"),
        post(5, day, status="failed"),
        post(6, day, status="cancelled"),
        post(7, day, channel="blog"),  # no commitment on the blog
    ]
    report = compliance_report(plan, [SEED_TWITTER], posts)
    row = channel_row(report)
    assert (row["posts"], row["published"], row["on_theme"]) == (3, 1, 2)
    assert report["theme_coverage_ratio"] == 2 / 3
    assert [r["channel"] for r in report["channels"]] == ["twitter"]


def test_no_posts_gives_null_ratios_and_zero_posts_per_period_no_division_by_zero():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 30))
    optional = CommitmentFacts("blog", posts=0, per="month", on_theme_min=0, one_note_max_share=1.0)
    report = compliance_report(plan, [SEED_TWITTER, optional], [])
    assert report["theme_coverage_ratio"] is None
    blog = channel_row(report, "blog")
    assert (blog["coverage_ratio"], blog["floor"], blog["status"]) == (None, 0.0, "ok")
    assert channel_row(report)["status"] == "behind"


def test_weekly_commitment_is_prorated_over_clipped_weeks():
    plan = make_plan(date(2031, 10, 1), date(2031, 10, 31))  # starts on a Wednesday
    monthly = CommitmentFacts("newsletter", posts=31, per="month", on_theme_min=1, one_note_max_share=1.0)
    weeks = channel_row(compliance_report(plan, [monthly], []), "newsletter")["weeks"]
    assert (weeks[0]["week_start"], weeks[0]["week_end"], weeks[0]["committed"]) == ("2031-10-01", "2031-10-05", 5.0)
    assert weeks[1]["committed"] == 7.0
    assert sum(w["committed"] for w in weeks) == 31
    one = CommitmentFacts("newsletter", posts=1, per="month", on_theme_min=1, one_note_max_share=1.0)
    weeks = channel_row(compliance_report(plan, [one], []), "newsletter")["weeks"]
    assert [w["committed"] for w in weeks] == [0.16, 0.23, 0.23, 0.23, 0.16], "5/31 and 7/31, to two places"


def test_the_csv_is_one_table_a_row_per_channel_and_week_with_the_plan_and_ratios_rounded():
    plan = make_plan(date(2031, 9, 3), date(2031, 9, 14))  # a Wednesday: the first week is clipped
    posts = [post(1, date(2031, 9, 3)), post(2, date(2031, 9, 4)), post(3, date(2031, 9, 5), on_theme=False)]
    blog = CommitmentFacts("blog", posts=1, per="week", on_theme_min=1, one_note_max_share=0.8)
    report = compliance_report(plan, [SEED_TWITTER, blog], posts, repeated=[], today=date(2031, 9, 9))
    rows = list(csv.DictReader(io.StringIO(report_rows_csv(report))))
    assert [(r["channel"], r["week_start"], r["week_end"], r["timing"]) for r in rows] == [
        ("twitter", "2031-09-03", "2031-09-07", "past"),
        ("twitter", "2031-09-08", "2031-09-14", "current"),
        ("blog", "2031-09-03", "2031-09-07", "past"),
        ("blog", "2031-09-08", "2031-09-14", "current"),
    ]
    assert {(r["plan"], r["plan_starts_on"], r["plan_ends_on"]) for r in rows} == {
        ("Autumn", "2031-09-03", "2031-09-14")
    }
    first = rows[0]
    assert (first["committed"], first["posts"], first["on_theme"], first["coverage_ratio"]) == ("20", "3", "2", "0.667")
    assert (first["floor"], first["ceiling"], first["coverage_band"]) == ("0.25", "0.5", "above_ceiling")
    assert (first["periods_ending"], first["periods_short"], first["periods_met"]) == ("5", "5", "0")
    assert rows[1]["coverage_ratio"] == "" and rows[1]["periods_ending"] == "7"
    assert (first["judged"], first["channel_status"]) == ("false", "one_note"), "3 posts of a 4-a-day commitment"
    for channel in ("twitter", "blog"):
        row = channel_row(report, channel)
        mine = [r for r in rows if r["channel"] == channel]
        assert sum(float(r["committed"]) for r in mine) == row["committed_posts"]
        assert sum(int(r["posts"]) for r in mine) == row["posts"]
        assert sum(int(r["periods_ending"]) for r in mine) == row["periods"]["total"]


def test_a_small_plan_gives_the_whole_report_field_by_field():
    """Every field of the contract's shape, for a plan small enough to count by hand."""
    plan = PlanFacts(
        7, "Rentrée", "rentrée", "Back to it", ("rentree", "back"), date(2031, 9, 1), date(2031, 9, 3), "Europe/Paris"
    )
    twitter = CommitmentFacts("twitter", posts=2, per="day", on_theme_min=1, one_note_max_share=0.5)
    blog = CommitmentFacts("blog", posts=1, per="week", on_theme_min=1, one_note_max_share=1.0)
    posts = [
        post(1, date(2031, 9, 1), status="draft"),  # not counted, and first: the others still are
        post(2, date(2031, 9, 1), hour=0),  # the plan's first instant
        post(3, date(2031, 9, 1), hour=12, on_theme=False, status="published", by_hand=True),  # recorded by hand
        post(4, date(2031, 9, 2), hour=9, status="published"),
        post(5, date(2031, 9, 4), hour=0),  # the first instant after the plan
        PostFacts(6, "twitter", datetime(2031, 9, 2, 22, 30), "queued", True, ""),  # naive is UTC: 00:30 on the 3rd
        post(7, date(2031, 9, 2), channel="newsletter"),  # no commitment
    ]
    repeated = [{"channel": "twitter", "post_ids": [2, 4], "similarity": 0.9}]
    report = compliance_report(plan, [twitter, blog], posts, repeated, today=date(2031, 9, 2))

    def detail(day, posts, on_theme, published, committed, status, timing, last_day=None):
        return {
            "first_day": day,
            "last_day": last_day or day,
            "posts": posts,
            "on_theme": on_theme,
            "published": published,
            "committed": committed,
            "status": status,
            "pending_approval": 0,
            "met_if_approved": False,
            "timing": timing,
        }

    def week(committed, posts, on_theme, published, coverage, band, recorded):
        return {
            "week_start": "2031-09-01",
            "week_end": "2031-09-03",
            "committed": committed,
            "posts": posts,
            "on_theme": on_theme,
            "published": published,
            "coverage_ratio": coverage,
            "coverage_band": band,
            "recorded": recorded,
            "timing": "current",
        }

    def counts(total=0, met=0, short=0):
        return {"total": total, "met": met, "below_floor": 0, "one_note": 0, "short": short}

    assert report == {
        "plan": {
            "id": 7,
            "name": "Rentrée",
            "theme": "rentrée",
            "key_message": "Back to it",
            "keywords": ["rentree", "back"],
            "starts_on": "2031-09-01",
            "ends_on": "2031-09-03",
            "timezone": "Europe/Paris",
        },
        "theme_coverage_ratio": 0.75,
        "judged": True,
        "channels": [
            {
                "channel": "twitter",
                "per": "day",
                "posts_per_period": 2,
                "on_theme_min": 1,
                "committed_posts": 6,
                "posts": 4,
                "published": 2,
                "on_theme": 3,
                "coverage_ratio": 0.75,
                "floor": 0.5,
                "ceiling": 0.5,
                "periods": {"total": 3, "met": 1, "below_floor": 0, "one_note": 0, "short": 2},
                "status": "one_note",
                "judged": True,
                "coverage_band": "above_ceiling",
                "recorded": 1,
                "periods_by_timing": {
                    "past": counts(1, met=1),
                    "current": counts(1, short=1),
                    "future": counts(1, short=1),
                },
                "standing": "one_note",
                "pending_approval": 0,
                "period_details": [
                    detail("2031-09-01", 2, 1, 1, 2, "met", "past"),
                    detail("2031-09-02", 1, 1, 1, 2, "short", "current"),
                    detail("2031-09-03", 1, 1, 0, 2, "short", "future"),
                ],
                "weeks": [week(6.0, 4, 3, 2, 0.75, "above_ceiling", 1)],
            },
            {
                "channel": "blog",
                "per": "week",
                "posts_per_period": 1,
                "on_theme_min": 1,
                "committed_posts": 1,
                "posts": 0,
                "published": 0,
                "on_theme": 0,
                "coverage_ratio": None,
                "floor": 1.0,
                "ceiling": 1.0,
                "periods": {"total": 1, "met": 0, "below_floor": 0, "one_note": 0, "short": 1},
                "status": "behind",
                "judged": False,
                "coverage_band": None,
                "recorded": 0,
                "periods_by_timing": {"past": counts(), "current": counts(1, short=1), "future": counts()},
                "standing": "early",
                "pending_approval": 0,
                "period_details": [detail("2031-09-01", 0, 0, 0, 1, "short", "current", last_day="2031-09-03")],
                "weeks": [week(1.0, 0, 0, 0, None, None, 0)],
            },
        ],
        "repeated_messages": repeated,
    }
    assert report_rows_csv(report) == (
        "channel,per,week_start,week_end,timing,plan_id,plan,plan_starts_on,plan_ends_on,committed,posts,published,"
        "recorded,on_theme,coverage_ratio,floor,ceiling,coverage_band,periods_ending,periods_met,periods_short,"
        "periods_below_floor,periods_one_note,judged,channel_status,standing\n"
        "twitter,day,2031-09-01,2031-09-03,current,7,Rentrée,2031-09-01,2031-09-03,6,4,2,1,3,0.75,0.5,0.5,"
        "above_ceiling,3,1,2,0,0,true,one_note,one_note\n"
        "blog,week,2031-09-01,2031-09-03,current,7,Rentrée,2031-09-01,2031-09-03,1,0,0,0,0,,1,1,,1,0,1,0,0,false,"
        "behind,early\n"
    )


def test_a_post_whose_clock_shows_a_day_outside_the_plan_counts_on_the_nearest_day():
    """Where a zone's date runs backwards at the plan's edge, a database's tally may name a day just
    outside the plan: it counts on the plan's first or last day, in that day's period."""
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 3))
    tallies = empty_tallies(plan, [SEED_TWITTER])
    tallies["twitter"].add(-1, 1, 1, 0)
    tallies["twitter"].add(3, 2, 0, 1)
    row = channel_row(compliance_from_tallies(plan, [SEED_TWITTER], tallies, []))
    assert [(d["posts"], d["on_theme"], d["published"]) for d in row["period_details"]] == [
        (1, 1, 0),
        (0, 0, 0),
        (2, 0, 1),
    ]
    assert (row["posts"], row["on_theme"], row["published"]) == (3, 1, 1)


def test_an_aware_time_in_another_zone_counts_on_the_day_its_instant_falls_in_the_plans_zone():
    plan = make_plan(date(2031, 9, 1), date(2031, 9, 2))
    new_york = datetime(2031, 9, 1, 19, 30, tzinfo=ZoneInfo("America/New_York"))  # 01:30 on the 2nd in Paris
    row = channel_row(
        compliance_report(plan, [SEED_TWITTER], [PostFacts(1, "twitter", new_york, "scheduled", True, "")])
    )
    assert [d["posts"] for d in row["period_details"]] == [0, 1]


def test_posts_waiting_for_approval_are_counted_apart_and_say_when_they_would_meet_a_period():
    plan = PlanFacts(1, "P", "T", "", (), date(2031, 9, 1), date(2031, 9, 2), "UTC")
    twitter = CommitmentFacts("twitter", 2, "day", 1, 1.0)
    counted, pending = empty_tallies(plan, [twitter]), empty_tallies(plan, [twitter])
    counted["twitter"].add(0, 1, 0, 0)
    pending["twitter"].add(0, 1, 1, 0)  # day one: one counted, one on theme waiting -> met once approved
    pending["twitter"].add(1, 1, 1, 0)  # day two: a lone waiting post cannot make two
    row = compliance_from_tallies(plan, [twitter], counted, [], pending)["channels"][0]
    assert (row["posts"], row["pending_approval"]) == (1, 2)
    assert [(d["status"], d["pending_approval"], d["met_if_approved"]) for d in row["period_details"]] == [
        ("short", 1, True),
        ("short", 1, False),
    ]
    assert compliance_from_tallies(plan, [twitter], counted, [])["channels"][0]["pending_approval"] == 0


def test_one_tweet_of_a_four_a_day_plan_is_too_early_to_judge_though_its_status_keeps_its_meaning():
    plan = make_plan(date(2031, 6, 1), date(2031, 8, 31))
    report = compliance_report(plan, [SEED_TWITTER], [post(1, date(2031, 6, 2))], repeated=[])
    row = channel_row(report)
    assert (row["coverage_ratio"], row["status"], row["judged"]) == (1.0, "one_note", False)
    assert report["judged"] is False
    four = [post(n, date(2031, 6, 2), hour=9 + n, on_theme=n == 1) for n in range(1, 5)]
    row = channel_row(compliance_report(plan, [SEED_TWITTER], four, repeated=[]))
    assert (row["judged"], row["status"], row["coverage_band"]) == (True, "behind", "in_band")


def test_periods_to_come_are_told_apart_from_periods_gone_by_while_the_contract_counts_stay():
    plan = make_plan(date(2031, 6, 2), date(2031, 6, 8))
    commitment = CommitmentFacts("twitter", posts=1, per="day", on_theme_min=0, one_note_max_share=1.0)
    posts = [post(1, date(2031, 6, 2)), post(2, date(2031, 6, 5))]
    row = channel_row(compliance_report(plan, [commitment], posts, repeated=[], today=date(2031, 6, 4)))
    assert [d["timing"] for d in row["period_details"]] == ["past", "past", "current"] + ["future"] * 4
    assert row["periods"] == {"total": 7, "met": 2, "below_floor": 0, "one_note": 0, "short": 5}
    by_timing = row["periods_by_timing"]
    assert (by_timing["past"]["met"], by_timing["past"]["short"]) == (1, 1), "the 3rd went by without a post"
    assert (by_timing["current"]["total"], by_timing["current"]["short"]) == (1, 1), "today, still open"
    assert (by_timing["future"]["met"], by_timing["future"]["short"]) == (1, 3), "planned, not failed"
    assert [w["timing"] for w in row["weeks"]] == ["current"]


def test_the_coverage_band_follows_the_ratio_against_floor_and_ceiling_not_the_volume():
    from scheduler.domain.compliance import coverage_band

    assert coverage_band(None, 0.25, 0.5) is None
    assert coverage_band(0.1, 0.25, 0.5) == "below_floor"
    assert coverage_band(0.25, 0.25, 0.5) == coverage_band(0.5, 0.25, 0.5) == "in_band"
    assert coverage_band(0.51, 0.25, 0.5) == "above_ceiling"


def test_a_channel_is_behind_on_the_page_only_for_periods_gone_by():
    plan = make_plan(date(2031, 6, 2), date(2031, 6, 8))
    commitment = CommitmentFacts("twitter", posts=1, per="day", on_theme_min=0, one_note_max_share=1.0)
    filled_so_far = [post(1, date(2031, 6, 2)), post(2, date(2031, 6, 3))]
    row = channel_row(compliance_report(plan, [commitment], filled_so_far, repeated=[], today=date(2031, 6, 4)))
    assert (row["status"], row["standing"]) == ("behind", "on_track"), "5 posts owed, all to days to come"
    one_missed = [post(1, date(2031, 6, 2))]
    row = channel_row(compliance_report(plan, [commitment], one_missed, repeated=[], today=date(2031, 6, 4)))
    assert (row["status"], row["standing"]) == ("behind", "behind"), "the 3rd went by without its post"
