"""Rate limits on what anyone on the internet may ask of Refrain, counted in the app's own Redis.

One ``Limiter`` (Flask-Limiter) for the whole web shell, bound to the app's Redis in ``init_app``: the
embedded server's socket or ``REDIS_URL``, the very store the queues use, so every gunicorn worker and
every host behind a load balancer count together. A view opts in with a decorator::

    @limiter.limit(PER_ADDRESS, key_func=form_field("email"), methods=["POST"])

The newsletter signup is limited per address typed (nobody mails someone else's inbox full of
confirmations), per client and overall (no one fills the list with made-up addresses); the same
pieces limit a sign-in per account and per client. A refused request is a 429 with ``Retry-After``,
in the API's error shape under /api/ and a readable page elsewhere that says when to try again.

Sign-in counts only *failed* attempts (``deduct_when=refused``): an attacker guessing passwords fails
every time, while a colleague signing in on three devices, or a whole office behind one address, never
should be stopped for succeeding. A failure is counted whether or not the address typed has an account,
so the 429 tells nothing about who has one. The price is that someone who knows your address can keep
you out for 15 minutes at a time; a password guessed at 5 tries per 15 minutes (20 per client) is the
better trade. A forgotten-password request sends mail, so every one is counted.
"""

import math
import time

from flask import make_response, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from scheduler.domain.language import _, ngettext
from scheduler.web.errors import refusal

KEY_PREFIX = "refrain-limits"
# the newsletter signup: each a `limits` string, read at each request (the views pass lambdas)
SIGNUPS_PER_ADDRESS = "3 per hour;10 per day"  # confirmation mails one inbox may be sent
SIGNUPS_PER_CLIENT = "20 per hour"
SIGNUPS_OVERALL = "300 per hour"
# signing in: failed attempts (a wrong password, a wrong code) per account typed and per client
SIGN_INS_PER_ACCOUNT = "5 per 15 minutes"
SIGN_INS_PER_CLIENT = "20 per 15 minutes"
CODES_PER_ACCOUNT = "5 per 15 minutes"  # the second step's codes: 5 guesses of a million per window
# "forgot your password?": each request may mail a link, so every one counts
RESETS_PER_ADDRESS = "3 per hour"
RESETS_PER_CLIENT = "10 per hour"

# Redis away: each process counts in its own memory until it answers again (the signup itself still
# works then: its confirmation mail is sent from the request), rather than every signup failing
limiter = Limiter(
    key_func=get_remote_address,
    key_prefix=KEY_PREFIX,
    headers_enabled=True,
    swallow_errors=True,
    in_memory_fallback_enabled=True,
)


def init_app(app) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(app.extensions["refrain.queue"].url))
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 5})
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)


def storage_uri(redis_url: str) -> str:
    """The app's Redis URL as the ``limits`` library spells it (a unix socket is ``redis+unix://``)."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def form_field(name: str):
    """A key function: the field ``name`` of the posted form (or JSON), trimmed and lower-cased."""

    def key() -> str:
        posted = request.form.get(name)
        if posted is None and request.is_json:
            data = request.get_json(silent=True)
            posted = data.get(name) if isinstance(data, dict) and isinstance(data.get(name), str) else None
        return f"{name}:{(posted or '').strip().lower()}"

    return key


def refused(response) -> bool:
    """``deduct_when`` for forms whose refusal is a 422: only a refused attempt is counted."""
    return response.status_code == 422


def everyone() -> str:
    """A key function: one counter for all clients (an overall limit)."""
    return "everyone"


def wait_words(seconds: float) -> str:
    """'in 1 minute', 'in 14 minutes', 'in 2 hours': when the limit lets the next request through."""
    minutes = max(1, round(seconds / 60))  # reset_at is rounded up a second: 901 s is "15 minutes"
    if minutes <= 90:
        return ngettext("in %(num)s minute", "in %(num)s minutes", minutes)
    return ngettext("in %(num)s hour", "in %(num)s hours", math.ceil(minutes / 60))


def _too_many(_error: RateLimitExceeded):
    """The limiter adds ``Retry-After`` (and the ``X-RateLimit-*`` headers) to this answer itself; the
    page says the same in words. The sign-in pages answer on their own bare page (no menu: nobody is
    signed in), in the same words whether or not the address typed has an account."""
    breached = limiter.current_limit
    when = wait_words(breached.reset_at - time.time()) if breached is not None else _("later")
    if (request.endpoint or "").startswith("people."):
        return make_response(render_template("people/too_many.html", when=when), 429)
    return make_response(
        refusal(429, _("too many requests of this kind for now; try again %(when)s", when=when), _("Too many requests"))
    )
