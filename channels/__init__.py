"""Channel adapters. Each module registers its adapter when imported (``register(...)`` at its end), so
adding a channel means adding one module and one line below."""

from channels import blog, bluesky, facebook, mastodon, newsletter, pinterest, ppc, twitter, webhook, youtube

__all__ = ["blog", "bluesky", "facebook", "mastodon", "newsletter", "pinterest", "ppc", "twitter", "webhook", "youtube"]
