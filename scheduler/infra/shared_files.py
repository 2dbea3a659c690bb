"""Where the templates and static files are: beside the package in a checkout (and an editable
install), under the environment's ``share/refrain/`` when installed from a wheel (``setup.cfg``'s
``data_files``)."""

import sys
from functools import lru_cache
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def root() -> Path:
    for candidate in (CHECKOUT, Path(sys.prefix) / "share" / "refrain"):
        if (candidate / "templates").is_dir():
            return candidate
    raise RuntimeError(
        f"Refrain's templates are missing: looked in {CHECKOUT} and {Path(sys.prefix) / 'share' / 'refrain'}"
    )


def templates() -> Path:
    return root() / "templates"


def static() -> Path:
    return root() / "static"
