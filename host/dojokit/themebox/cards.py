"""Printable exercise cards: one A5 page per exercise of a theme box.

Each card answers the four questions of a structured work system (TEACCH) in the same
places every time: what do I do (with the card's picture), how much is there (the numbered
steps, each with a box to tick), how do I know I am finished, what comes next. The top line
names the box and says "card N of M". Texts come from the box in the chosen language;
labels from the catalog `cards.*` (`host/dojokit/i18n/cards.<lang>.json`).

The document is self-contained (inline CSS and SVG, system fonts, nothing fetched) and made
for black-and-white printers: the pictures are line drawings and nothing relies on colour.

    dojokit box cards BOX [--lang nl] OUT.html
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dojokit.i18n import LANGUAGES, text
from dojokit.themebox.format import Box, Exercise, pick
from dojokit.typeset import tie

INK = "#242830"  # dark grey: softer than black, still crisp when printed
GREY = "#9aa2ac"

# A card gets the largest body type (never below 14pt) at which its text is estimated to
# fit one A5 page, so a long card still prints on one sheet and a short one stays big.
TYPE_SIZES = (16.0, 15.0, 14.0)
BUDGET_MM = 180.0  # of the 192 mm inside the A5 page margins: the rest is room for a wider font
PT_MM = 0.3528
CHAR_EM = 0.53  # a character's average width in Verdana / DejaVu Sans, bold a little wider
LINE = 1.25  # the body's line height
# (these follow _CSS below) text widths in mm: the answer beside the picture, a step, the
# other answers, the title
WHAT_MM, STEP_MM, ANSWER_MM, TITLE_MM = 96.0, 100.0, 122.0, 128.0
# the card's fixed parts in mm: top line and title margins, four boxes' padding, border
# and gap, three labels above their answers, the picture, the gap between two steps
FIXED_MM, LABEL_MM, ICON_MM, STEP_GAP_MM = 12.0 + 4 * 6.6, 6.1, 22.0, 1.8
TITLE_PT, TITLE_LINE = 19.0, 1.15

_R = f'stroke="{INK}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"'


def _robot(x: float = 0, y: float = 0, s: float = 1) -> str:
    """The robot seen from the side, facing right: body, front sensor and two wheels."""
    return (f'<g transform="translate({x} {y}) scale({s})">'
            f'<rect x="14" y="22" width="36" height="20" rx="4" fill="#ffffff" {_R}/>'
            f'<rect x="46" y="27" width="6" height="8" rx="1.5" fill="{INK}"/>'
            f'<circle cx="23" cy="45" r="6" fill="#ffffff" {_R}/>'
            f'<circle cx="41" cy="45" r="6" fill="#ffffff" {_R}/></g>')


def _arrow_head(x: float, y: float, dx: float, dy: float) -> str:
    """An open arrow head at (x, y) pointing along (dx, dy) (a unit direction)."""
    px, py = -dy, dx  # perpendicular
    a = (x - 7 * dx + 5 * px, y - 7 * dy + 5 * py)
    b = (x - 7 * dx - 5 * px, y - 7 * dy - 5 * py)
    return f'<path d="M{a[0]:g} {a[1]:g} L{x:g} {y:g} L{b[0]:g} {b[1]:g}" fill="none" {_R}/>'


def _grid(bits: Sequence[str], x0: float, y0: float, cell: float, gap: float) -> str:
    """A 5x5 display; `bits` are five rows of '#' (on) and '.' (off)."""
    out = []
    for r, row in enumerate(bits):
        for c, ch in enumerate(row):
            fill = INK if ch == "#" else "#ffffff"
            out.append(f'<rect x="{x0 + c * (cell + gap):g}" y="{y0 + r * (cell + gap):g}" '
                       f'width="{cell:g}" height="{cell:g}" rx="1" fill="{fill}" '
                       f'stroke="{INK}" stroke-width="1.2"/>')
    return "".join(out)


def _checkers(x0: float, y0: float, cols: int, rows: int, cell: float) -> str:
    return "".join(
        f'<rect x="{x0 + c * cell:g}" y="{y0 + r * cell:g}" width="{cell:g}" '
        f'height="{cell:g}" fill="{INK if (r + c) % 2 == 0 else "#ffffff"}"/>'
        for r in range(rows) for c in range(cols))


# One line drawing per name in format.ICONS, on a 64 x 64 grid (a test checks none is missing).
ICON_SVG: dict[str, str] = {
    "drive": _robot(-8, 0) + f'<path d="M46 32 H61" fill="none" {_R}/>'
             + _arrow_head(61, 32, 1, 0)
             + f'<path d="M2 26 H7 M0 33 H5 M2 40 H7" fill="none" {_R} stroke-width="2"/>',
    "turn": f'<rect x="22" y="20" width="20" height="24" rx="4" fill="#ffffff" {_R}/>'
            f'<rect x="16" y="24" width="5" height="16" rx="1.5" fill="{INK}"/>'
            f'<rect x="43" y="24" width="5" height="16" rx="1.5" fill="{INK}"/>'
            f'<path d="M32 5 A27 27 0 1 1 7.5 20" fill="none" {_R}/>'
            + _arrow_head(7.5, 20, 0.444, -0.907),
    "stop": _robot(-8, 8, 0.9)
            + '<path d="M44 4 H54 L61 11 V21 L54 28 H44 L37 21 V11 Z" '
              f'fill="{INK}" stroke="{INK}" stroke-width="2" stroke-linejoin="round"/>'
              '<path d="M43 16 H55" stroke="#ffffff" stroke-width="3.5" '
              'stroke-linecap="round"/>',
    "park": f'<path d="M6 12 V56 H58 V12" fill="none" {_R} stroke-width="4"/>'
            '<path d="M6 12 H58" fill="none" stroke="' + INK + '" stroke-width="2" '
            'stroke-dasharray="3 4"/>' + _robot(3, 0, 0.82),
    "wall": _robot(-10, 8, 0.9)
            + f'<rect x="46" y="6" width="14" height="52" fill="#ffffff" {_R}/>'
            + f'<path d="M46 19 H60 M46 32 H60 M46 45 H60 M53 6 V19 M53 32 V45" '
              f'fill="none" stroke="{INK}" stroke-width="2"/>',
    "light": _robot(0, 8)
             + f'<circle cx="32" cy="18" r="6.5" fill="{INK}"/>'
             + f'<path d="M32 2 V6 M18 8 L21 11 M46 8 L43 11 M12 18 H16 M48 18 H52" '
               f'fill="none" {_R} stroke-width="2.5"/>',
    "colours": f'<path d="M4 32 H60" fill="none" stroke="{INK}" stroke-width="2"/>'
               f'<circle cx="12" cy="32" r="8.5" fill="#ffffff" {_R}/>'
               f'<circle cx="32" cy="32" r="8.5" fill="{GREY}" {_R}/>'
               f'<circle cx="52" cy="32" r="8.5" fill="{INK}" {_R}/>',
    "sound": f'<path d="M24 44 V14 L50 8 V38" fill="none" {_R}/>'
             f'<path d="M24 14 L50 8 V15 L24 21 Z" fill="{INK}"/>'
             f'<ellipse cx="18" cy="45" rx="7" ry="5.5" fill="{INK}" '
             'transform="rotate(-20 18 45)"/>'
             f'<ellipse cx="44" cy="39" rx="7" ry="5.5" fill="{INK}" '
             'transform="rotate(-20 44 39)"/>',
    "display": f'<rect x="4" y="4" width="56" height="56" rx="5" fill="#ffffff" {_R}/>'
               + _grid((".#.#.", ".#.#.", ".....", "#...#", ".###."), 9.5, 9.5, 7, 2.5),
    "say": f'<path d="M10 8 H54 A6 6 0 0 1 60 14 V38 A6 6 0 0 1 54 44 H26 L14 56 V44 H10 '
           f'A6 6 0 0 1 4 38 V14 A6 6 0 0 1 10 8 Z" fill="#ffffff" {_R}/>'
           f'<circle cx="20" cy="26" r="3.5" fill="{INK}"/>'
           f'<circle cx="32" cy="26" r="3.5" fill="{INK}"/>'
           f'<circle cx="44" cy="26" r="3.5" fill="{INK}"/>',
    "loop": f'<path d="M32 8 A24 24 0 1 1 11 20" fill="none" {_R} stroke-width="4"/>'
            + _arrow_head(11, 20, 0.5, -0.866)
            + f'<circle cx="32" cy="32" r="4" fill="{INK}"/>',
    "if": f'<path d="M32 60 V36 L12 12 M32 36 L52 12" fill="none" {_R} stroke-width="4"/>'
          + _arrow_head(12, 12, -0.64, -0.77) + _arrow_head(52, 12, 0.64, -0.77),
    "distance": f'<rect x="4" y="16" width="56" height="32" rx="4" fill="#ffffff" {_R}/>'
                f'<circle cx="19" cy="32" r="10" fill="#ffffff" {_R}/>'
                f'<circle cx="45" cy="32" r="10" fill="#ffffff" {_R}/>'
                f'<circle cx="19" cy="32" r="5" fill="{INK}"/>'
                f'<circle cx="45" cy="32" r="5" fill="{INK}"/>',
    "line": f'<rect x="3" y="8" width="58" height="48" rx="3" fill="#ffffff" {_R} '
            'stroke-width="2"/>'
            f'<path d="M3 42 C16 42 20 20 32 20 S48 38 61 38" fill="none" stroke="{INK}" '
            'stroke-width="8" stroke-linecap="butt"/>',
    "button": f'<rect x="6" y="6" width="52" height="52" rx="8" fill="#ffffff" {_R}/>'
              f'<circle cx="32" cy="32" r="18" fill="{INK}"/>'
              '<path d="M24 42 L32 21 L40 42 M27 35 H37" fill="none" stroke="#ffffff" '
              'stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>',
    "maze": f'<rect x="4" y="4" width="56" height="56" rx="2" fill="#ffffff" {_R}/>'
            f'<path d="M4 18 H46 M18 32 H60 M4 46 H32 M46 46 V60 M32 32 V46" fill="none" '
            f'{_R}/><circle cx="11" cy="11" r="3.5" fill="{INK}"/>',
    "finish": f'<path d="M12 60 V4" fill="none" {_R} stroke-width="4"/>'
              f'<rect x="14" y="6" width="42" height="28" fill="#ffffff" stroke="{INK}" '
              'stroke-width="2"/>' + _checkers(14, 6, 6, 4, 7),
}

TICK_SVG = (f'<svg class="glyph" viewBox="0 0 24 24" aria-hidden="true">'
            f'<path d="M4 13 L10 19 L20 5" fill="none" stroke="{INK}" stroke-width="3.2" '
            'stroke-linecap="round" stroke-linejoin="round"/></svg>')
NEXT_SVG = (f'<svg class="glyph" viewBox="0 0 24 24" aria-hidden="true">'
            f'<path d="M3 12 H20 M13 5 L20 12 L13 19" fill="none" stroke="{INK}" '
            'stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>')


def icon_svg(name: str, label: str) -> str:
    """The card's picture as an inline SVG, with `label` for screen readers."""
    return (f'<svg class="icon" viewBox="0 0 64 64" role="img" '
            f'aria-label="{escape(label)}">{ICON_SVG[name]}</svg>')


_CSS = f"""
@page {{ size: A5 portrait; margin: 9mm 10mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{
  margin: 0; background: #ffffff; color: {INK};
  font-family: Verdana, "DejaVu Sans", Arial, Helvetica, sans-serif; line-height: 1.25;
}}
section.card {{
  break-after: page; page-break-after: always; break-inside: avoid;
  width: 128mm; margin: 0 auto;
}}
section.card:last-child {{ break-after: auto; page-break-after: auto; }}
.top {{
  display: flex; justify-content: space-between; align-items: center; gap: 4mm;
  font-size: 11pt; color: #3a404a; border-bottom: 0.5mm solid {INK};
  padding-bottom: 1.2mm;
}}
.top .count {{ white-space: nowrap; }}
.dots {{ display: inline-block; margin-left: 1.5mm; }}
.dots span {{
  display: inline-block; width: 2.6mm; height: 2.6mm; border-radius: 50%;
  border: 0.35mm solid {INK}; margin-left: 0.8mm;
}}
.dots span.here {{ background: {INK}; }}
h1 {{ font-size: 19pt; margin: 2.5mm 0 2.5mm 0; line-height: 1.15; }}
.q {{
  border: 0.4mm solid #b8bec6; border-radius: 2.5mm; padding: 1.6mm 3mm 2mm 3mm;
  margin: 0 0 2.2mm 0; break-inside: avoid;
}}
.label {{
  font-size: 12pt; font-weight: bold; color: #3a404a; margin: 0 0 0.8mm 0;
  display: flex; align-items: center; gap: 1.5mm;
}}
.glyph {{ width: 5.5mm; height: 5.5mm; flex: none; }}
.answer {{ margin: 0; }}
.what {{ display: flex; gap: 4mm; align-items: center; background: #f2f4f6; }}
.what .answer {{ font-weight: bold; }}
.icon {{ width: 22mm; height: 22mm; flex: none; background: #ffffff; border-radius: 2mm; }}
ol {{ list-style: none; margin: 0; padding: 0; }}
li {{ display: flex; align-items: flex-start; gap: 2.5mm; margin: 0.9mm 0; }}
.n {{
  flex: none; width: 1.75em; height: 1.75em; line-height: 1.75em; border-radius: 50%;
  background: {INK}; color: #ffffff; text-align: center; font-weight: bold;
  font-size: 0.8em; margin-top: 0.05em;
}}
.step {{ flex: 1; }}
.tick {{
  flex: none; width: 5mm; height: 5mm; border: 0.4mm solid {GREY}; border-radius: 1mm;
  margin-top: 0.2em;
}}
"""


def _lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """How many lines `text` takes at this width, a few characters lost at each wrap."""
    per_line = width_mm / (CHAR_EM * (1.06 if bold else 1.0) * size_pt * PT_MM) - 3
    return -(-len(text) // max(1, int(per_line)))


def card_height_mm(exercise: Exercise, lang: str, size_pt: float) -> float:
    """An estimate of the card's height when its body type is `size_pt`."""
    c = exercise.card
    line = size_pt * LINE * PT_MM
    title = _lines(pick(exercise.title, lang), TITLE_MM, TITLE_PT, bold=True)
    what = max(ICON_MM, LABEL_MM + _lines(pick(c.what, lang), WHAT_MM, size_pt, True) * line)
    steps = sum(_lines(pick(t, lang), STEP_MM, size_pt) * line + STEP_GAP_MM for t in c.steps)
    rest = sum(_lines(pick(t, lang), ANSWER_MM, size_pt) for t in (c.done_when, c.next))
    return (FIXED_MM + 3 * LABEL_MM + title * TITLE_PT * TITLE_LINE * PT_MM + what + steps
            + rest * line)


def type_size(exercise: Exercise, lang: str) -> float:
    """The body type size for this card: the largest that is estimated to fit."""
    for size in TYPE_SIZES:
        if card_height_mm(exercise, lang, size) <= BUDGET_MM:
            return size
    return TYPE_SIZES[-1]


def _label(lang: str, key: str) -> str:
    return escape(text(f"cards.{key}", lang), quote=False)


def _card(box: Box, exercise: Exercise, n: int, lang: str) -> str:
    c = exercise.card
    total = len(box.exercises)
    h = lambda t: escape(tie(pick(t, lang)), quote=False)  # noqa: E731 - a box text
    dots = "".join('<span class="here"></span>' if i == n else "<span></span>"
                   for i in range(1, total + 1))
    count = text("cards.card_of", lang).format(n=n, total=total)
    steps = "".join(
        f'<li><span class="n">{i}</span><span class="step">{h(s)}</span>'
        '<span class="tick"></span></li>'
        for i, s in enumerate(c.steps, 1))
    icon_label = text(f"cards.icon.{c.icon}", lang)
    return (
        f'<section class="card" data-exercise="{escape(exercise.id)}" '
        f'style="font-size: {type_size(exercise, lang):g}pt">\n'
        f'<div class="top"><span class="box">{h(box.title)}</span>'
        f'<span class="count">{escape(count, quote=False)}'
        f'<span class="dots" aria-hidden="true">{dots}</span></span></div>\n'
        f"<h1>{h(exercise.title)}</h1>\n"
        f'<div class="q what">{icon_svg(c.icon, icon_label)}<div>'
        f'<p class="label">{_label(lang, "label.what")}</p>'
        f'<p class="answer">{h(c.what)}</p></div></div>\n'
        f'<div class="q steps"><p class="label">{_label(lang, "label.steps")}</p>'
        f"<ol>{steps}</ol></div>\n"
        f'<div class="q done"><p class="label">{TICK_SVG}{_label(lang, "label.done_when")}'
        f'</p><p class="answer">{h(c.done_when)}</p></div>\n'
        f'<div class="q next"><p class="label">{NEXT_SVG}{_label(lang, "label.next")}</p>'
        f'<p class="answer">{h(c.next)}</p></div>\n'
        "</section>"
    )


def cards_html(box: Box, lang: str) -> str:
    """Every exercise card of `box` in `lang` (nl, fr, en), one A5 page each, as one
    complete HTML document."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {list(LANGUAGES)}")
    title = text("cards.document_title", lang).format(box=pick(box.title, lang))
    cards = "\n".join(_card(box, ex, n, lang) for n, ex in enumerate(box.exercises, 1))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title, quote=False)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{cards}\n</body>\n</html>\n"
    )

