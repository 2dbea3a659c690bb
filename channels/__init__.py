"""Channel adapters. Adding a channel = adding one module here and one name below."""
from . import blog, newsletter, ppc, twitter, youtube  # noqa: F401  (each registers itself)
