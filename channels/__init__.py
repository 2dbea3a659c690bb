"""Channel adapters. Each module registers its adapter when imported (``register(...)`` at its end), so
adding a channel means adding one module and one line below."""
from . import blog  # noqa: F401
from . import newsletter  # noqa: F401
from . import ppc  # noqa: F401
from . import twitter  # noqa: F401
from . import youtube  # noqa: F401
