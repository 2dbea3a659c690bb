"""Channels by name, the way Redash registers its destinations: each module calls ``register`` at its end."""

from channels.base import Channel
from scheduler.domain.language import _

_channels: dict[str, Channel] = {}


class UnknownChannel(LookupError):
    pass


def register(channel_class: type[Channel]) -> type[Channel]:
    """One instance per channel: adapters hold no per-post state, so every caller can share it."""
    if not getattr(channel_class, "name", "") or not getattr(channel_class, "label", ""):
        raise TypeError(f"{channel_class.__name__} needs a name and a label to be registered")
    _channels[channel_class.name] = channel_class()
    return channel_class


def unregister(name: str) -> None:
    """Takes a channel away (a test's, or a plug-in being unloaded); posts on it become unknown."""
    _channels.pop(name, None)


def get(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise UnknownChannel(why_unknown(name)) from None


def why_unknown(name) -> str:
    """ "" for a registered channel, else what every caller tells its user: the name and the known ones."""
    if name in _channels:
        return ""
    return _("unknown channel %(name)s; known: %(known)s", name=repr(name), known=", ".join(names()))


def names() -> list[str]:
    return sorted(_channels)


def all_channels() -> list[Channel]:
    return [_channels[name] for name in names()]
