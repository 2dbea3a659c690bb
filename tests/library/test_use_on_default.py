""" "Use on…" starts on the plan running today (in its own time zone), not on the one that ends last."""

import re

from tests.factories import make_plan
from tests.library.builders import add_items


def selected_plan(html: str) -> str:
    select = re.search(r'<select[^>]*name="plan_id".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', select).group(0)


def test_use_on_defaults_to_the_plan_whose_dates_hold_today(client, app, clock_at):
    clock_at("2031-07-15T09:00:00+02:00")
    current = make_plan(name="Summer 2031", starts_on="2031-07-01", ends_on="2031-09-30")
    make_plan(name="Autumn 2031", starts_on="2031-10-01", ends_on="2031-12-31")
    make_plan(name="Spring 2031", starts_on="2031-04-01", ends_on="2031-06-30")
    ids = add_items("blog", [{"remote_id": "a"}])
    html = client.get(f"/library/items/{ids['a']}").get_data(as_text=True)
    assert f'"{current.id}"' in selected_plan(html)


def test_today_is_read_in_each_plans_own_zone(client, app, clock_at):
    clock_at("2031-09-30T23:30:00+00:00")  # already 1 October in Paris, still 30 September in New York
    paris = make_plan(name="Paris Q4", starts_on="2031-10-01", ends_on="2031-12-31", timezone="Europe/Paris")
    make_plan(name="New York Q3", starts_on="2031-07-01", ends_on="2031-09-30", timezone="America/New_York")
    ids = add_items("blog", [{"remote_id": "b"}])
    html = client.get(f"/library/items/{ids['b']}").get_data(as_text=True)
    assert "Paris Q4" in html and "New York Q3" in html
    # both run today, each on its own clock: the one that started last is the one being filled now
    assert f'"{paris.id}"' in selected_plan(html)
