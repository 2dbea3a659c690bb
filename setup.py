"""The package is declared in setup.cfg; this file only adds what a static file cannot say.

templates/ and static/ stay at the top of the checkout (where a designer looks for them) and ship in
the wheel as data files under ``<prefix>/share/refrain/``, where ``scheduler.infra.shared_files``
finds them. ``data_files`` names every folder explicitly, so they are listed here by walking them.
"""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent


def shared_files(*folders: str) -> list[tuple[str, list[str]]]:
    found = []
    for folder in folders:
        for directory in sorted(p for p in (HERE / folder).rglob("*") if p.is_dir()) + [HERE / folder]:
            files = sorted(str(f.relative_to(HERE)) for f in directory.iterdir() if f.is_file())
            if files:
                found.append((str(Path("share/refrain") / directory.relative_to(HERE)), files))
    return found


setup(data_files=shared_files("templates", "static"))
