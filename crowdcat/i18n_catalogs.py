"""Build and check the UI translations.

Translations are written by hand in `translations/<locale>/<area>.po` (one file per
area, so that areas can be translated side by side) and merged and compiled into
`crowdcat/translations/<locale>/LC_MESSAGES/messages.mo`, which Flask-Babel loads.

    python -m crowdcat.i18n_catalogs compile   # merge + compile (make run / make test do this)
    python -m crowdcat.i18n_catalogs missing   # list UI strings without a translation
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from crowdcat.config import LOCALES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "translations"
COMPILED = Path(__file__).resolve().parent / "translations"
TRANSLATED_LOCALES = [loc for loc in LOCALES if loc != "en"]  # English is the source language
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHOD_MAP = [
    ("crowdcat/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("static/**.js", "ignore"),
]


def merged_catalog(locale: str) -> Catalog:
    """All `translations/<locale>/*.po` files merged into one catalog (first file wins)."""
    catalog = Catalog(locale=locale, domain="messages")
    for path in sorted((SOURCES / locale).glob("*.po")):
        with path.open("rb") as handle:
            part = read_po(handle, locale=locale)
        for message in part:
            if message.id and message.string and message.id not in catalog:
                catalog[message.id] = message
    return catalog


def clashes(locale: str) -> dict[str, dict[str, str]]:
    """Msgids translated differently in two area files (only the first would be used)."""
    seen: dict[str, dict[str, str]] = {}
    for path in sorted((SOURCES / locale).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    seen.setdefault(key, {})[path.stem] = str(message.string)
    return {k: v for k, v in seen.items() if len(set(v.values())) > 1}


def compile_all() -> list[Path]:
    """Compile every locale's merged catalog to messages.mo; return the written paths."""
    written = []
    for locale in TRANSLATED_LOCALES:
        target = COMPILED / locale / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, merged_catalog(locale))
        written.append(target)
    return written


def ui_strings() -> Iterator[tuple[str, str]]:
    """Every msgid in the code and templates, with the file it comes from."""
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message  # plural: the singular id
        if msgid:
            yield msgid, filename


def missing(locale: str) -> dict[str, str]:
    """UI strings with no translation in `locale`, mapped to a file that uses them."""
    catalog = merged_catalog(locale)
    return {msgid: where for msgid, where in ui_strings() if msgid not in catalog}


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(ROOT)}")
        return 0
    if command == "missing":
        gaps = {loc: missing(loc) for loc in TRANSLATED_LOCALES}
        for loc, items in gaps.items():
            for msgid, where in sorted(items.items(), key=lambda kv: kv[1]):
                print(f"{loc}\t{where}\t{msgid!r}")
        return 1 if any(gaps.values()) else 0
    print(f"unknown command {command!r}; use compile or missing", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
