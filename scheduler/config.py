"""Settings from the environment, read in one place.

Every other module reads ``app.config``; nothing else looks at ``os.environ``. The defaults are the
embedded ones (SQLite and a Redis server in the instance folder) so that a fresh checkout runs with
no configuration, and the same code scales out when ``DATABASE_URL`` and ``REDIS_URL`` are set.
"""

import os
import secrets
from pathlib import Path

DELIVERY_MODES = ("outbox", "live")


class ConfigError(ValueError):
    """A setting that cannot work; raised at start-up with a message for the operator."""


def _int(environ, name, default, minimum=1):
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def _secret_key(instance: Path, environ) -> str:
    """A key given in the environment wins; otherwise one is generated once and kept beside the data."""
    if environ.get("SECRET_KEY"):
        return environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def from_environment(environ=None) -> dict:
    """Flask config keys built from the environment (``os.environ`` unless another mapping is given)."""
    environ = os.environ if environ is None else environ
    instance = Path(environ.get("REFRAIN_INSTANCE") or "instance").resolve()
    delivery = (environ.get("REFRAIN_DELIVERY") or "outbox").strip().lower()
    if delivery not in DELIVERY_MODES:
        raise ConfigError(f"REFRAIN_DELIVERY must be one of {', '.join(DELIVERY_MODES)}, not {delivery!r}")
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": environ.get("DATABASE_URL") or f"sqlite:///{instance / 'refrain.sqlite3'}",
        "REDIS_URL": environ.get("REDIS_URL") or None,
        "SECRET_KEY": _secret_key(instance, environ),
        "REFRAIN_DELIVERY": delivery,
        "REFRAIN_FETCH_ALLOW": [h.strip() for h in (environ.get("REFRAIN_FETCH_ALLOW") or "").split(",") if h.strip()],
        "REFRAIN_SWEEP_INTERVAL": _int(environ, "REFRAIN_SWEEP_INTERVAL", 30),
        "REFRAIN_FEED_CHECK_INTERVAL": _int(environ, "REFRAIN_FEED_CHECK_INTERVAL", 300),
        "REFRAIN_DELIVERY_TIMEOUT": _int(environ, "REFRAIN_DELIVERY_TIMEOUT", 30),
        "REFRAIN_PUBLISH_TIMEOUT": _int(environ, "REFRAIN_PUBLISH_TIMEOUT", 300),
        "REFRAIN_MAX_ATTEMPTS": _int(environ, "REFRAIN_MAX_ATTEMPTS", 5),
        "REFRAIN_QUEUE_PREFIX": environ.get("REFRAIN_QUEUE_PREFIX") or "refrain",
        # adapter modules outside `channels/` (a private channel, a test double), imported at start-up
        "REFRAIN_EXTRA_CHANNELS": [
            m.strip() for m in (environ.get("REFRAIN_EXTRA_CHANNELS") or "").split(",") if m.strip()
        ],
    }


def check(config: dict) -> None:
    """Refuse settings that would only fail later, far from their cause."""
    if config["REFRAIN_DELIVERY"] == "live" and not config.get("SECRET_KEY"):
        raise ConfigError("REFRAIN_DELIVERY=live needs SECRET_KEY: channel credentials are encrypted with it")
