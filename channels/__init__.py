"""Channel adapters. Each module registers its adapter when imported (``register(...)`` at its end), so
adding a channel means adding one module and one line below."""
from . import blog, bluesky, mastodon, newsletter, ppc, twitter, youtube

__all__ = ["blog", "bluesky", "mastodon", "newsletter", "ppc", "twitter", "youtube"]
