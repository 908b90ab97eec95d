"""Every string people see has a Korean translation, and the committed catalogues are current.

Messages are extracted from the code and templates with Babel's own API and the project's
settings (babel.cfg, pyproject.toml), exactly as `make translations-update` does, so a new
`_()`/`{{ _() }}` without a Korean translation fails here, naming the string and its file.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.support import Translations
from wtforms.i18n import messages_path

from app.forms import WTFORMS_MESSAGES, WTFORMS_PLURALS
from tests.i18n.catalog import (
    KO_MO,
    KO_PO,
    POT,
    extracted,
    key,
    keys,
    read_catalog,
)

# %s, %d, %(name)s, %(n)d, %% ... as Python's % operator reads them.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
UPDATE_HINT = "run `make translations-update`, translate, then `make translations`"


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted((name or "", kind) for name, kind in PLACEHOLDER.findall(text))


def where(message) -> str:
    return ", ".join(sorted({path for path, _line in message.locations})) or "?"


def test_every_message_in_the_code_has_a_korean_translation():
    korean = {key(m): m for m in read_catalog(KO_PO) if m.id}
    problems = []
    for message in extracted():
        if not message.id:
            continue
        found = korean.get(key(message))
        label = f"{key(message)[1]!r} ({where(message)})"
        if found is None:
            problems.append(f"not in the Korean catalogue: {label}")
            continue
        strings = [found.string] if isinstance(found.string, str) else list(found.string)
        if found.fuzzy or not strings or not all(s and s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {label}")
            continue
        # Korean has one plural form; it must use what the English plural uses.
        source = message.id if isinstance(message.id, str) else message.id[1]
        for text in strings:
            if placeholders(text) != placeholders(source):
                problems.append(f"placeholders differ: {label} -> {text!r}")
            words = PLACEHOLDER.sub("", text)
            if LATIN_WORD.search(words) and not HANGUL.search(words):
                problems.append(f"English left in the translation: {label} -> {text!r}")
    assert not problems, "\n".join(problems) + f"\n({UPDATE_HINT})"


def test_the_committed_catalogues_hold_exactly_what_the_code_has():
    """A stale .pot or .po (a string changed in the code, not in the catalogue) fails CI."""
    in_code = keys(extracted())
    for path in (POT, KO_PO):
        committed = keys(read_catalog(path))
        missing, stale = sorted(in_code - committed), sorted(committed - in_code)
        assert not missing and not stale, (
            f"{path.relative_to(path.parents[2])} is out of date ({UPDATE_HINT}).\n"
            f"Missing: {missing[:20]}\nNo longer in the code: {stale[:20]}"
        )


def test_the_compiled_catalogue_is_the_committed_one():
    with KO_MO.open("rb") as fh:
        translations = Translations(fh)
    for message in read_catalog(KO_PO):
        if not message.id:
            continue
        if isinstance(message.id, str):
            got = (
                translations.upgettext(message.context, message.id)
                if message.context
                else translations.ugettext(message.id)
            )
            assert got == message.string, message.id
        else:
            assert translations.ungettext(*message.id, 2) == message.string[0], message.id


def test_wtforms_own_messages_are_translated_in_our_catalogue():
    """The messages WTForms and Flask-WTF show by themselves (field required, too long, not a
    date ...) are listed in app.forms, so they are extracted and translated with the rest."""
    wtforms_pot = read_catalog(Path(messages_path()) / "wtforms.pot")
    ours = {m if isinstance(m, str) else m[0] for m in (*WTFORMS_MESSAGES, *WTFORMS_PLURALS)}
    # Messages only a programming error, CSRF (answered by CSRFProtect before any form) or a
    # field this site does not use can produce.
    unused = {
        "Invalid field name '%s'.",
        "Choices cannot be None.",
        "Invalid CSRF Token.",
        "CSRF token missing.",
        "CSRF failed.",
        "CSRF token expired.",
        "Invalid IP address.",
        "Invalid Mac address.",
        "Invalid UUID.",
    }
    wanted = {key(m)[1] for m in wtforms_pot if m.id} - unused
    assert wanted <= ours, sorted(wanted - ours)
