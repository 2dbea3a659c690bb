"""What a sign-in costs: one Argon2id verification with the production parameters (argon2-cffi's
defaults, RFC 9106's low-memory choice: t=3 passes over m=64 MiB, p=4 lanes), against the baseline of
what an API call costs to authenticate (a token's SHA-256 and a constant-time compare, as
``services.tokens`` does).

The ratio is the point: a password guess must cost an attacker with the stolen database as much as it
costs us, which is also what each sign-in attempt costs the server (hence the rate limits in front of
it). The same for a wrong password and an unknown address (the decoy hash), so timing says nothing.
"""

import hmac
import statistics
import time

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from scheduler.services import tokens

PASSWORD = "correct horse battery staple"
TOKEN = "rfn_" + "x" * 43


def per_call_ms(func, count: int) -> tuple[float, float]:
    """Median and p95 of ``count`` calls, in milliseconds (after one untimed call to warm up)."""
    func()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main(count: int | None = None) -> None:
    count = count or 30
    hasher = PasswordHasher()  # exactly what services.people uses in production ("standard")
    stored = hasher.hash(PASSWORD)
    stored_digest = tokens.digest(TOKEN)

    def token_check():
        return hmac.compare_digest(tokens.digest(TOKEN), stored_digest)

    def right_password():
        return hasher.verify(stored, PASSWORD)

    def wrong_password():
        try:
            hasher.verify(stored, "not the password")
        except VerifyMismatchError:
            return False

    baseline, baseline_p95 = per_call_ms(token_check, count * 1000)
    right, right_p95 = per_call_ms(right_password, count)
    wrong, wrong_p95 = per_call_ms(wrong_password, count)
    hashing, _ = per_call_ms(lambda: hasher.hash(PASSWORD), max(5, count // 3))
    print(
        f"sign-in cost: Argon2id t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, p={hasher.parallelism} "
        f"(argon2-cffi defaults) vs an API token's SHA-256 check; median (p95) of {count} calls:"
    )
    print(f"  baseline, API token (SHA-256):   {baseline * 1000:8.2f} µs  (p95 {baseline_p95 * 1000:.2f} µs)")
    print(f"  Argon2id verify, right password: {right:8.1f} ms  (p95 {right_p95:.1f} ms) = {right / baseline:,.0f}x")
    print(f"  Argon2id verify, wrong password: {wrong:8.1f} ms  (p95 {wrong_p95:.1f} ms) = {wrong / baseline:,.0f}x")
    print(f"  Argon2id hash (a new password):  {hashing:8.1f} ms")
    print(f"  one request thread checks ~{1000 / right:.0f} passwords a second; ~{1000 / baseline:,.0f} tokens")
