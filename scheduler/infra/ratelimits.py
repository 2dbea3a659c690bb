"""Pauses per channel account, shared by every worker through Redis.

When a service says "no more for now" (a 429 with Retry-After, or its rate-limit headers reach zero),
every worker on every host must hold back that account until the reset, not only the one that
heard it. A key per account holds the time until which it rests; it expires by itself."""

import time

KEY = "refrain:pause:account:{}"
LONGEST_PAUSE = 24 * 3600


def pause(connection, account_id: int, seconds: float) -> None:
    seconds = min(max(float(seconds), 1.0), LONGEST_PAUSE)
    until = time.time() + seconds
    key = KEY.format(account_id)
    current = connection.get(key)
    if current is None or float(current) < until:  # a shorter pause never cuts a longer one
        connection.set(key, f"{until:.3f}", px=int(seconds * 1000) + 1000)


def paused_for(connection, account_id: int) -> float:
    value = connection.get(KEY.format(account_id))
    return max(float(value) - time.time(), 0.0) if value else 0.0
