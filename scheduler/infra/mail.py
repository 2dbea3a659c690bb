"""Mail bodies from ``templates/`` (``newsletter/*.txt`` and ``*.html``), with Jinja alone.

A worker sending a batch renders mail with no request and no Flask: the same templates and the same
escaping rules as the pages (HTML and XML escaped, text as written)."""

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from scheduler.infra import shared_files


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(shared_files.templates())),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False),
    )


def render(template: str, /, **context) -> str:
    """The ``template`` (a path under templates/) rendered with ``context``."""
    return _environment().get_template(template).render(**context)
