"""Generated parts of the docs: a table made from the code, kept between two marker lines in
a Markdown file, so the file and the code cannot disagree (each test compares them)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def section(text: str, begin: str, end: str) -> str:
    """The generated part of `text`: from the line after `begin` up to `end`."""
    start = text.index(begin) + len(begin) + 1  # after the marker's line end
    return text[start : text.index(end)]


def write_section(path: Path, begin: str, end: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(begin) + len(begin) + 1
    path.write_text(text[:start] + body + text[text.index(end):], encoding="utf-8")


def main(begin: str, end: str, make: Callable[[], str]) -> None:
    """`python -m <module> FILE` writes the section into FILE; without FILE it prints it."""
    if len(sys.argv) > 1:
        write_section(Path(sys.argv[1]), begin, end, make())
    else:
        print(make(), end="")
