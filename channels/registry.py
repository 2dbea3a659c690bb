"""Channels by name, the way Redash registers its destinations: each module calls ``register``."""
from .base import Channel

_channels: dict[str, Channel] = {}


class UnknownChannel(LookupError):
    pass


def register(channel_class: type[Channel]) -> type[Channel]:
    _channels[channel_class.name] = channel_class()
    return channel_class


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise UnknownChannel(f"unknown channel {name!r}; known: {', '.join(names())}") from None


def names() -> list[str]:
    return sorted(_channels)


def all_channels() -> list[Channel]:
    return [_channels[name] for name in names()]
