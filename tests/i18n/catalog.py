"""The message catalogues as the tests see them: extracted from the code with the same
settings as `pybabel extract` (babel.cfg + [tool.babel.extract_messages] in pyproject.toml),
and the committed Korean catalogue."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
KO_PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
KO_MO = KO_PO.with_suffix(".mo")


def babel_settings() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["babel"]["extract_messages"]


@functools.cache
def extracted() -> Catalog:
    """Every message the code and templates hold today."""
    settings = babel_settings()
    with (ROOT / settings["mapping_file"]).open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(settings["keywords"]))
    catalog = Catalog(locale=None)
    for path in settings["input_paths"]:
        for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT / path), method_map, options_map, keywords=keywords
        ):
            catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def key(message: Message) -> tuple[str | None, str]:
    """(context, msgid): the singular for plural messages."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    return {key(m) for m in catalog if m.id}


def compile_if_stale() -> list[Path]:
    """Compile each .po whose .mo is missing or older (what `make translations` does), so a
    suite run right after editing a catalogue tests the new translations."""
    from babel.messages.mofile import write_mo

    compiled = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalog(po)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        compiled.append(mo)
    return compiled
