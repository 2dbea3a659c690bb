"""Channel adapters. Each module registers its adapter when imported (``register(...)`` at its end), so
adding a channel means adding one module (or a package, for a channel with seams of its own, like ``blog``)
and one line below."""

from channels import blog, bluesky, facebook, mastodon, newsletter, pinterest, ppc, twitter, webhook, youtube

__all__ = ["blog", "bluesky", "facebook", "mastodon", "newsletter", "pinterest", "ppc", "twitter", "webhook", "youtube"]
