"""Mail bodies from ``templates/`` (``newsletter/*.txt`` and ``*.html``), with Jinja alone.

A worker sending a batch renders mail with no request and no Flask: the same templates and the same
escaping rules as the pages (HTML and XML escaped, text as written)."""

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from scheduler.domain import language
from scheduler.infra import shared_files


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(shared_files.templates())),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False),
        extensions=["jinja2.ext.i18n"],
    )
    # a mail reads in the language spoken where it is written (``language.speaking``: its reader's)
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(
        gettext=lambda s: language.translations().gettext(s),
        ngettext=lambda s, p, n: language.translations().ngettext(s, p, n),
        newstyle=True,
    )
    return environment


def render(template: str, /, **context) -> str:
    """The ``template`` (a path under templates/) rendered with ``context``."""
    return _environment().get_template(template).render(**context)
