"""Message catalogs: every text a person reads comes from here, in nl, fr or en.

Catalogs are JSON files beside this module keyed by message id: `<lang>.json`, plus one
`<domain>.<lang>.json` per area (for example `blocks.nl.json`), merged into one catalog.
The language is chosen once per process: `set_language()`, else DOJOKIT_LANG, else the
system's LANG when it is nl or fr, else English. A DOJOKIT_LANG dojokit does not speak is
named once on standard error, and English is used (not the system language: whoever set the
variable meant to choose).
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path

LANGUAGES = ("nl", "fr", "en")
_lang: str | None = None
_warned = False  # the unknown DOJOKIT_LANG has been named


@cache
def catalog(lang: str) -> dict[str, str]:
    here = Path(__file__).parent
    merged: dict[str, str] = {}
    for path in [here / f"{lang}.json", *sorted(here.glob(f"*.{lang}.json"))]:
        part = json.loads(path.read_text(encoding="utf-8"))
        if clash := merged.keys() & part.keys():
            raise RuntimeError(f"{path.name} repeats message ids: {sorted(clash)}")
        merged.update(part)
    return merged


def set_language(lang: str | None) -> None:
    global _lang
    _lang = lang if lang in LANGUAGES else None


def language() -> str:
    if _lang:
        return _lang
    chosen = os.environ.get("DOJOKIT_LANG", "").strip()
    if chosen:
        code = chosen[:2].lower()  # "nl_BE.UTF-8" is Dutch
        if code in LANGUAGES:
            return code
        _warn_unknown(chosen)
        return "en"
    for var in ("LC_ALL", "LANG"):
        code = os.environ.get(var, "")[:2].lower()
        if code in LANGUAGES:
            return code
    return "en"


def _warn_unknown(value: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(catalog("en")["i18n.unknown_language"].format(
            value=value, known=", ".join(LANGUAGES)), file=sys.stderr)


def text(key: str, lang: str | None = None) -> str:
    """The unfilled text for `key` in `lang` (default: the current language; English if
    that catalog lacks it)."""
    return catalog(lang or language()).get(key) or catalog("en")[key]


def t(key: str, **fields: object) -> str:
    """The text for `key` in the current language, its fields filled in."""
    return text(key).format(**fields)


class Sentence(Exception):
    """A problem a user can act on, told in one translated sentence: `str()` translates the
    catalog key with its fields in the language chosen when it is shown."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields

    def __str__(self) -> str:
        return t(self.key, **self.fields)
