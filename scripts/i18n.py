"""The interface's sentences against the catalogs: what is left to translate, and stubs to fill.

    python scripts/i18n.py check                 # exit 1 while a sentence lacks a French or Chinese translation,
                                                 # or a template shows words outside _() (no catalog can reach them)
    python scripts/i18n.py missing [--under P]   # the sentences still to translate, by file
    python scripts/i18n.py fill --into AREA WORDS.json
        # writes translations into scheduler/translations/<lang>/AREA.po from {"sentence": {"fr": …, "zh": …}}
        # (a plural sentence: its singular as the key, a list of forms per language: 2 in French, 1 in Chinese)
    python scripts/i18n.py stub --under P… --into AREA
        # adds every untranslated sentence found under the paths P to scheduler/translations/<lang>/AREA.po
        # (fr and zh), with an empty translation to write

Sentences are found as gettext finds them: ``_``/``gettext``/``ngettext``/``N_`` in Python, the same in
the templates (Jinja's extractor). The catalogs carry no source locations, so moving code never
changes them.
"""

import argparse
import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.infra.catalogs import FOLDER, catalog, empty  # noqa: E402

TRANSLATED_INTO = ("fr", "zh")
SOURCES = {
    "scheduler": [("**.py", "python")],
    "channels": [("**.py", "python")],
    "templates": [("**.html", "jinja2.ext:babel_extract"), ("**.txt", "jinja2.ext:babel_extract")],
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy_gettext": None, "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def sentences() -> dict:
    """Every sentence to translate → (the files it is in); a plural is keyed by its (singular, plural)."""
    found: dict = {}
    for folder, method_map in SOURCES.items():
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, keywords=KEYWORDS, options_map={"**.html": {"trimmed": "true"}}
        ):
            if isinstance(message, tuple):
                message = tuple(m for m in message if m) if len(message) > 1 else message[0]
            if message:
                found.setdefault(message, set()).add(f"{folder}/{filename}")
    return found


# words left in a template as they are: names of things, the same in every language
NAMES = {
    "Refrain", "UTM", "CSV", "JSON", "API", "RSS", "Atom", "HTML", "URL", "SVG", "OK", "PPC", "KPI", "ID", "IDs",
    "Markdown", "Mastodon", "Bluesky", "Facebook", "Pinterest", "YouTube", "WordPress", "Google", "Ads", "SMTP",
    "TOTP", "QR", "Bearer", "OpenAPI", "https", "http", "utm_source", "utm_medium", "utm_campaign", "utm_content",
    "utm_term", "iCalendar",
}  # fmt: skip
_JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_NOT_WORDS = re.compile(r"<(script|style|code|pre|svg|kbd|samp)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_SHOWN_ATTRIBUTE = re.compile(r"""\b(placeholder|title|aria-label|alt|label)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_BARE_ATTRIBUTE = re.compile(r"^\s*data-[\w-]+\s*$")  # a macro's lone attribute (data-card-pending)
_ATTRIBUTE = re.compile(r"""[\w-]+=(?:"[^"]*"|'[^']*')""")


def literal_text(path: Path) -> list[str]:
    """Words a template shows as written, outside ``_()``: a sentence no catalog can translate."""
    text = _JINJA.sub(" ", path.read_text(encoding="utf-8"))
    found = []
    if path.suffix == ".html":
        for match in _SHOWN_ATTRIBUTE.finditer(text):
            value = match.group(2) if match.group(2) is not None else match.group(3)
            if set(_WORD.findall(value)) - NAMES:
                found.append(f'{match.group(1)}="{value.strip()}"')
        text = _TAG.sub(" ", _NOT_WORDS.sub(" ", text))
    for line in text.splitlines():
        line = _ATTRIBUTE.sub(" ", line)  # a macro that writes attributes (draggable="true") says nothing
        line = _BARE_ATTRIBUTE.sub(" ", line)
        if set(_WORD.findall(line)) - NAMES:
            found.append(" ".join(line.split()))
    return found


def literals() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(ROOT)), words)
        for pattern in ("*.html", "*.txt")
        for path in sorted((ROOT / "templates").rglob(pattern))
        for words in literal_text(path)
    ]


# calls whose text a person reads: a refusal, a flashed notice, a CLI message, an adapter's finding
SAID_BY = {"Invalid", "Conflict", "NotFound", "Forbidden", "flash", "echo", "secho", "ClickException",
           "UsageError", "Problem", "MissingField", "say_when"}  # fmt: skip


def _literal(node) -> bool:
    import ast

    if isinstance(node, ast.JoinedStr):  # an f-string: its own words, not the values put in it
        return _literal(ast.Constant(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)) + " "))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_WORD.search(node.value)) and " " in node.value.strip()
    if isinstance(node, ast.Dict):
        return any(_literal(value) for value in node.values)
    return False


def unwrapped() -> list[tuple[str, str]]:
    """Sentences a person reads, written straight into a refusal, a notice or a CLI message, not in ``_()``."""
    import ast

    found = []
    for folder in ("scheduler", "channels"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "demo" in path.name or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name not in SAID_BY:
                    continue
                said = node.args[1:] if name == "NotFound" else node.args  # NotFound's first names a kind
                for argument in [*said, *(k.value for k in node.keywords if k.arg in ("message", None))]:
                    if _literal(argument):
                        found.append((f"{path.relative_to(ROOT)}:{node.lineno}", ast.unparse(argument)[:100]))
    return found


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(language: str, found: dict) -> list[tuple[str, str, str]]:
    """(file, sentence, what is wrong) for each sentence ``language`` does not translate well."""
    known = catalog(language)
    wrong = []
    for message, where in found.items():
        key = message[0] if isinstance(message, tuple) else message
        entry = known.get(key)
        first = sorted(where)[0]
        if entry is None:
            wrong.append((first, key, "not translated"))
            continue
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        for string in strings:
            if placeholders(string) != placeholders(key):
                wrong.append((first, key, f"placeholders differ: {string!r}"))
    return sorted(wrong)


def disagreements(language: str) -> list[tuple[str, list[str]]]:
    """Sentences two areas' files translate differently: only the first file's is ever read, so the
    other area's pages would not read as its author wrote them."""
    said: dict = {}
    for path in sorted((FOLDER / language).glob("*.po")):
        with path.open("rb") as source:
            for message in read_po(source, locale=language):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    said.setdefault(key, {}).setdefault(str(message.string), []).append(path.name)
    return [(key, [f"{files}: {string}" for string, files in versions.items()]) for key, versions in said.items()
            if len(versions) > 1]  # fmt: skip


def check() -> int:
    found = sentences()
    failed = 0
    for language in TRANSLATED_INTO:
        for sentence, versions in disagreements(language):
            print(f"{language}: {sentence!r} is translated differently: {' | '.join(versions)}")
            failed += 1
    for language in TRANSLATED_INTO:
        wrong = problems(language, found)
        for where, message, what in wrong:
            print(f"{language}: {where}: {message!r}: {what}")
        failed += len(wrong)
    left = literals()
    for where, words in left:
        print(f"{where}: words outside _(): {words!r}")
    failed += len(left)
    raw = unwrapped()
    for where, words in raw:
        print(f"{where}: a sentence outside _(): {words}")
    failed += len(raw)
    languages = ", ".join(TRANSLATED_INTO)
    print(f"{len(found)} sentences; {failed} problems in {languages} ({len(left)} in templates' words)")
    return 1 if failed else 0


def missing(under: list[str]) -> int:
    for where, words in literals():
        if not under or any(where.startswith(u) for u in under):
            print(f"{where}: words outside _(): {words!r}")
    for where, words in unwrapped():
        if not under or any(where.startswith(u) for u in under):
            print(f"{where}: a sentence outside _(): {words}")
    found = sentences()
    for language in TRANSLATED_INTO:
        for where, message, what in problems(language, found):
            if not under or any(where.startswith(u) for u in under):
                print(f"{language}: {where}: {message!r}: {what}")
    return 0


def stub(under: list[str], area: str) -> int:
    found = sentences()
    for language in TRANSLATED_INTO:
        path = FOLDER / language / f"{area}.po"
        if path.exists():
            with path.open("rb") as source:
                kept = read_po(source, locale=language)
        else:
            kept = empty(language)
        added = 0
        for where, message, what in problems(language, found):
            if what != "not translated" or not any(where.startswith(u) for u in under) or message in kept:
                continue
            whole = next((m for m in found if (m[0] if isinstance(m, tuple) else m) == message), message)
            kept.add(whole, string=("",) * kept.num_plurals if isinstance(whole, tuple) else "")
            added += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, kept, width=0, no_location=True, omit_header=False, include_previous=False)
        print(f"{path.relative_to(ROOT)}: {added} sentences to translate")
    return 0


def fill(area: str, words_file: str) -> int:
    import json

    words = json.loads(Path(words_file).read_text(encoding="utf-8"))
    found = {(m[0] if isinstance(m, tuple) else m): m for m in sentences()}
    for language in TRANSLATED_INTO:
        path = FOLDER / language / f"{area}.po"
        kept = empty(language)
        if path.exists():
            with path.open("rb") as source:
                kept = read_po(source, locale=language)
        for sentence, translated in words.items():
            string = translated[language]
            whole = found.get(sentence, sentence)
            if isinstance(whole, tuple) or isinstance(string, list):
                string = tuple(string if isinstance(string, list) else [string] * kept.num_plurals)
            if sentence in kept:
                kept[sentence].string = string
            else:
                kept.add(whole, string=string)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, kept, width=0, no_location=True, include_previous=False)
        print(f"{path.relative_to(ROOT)}: {len(words)} sentences written")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "missing", "stub", "fill"])
    parser.add_argument("words", nargs="?", help="fill: a JSON file of translations")
    parser.add_argument("--under", action="append", default=[], help="a path from the project's root")
    parser.add_argument("--into", help="the area's catalog name (stub)")
    args = parser.parse_intermixed_args(argv)
    if args.command == "check":
        return check()
    if args.command == "missing":
        return missing(args.under)
    if args.command == "fill":
        if not args.into or not args.words:
            parser.error("fill needs --into and a JSON file")
        return fill(args.into, args.words)
    if not args.into or not args.under:
        parser.error("stub needs --under and --into")
    return stub(args.under, args.into)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
