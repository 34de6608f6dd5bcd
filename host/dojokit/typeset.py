"""Line breaking for printed text: where a line must not break.

The catalogs and the theme boxes write plain spaces; a printed card binds a short last word
to the one before it ("take card 2." never leaves "2." alone on a line) and keeps French
quotes and the space before French `: ; ? !` with their word.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
_TIES = (
    (re.compile(r" (\S{1,4})$"), NBSP + r"\1"),
    (re.compile(r"« "), "«" + NBSP),
    (re.compile(r" ([»:;?!])"), NBSP + r"\1"),
)


def tie(text: str) -> str:
    """`text` with no-break spaces where a line must not break."""
    for pattern, repl in _TIES:
        text = pattern.sub(repl, text)
    return text
