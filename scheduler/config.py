"""Settings from the environment, read and checked in one place.

``from_environment`` reads the variables (with their defaults) into Flask config keys, so that
``create_app(test_config)`` can lay a test's values on top; ``Settings.from_config`` then turns the
merged keys into the one plain, frozen object the rest of Refrain reads. Nothing else looks at
``os.environ``, and no service reads Flask's config. The defaults are the embedded ones (SQLite and
a Redis server in the instance folder) so that a fresh checkout runs with no configuration, and the
same code scales out when ``DATABASE_URL`` and ``REDIS_URL`` are set.
"""

import dataclasses
import importlib.util
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DELIVERY_MODES = ("outbox", "live")
MB = 1024 * 1024
# the largest upload of each kind of medium, unless REFRAIN_MEDIA_MAX_IMAGE_MB / _VIDEO_MB say otherwise:
# X takes images up to 5 MB and Mastodon 16 MB; a short video of a minute or two fits in 100 MB
MEDIA_IMAGE_MAX = 16 * MB
MEDIA_VIDEO_MAX = 100 * MB
MEDIA_KINDS = ("image", "video")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
# a public URL on one of these names trusts them all: `refrain serve` on a laptop is reached as either
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class ConfigError(ValueError):
    """A setting that cannot work; raised at start-up with a message for the operator."""


@dataclass(frozen=True)
class S3Location:
    """Where uploaded media go when they do not stay in the instance folder: a bucket of an S3-compatible
    store (AWS, or any server that speaks its API at ``endpoint_url``). Keys left unset: boto3's own
    chain (``AWS_*`` variables, a profile, an instance role)."""

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    prefix: str = ""


@dataclass(frozen=True)
class Settings:
    """Everything Refrain's own code reads from its configuration, typed."""

    instance_path: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    delivery: str  # outbox | live
    fetch_allow: tuple[str, ...] = ()
    sweep_interval: int = 30
    feed_check_interval: int = 300
    delivery_timeout: int = 30
    publish_timeout: int = 300
    max_attempts: int = 5
    queue_prefix: str = "refrain"
    extra_channels: tuple[str, ...] = ()
    public_url: str = DEFAULT_PUBLIC_URL
    # Argon2id's cost: "standard" (RFC 9106's second choice: 3 passes over 64 MiB), "fast" only for tests
    password_hashing: str = "standard"
    # where channels that write files may write (an account's folder is relative to it); None: <instance>/exports
    export_root_setting: Path | None = None
    # uploaded media: the largest file of each kind (bytes), and an S3 bucket instead of <instance>/media
    media_image_max: int = MEDIA_IMAGE_MAX
    media_video_max: int = MEDIA_VIDEO_MAX
    media_s3: S3Location | None = None
    # event webhooks: the waits (seconds) before each retry of a delivery, and how often the periodic pass
    # looks for commitments behind and patterns flagged (a test may shorten both in its app's config)
    webhook_retry_intervals: tuple[int, ...] = (10, 60, 300, 1800, 7200)
    event_watch_interval: int = 300
    # proxies in front of the web processes (a TLS terminator, a load balancer) whose X-Forwarded-For is
    # believed: 0 reads none, so a client cannot pick the address its sign-in attempts are counted under
    proxies: int = 0

    def media_limit(self, kind: str) -> int:
        """The largest upload of one kind of medium ("image" or "video"), in bytes."""
        return {"image": self.media_image_max, "video": self.media_video_max}[kind]

    @property
    def media_upload_max(self) -> int:
        """The largest medium of any kind: what the media routes' request-size guard lets through."""
        return max(self.media_image_max, self.media_video_max)

    @property
    def media_folder(self) -> Path:
        """Where uploaded media are kept when no S3 bucket is configured: ``<instance>/media``."""
        return self.instance_path / "media"

    @property
    def public_origin(self) -> str:
        """``scheme://host[:port]`` of the public URL: what a browser sends as ``Origin`` from our pages."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    @property
    def trusted_hosts(self) -> tuple[str, ...]:
        """The host names a request may name in its ``Host`` header: the public URL's (all the loopback
        names when it is one of them). Any other is refused, so that a name an attacker points at us (DNS
        rebinding) reaches nothing."""
        host = (urlsplit(self.public_url).hostname or "").lower()
        return LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else (host,)

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.lower().startswith("https://")

    @property
    def export_root(self) -> Path:
        """The one folder file-writing channels write inside (REFRAIN_EXPORT_ROOT, else ``<instance>/exports``):
        an account's folder is relative to it and confined to it (``channels.exports``)."""
        return self.export_root_setting or self.instance_path / "exports"

    @property
    def outbox(self) -> Path:
        """Where outbox deliveries are written: ``<instance>/outbox/<channel>/<post id>.json``."""
        return self.instance_path / "outbox"

    @classmethod
    def from_config(cls, config) -> "Settings":
        """From the Flask config keys of ``from_environment`` (and a test's overrides)."""
        settings = cls(
            instance_path=Path(config["INSTANCE_PATH"]),
            database_url=config["DATABASE_URL"],
            redis_url=config.get("REDIS_URL") or None,
            secret_key=config.get("SECRET_KEY") or "",
            delivery=config.get("REFRAIN_DELIVERY", "outbox"),
            fetch_allow=tuple(config.get("REFRAIN_FETCH_ALLOW") or ()),
            sweep_interval=config.get("REFRAIN_SWEEP_INTERVAL", 30),
            feed_check_interval=config.get("REFRAIN_FEED_CHECK_INTERVAL", 300),
            delivery_timeout=config.get("REFRAIN_DELIVERY_TIMEOUT", 30),
            publish_timeout=config.get("REFRAIN_PUBLISH_TIMEOUT", 300),
            max_attempts=config.get("REFRAIN_MAX_ATTEMPTS", 5),
            queue_prefix=config.get("REFRAIN_QUEUE_PREFIX") or "refrain",
            extra_channels=tuple(config.get("REFRAIN_EXTRA_CHANNELS") or ()),
            public_url=(config.get("REFRAIN_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
            password_hashing=config.get("REFRAIN_PASSWORD_HASHING") or "standard",
            export_root_setting=Path(config["REFRAIN_EXPORT_ROOT"]) if config.get("REFRAIN_EXPORT_ROOT") else None,
            media_image_max=config.get("REFRAIN_MEDIA_MAX_IMAGE_BYTES") or MEDIA_IMAGE_MAX,
            media_video_max=config.get("REFRAIN_MEDIA_MAX_VIDEO_BYTES") or MEDIA_VIDEO_MAX,
            media_s3=S3Location(**config["REFRAIN_MEDIA_S3"]) if config.get("REFRAIN_MEDIA_S3") else None,
            webhook_retry_intervals=tuple(config.get("REFRAIN_WEBHOOK_RETRY_INTERVALS") or (10, 60, 300, 1800, 7200)),
            event_watch_interval=config.get("REFRAIN_EVENT_WATCH_INTERVAL") or 300,
            proxies=config.get("REFRAIN_PROXIES") or 0,
        )
        check(settings)
        return settings

    def but(self, **changes) -> "Settings":
        """A copy with some settings changed, checked again (a test's, or a command's option)."""
        changed = dataclasses.replace(self, **changes)
        check(changed)
        return changed


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
        make_private_folder(key_file.parent)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def make_private_folder(path: Path) -> None:
    """The instance folder holds the database, the secret key and the outbox: made readable by its owner
    only (0700) when Refrain creates it; one an operator made is left as they made it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _list(environ, name) -> list[str]:
    return [item.strip() for item in (environ.get(name) or "").split(",") if item.strip()]


def _media_s3(environ) -> dict | None:
    """The ``REFRAIN_MEDIA_S3_*`` variables; None (media in the instance folder) unless a bucket is named."""
    bucket = (environ.get("REFRAIN_MEDIA_S3_BUCKET") or "").strip()
    if not bucket:
        return None
    read = {
        "endpoint_url": "REFRAIN_MEDIA_S3_ENDPOINT",
        "region": "REFRAIN_MEDIA_S3_REGION",
        "access_key": "REFRAIN_MEDIA_S3_ACCESS_KEY",
        "secret_key": "REFRAIN_MEDIA_S3_SECRET_KEY",
    }
    location = {"bucket": bucket, **{key: (environ.get(name) or "").strip() or None for key, name in read.items()}}
    location["prefix"] = (environ.get("REFRAIN_MEDIA_S3_PREFIX") or "").strip().strip("/")
    return location


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
        "REFRAIN_FETCH_ALLOW": _list(environ, "REFRAIN_FETCH_ALLOW"),
        "REFRAIN_SWEEP_INTERVAL": _int(environ, "REFRAIN_SWEEP_INTERVAL", 30),
        "REFRAIN_FEED_CHECK_INTERVAL": _int(environ, "REFRAIN_FEED_CHECK_INTERVAL", 300),
        "REFRAIN_DELIVERY_TIMEOUT": _int(environ, "REFRAIN_DELIVERY_TIMEOUT", 30),
        "REFRAIN_PUBLISH_TIMEOUT": _int(environ, "REFRAIN_PUBLISH_TIMEOUT", 300),
        "REFRAIN_MAX_ATTEMPTS": _int(environ, "REFRAIN_MAX_ATTEMPTS", 5),
        "REFRAIN_QUEUE_PREFIX": environ.get("REFRAIN_QUEUE_PREFIX") or "refrain",
        # adapter modules outside `channels/` (a private channel, a test double), imported at start-up
        "REFRAIN_EXTRA_CHANNELS": _list(environ, "REFRAIN_EXTRA_CHANNELS"),
        # where people reach Refrain: its host is the only one trusted, its origin the only one whose
        # writes are taken, and every link in mail starts with it
        "REFRAIN_PUBLIC_URL": (environ.get("REFRAIN_PUBLIC_URL") or DEFAULT_PUBLIC_URL).strip(),
        # the folder the blog's folder target and the ads' export write inside; empty: <instance>/exports
        "REFRAIN_EXPORT_ROOT": str(Path(environ["REFRAIN_EXPORT_ROOT"]).expanduser().resolve())
        if environ.get("REFRAIN_EXPORT_ROOT")
        else None,
        # uploaded media: the largest image and video, in MB; an S3-compatible bucket instead of <instance>/media
        "REFRAIN_MEDIA_MAX_IMAGE_BYTES": _int(environ, "REFRAIN_MEDIA_MAX_IMAGE_MB", MEDIA_IMAGE_MAX // MB) * MB,
        "REFRAIN_MEDIA_MAX_VIDEO_BYTES": _int(environ, "REFRAIN_MEDIA_MAX_VIDEO_MB", MEDIA_VIDEO_MAX // MB) * MB,
        "REFRAIN_MEDIA_S3": _media_s3(environ),
        "REFRAIN_PROXIES": _int(environ, "REFRAIN_PROXIES", 0, minimum=0),
    }


def check(settings: Settings) -> None:
    """Refuse settings that would only fail later, far from their cause."""
    if settings.delivery not in DELIVERY_MODES:
        raise ConfigError(f"REFRAIN_DELIVERY must be one of {', '.join(DELIVERY_MODES)}, not {settings.delivery!r}")
    if settings.delivery == "live" and not settings.secret_key:
        raise ConfigError("REFRAIN_DELIVERY=live needs SECRET_KEY: channel credentials are encrypted with it")
    if settings.password_hashing not in ("standard", "fast"):
        raise ConfigError("the password hashing cost must be 'standard' (or 'fast', for tests only)")
    if settings.export_root_setting is not None and not settings.export_root_setting.is_absolute():
        raise ConfigError(f"REFRAIN_EXPORT_ROOT must be an absolute folder, not {str(settings.export_root_setting)!r}")
    if settings.publish_timeout < 0 or settings.sweep_interval < 1 or settings.max_attempts < 1:
        raise ConfigError("REFRAIN_PUBLISH_TIMEOUT, REFRAIN_SWEEP_INTERVAL and REFRAIN_MAX_ATTEMPTS must be positive")
    check_media(settings)
    parts = urlsplit(settings.public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") or parts.query:
        raise ConfigError(
            f"REFRAIN_PUBLIC_URL must be the address people reach Refrain at, like https://refrain.example.org"
            f" (a scheme and a host, no path), not {settings.public_url!r}"
        )


def check_media(settings: Settings) -> None:
    """The media limits are positive, and an S3 bucket can be reached as configured."""
    if settings.media_image_max < 1 or settings.media_video_max < 1:
        raise ConfigError("REFRAIN_MEDIA_MAX_IMAGE_MB and REFRAIN_MEDIA_MAX_VIDEO_MB must be positive")
    s3 = settings.media_s3
    if s3 is None:
        return
    if s3.endpoint_url is not None:
        parts = urlsplit(s3.endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"REFRAIN_MEDIA_S3_ENDPOINT must be the address of the S3 API, like https://s3.example.org, "
                f"not {s3.endpoint_url!r}"
            )
    if bool(s3.access_key) != bool(s3.secret_key):
        raise ConfigError(
            "REFRAIN_MEDIA_S3_ACCESS_KEY and REFRAIN_MEDIA_S3_SECRET_KEY go together: set both, or neither"
        )
    if importlib.util.find_spec("boto3") is None:
        raise ConfigError("REFRAIN_MEDIA_S3_BUCKET needs boto3: pip install 'refrain[s3]'")
