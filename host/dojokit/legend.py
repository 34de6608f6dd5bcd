"""The printable legend card: what each light and sign of the feedback vocabulary means.

One A4 page of self-contained HTML per sensory profile and language (nothing is fetched from
elsewhere: no fonts, images or scripts), to print and put beside the robots. For each state
of the feedback vocabulary (`dojokit.feedback.STATES`) the card shows:

- the light's colour as the robot shows it under the profile's brightness cap (the
  firmware's own integer rule, `firmware/dk_guard.py`), as a steady round light;
- the state's 5x5 sign, the one the robot's display and the simulator's banner show;
- the state's word, the same word the simulator's banner shows (catalog `view.state.<state>`),
  so card, screen and robot always agree;
- what the state means, in plain words (catalog `legend.state.<state>`).

Under the table the card says what the profile does (brightness, light changes, sound,
speed, announcing), read from `dojokit.robot.profiles.PROFILES`. Other texts: catalog keys
`legend.*` (`host/dojokit/i18n/legend.<lang>.json`).

    python -m dojokit.legend FOLDER    writes legend-<profile>.<lang>.html for every pair
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path

from dojokit.feedback import STATES, capped
from dojokit.i18n import LANGUAGES, catalog
from dojokit.robot.profiles import PROFILES, SensoryProfile
from dojokit.typeset import tie

RGB = tuple[int, int, int]

# the firmware guard's floor for the time between two light changes (dk_guard._MIN_HOLD)
MIN_HOLD_MS = 170
# a change to or from saturated red waits at least this long (dk_guard._RED_HOLD)
RED_HOLD_MS = 2000


def css_colour(rgb: Sequence[int]) -> str:
    """`#rrggbb`, small letters."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def hold_ms(profile: SensoryProfile) -> int:
    """The shortest time between two light changes the robot keeps under this profile (the
    firmware raises a profile's hold to its own floor, as `dk_guard.Guard.profile` does)."""
    least = max(MIN_HOLD_MS, (1000 + profile.fade_ms) // 6 + 1)
    return max(profile.hold_ms, least)


def _h(text: str) -> str:
    """Text for an element's content, tied where a line must not break (attributes use
    `escape` with quotes)."""
    return escape(tie(text), quote=False)


def _text(lang: str, key: str, **fields: object) -> str:
    text = catalog(lang).get(key) or catalog("en")[key]
    return text.format(**fields)


def _number(value: float, lang: str) -> str:
    """A number as people in that language write it: 1, 1.5 (en), 1,5 (nl, fr)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang in ("nl", "fr") else text


def _profile_name(profile: SensoryProfile, lang: str) -> str:
    key = f"legend.profile.{profile.name}"
    return catalog(lang).get(key) or catalog("en").get(key) or profile.name


def _about(profile: SensoryProfile, lang: str) -> list[str]:
    """What the profile does, one plain sentence each, read from the profile's numbers."""
    lines = [_text(lang, "legend.about.brightness",
                   percent=round(profile.brightness_cap * 100 / 255))]
    hold = hold_ms(profile)
    if hold >= 1000:
        lines.append(_text(lang, "legend.about.no_blinking",
                           seconds=_number(hold / 1000, lang)))
    else:
        lines.append(_text(lang, "legend.about.flash_limit"))
    lines.append(_text(lang, "legend.about.sound_on" if profile.sound and profile.volume
                       else "legend.about.sound_off"))
    if profile.motor_cap >= 100:
        lines.append(_text(lang, "legend.about.full_speed"))
    else:
        lines.append(_text(lang, "legend.about.speed", percent=profile.motor_cap))
    lines.append(_text(lang, "legend.about.announce" if profile.announce
                       else "legend.about.no_announce",
                       running=_text(lang, "view.state.running")))
    return lines


def _sign(bits: int, label: str) -> str:
    cells = "".join('<span class="on"></span>' if bits >> (24 - i) & 1 else "<span></span>"
                    for i in range(25))
    return f'<div class="sign" role="img" aria-label="{escape(label)}">{cells}</div>'


_CSS = """
@page { size: A4 portrait; margin: 11mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0 auto; max-width: 186mm; padding: 6mm 0; background: #ffffff; color: #242830;
  font-family: Verdana, "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 11pt;
  line-height: 1.3;
}
header { border-bottom: 0.6mm solid #242830; padding-bottom: 2mm; margin-bottom: 1mm; }
h1 { font-size: 20pt; margin: 0 0 1mm 0; }
.intro { margin: 0; font-size: 11pt; }
.profile { margin: 1.5mm 0 0 0; font-size: 12pt; font-weight: bold; }
table { width: 100%; border-collapse: collapse; }
th {
  text-align: left; font-size: 9.5pt; font-weight: normal; color: #4a505a;
  border-bottom: 0.3mm solid #8a909a; padding: 1mm 2mm; line-height: 1.2;
}
td { border-bottom: 0.3mm solid #c8ccd2; padding: 1.2mm 2mm; vertical-align: middle; }
tr { break-inside: avoid; page-break-inside: avoid; }
.light {
  width: 12mm; height: 12mm; border-radius: 50%; border: 0.4mm solid #8a909a;
  margin: 0 auto;
}
.sign {
  display: grid; grid-template-columns: repeat(5, 2.1mm); grid-template-rows: repeat(5, 2.1mm);
  gap: 0.4mm; width: max-content; padding: 0.8mm; border: 0.3mm solid #c8ccd2;
  border-radius: 1mm;
}
.sign span { display: block; background: #eceef1; border-radius: 0.4mm; }
.sign span.on { background: #242830; }
.word { font-size: 15pt; font-weight: bold; }
.meaning { font-size: 11pt; }
.c-light { width: 22mm; text-align: center; }
.c-sign { width: 18mm; }
.c-word { width: 40mm; }
/* what the profile does beside the notes: two columns keep the card on one page */
footer {
  display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; margin-top: 3mm;
  break-inside: avoid;
}
h2 { font-size: 12pt; margin: 0 0 1mm 0; }
ul { margin: 0; padding-left: 4.5mm; font-size: 10.5pt; }
li { margin: 0.6mm 0; }
.notes { font-size: 10pt; color: #3a404a; }
.notes p { margin: 0 0 1.2mm 0; }
@media print { body { max-width: none; padding: 0; } }
"""


def legend_html(profile: str, lang: str) -> str:
    """The legend card for one sensory profile ("calm", "standard") in one language (nl, fr,
    en), as a complete HTML document."""
    if profile not in PROFILES:
        raise ValueError(f"unknown sensory profile {profile!r}: use one of {list(PROFILES)}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {list(LANGUAGES)}")
    prof = PROFILES[profile]
    name = _profile_name(prof, lang)
    title = _text(lang, "legend.title")

    rows = []
    for state, rgb, bits in STATES:
        colour = capped(rgb, prof.brightness_cap)
        word = _text(lang, f"view.state.{state}")
        rows.append(
            f'<tr class="state" data-state="{state}">'
            f'<td class="c-light"><div class="light" role="img" '
            f'aria-label="{escape(_text(lang, "legend.light_label", word=word))}" '
            f'style="background-color: {css_colour(colour)};"></div></td>'
            f'<td class="c-sign">{_sign(bits, _text(lang, f"legend.sign.{state}"))}</td>'
            f'<td class="c-word"><span class="word">{_h(word)}</span></td>'
            f'<td class="meaning">{_h(_text(lang, f"legend.state.{state}"))}</td>'
            "</tr>"
        )
    about = "".join(f"<li>{_h(line)}</li>" for line in _about(prof, lang))
    red_seconds = _number(RED_HOLD_MS / 1000, lang)
    not_yet = _text(lang, "view.state.not_yet")
    notes = "".join(
        "<p>" + _h(_text(lang, key, cap=prof.brightness_cap, seconds=red_seconds,
                             not_yet=not_yet)) + "</p>"
        for key in ("legend.note.same", "legend.note.not_yet", "legend.note.red",
                    "legend.note.print")
    )
    head = "".join(
        f'<th scope="col" class="c-{col}">{_h(_text(lang, f"legend.col.{col}"))}</th>'
        for col in ("light", "sign", "word", "meaning")
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(_text(lang, 'legend.document_title', title=title, profile=name))}"
        "</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1>{_h(title)}</h1>\n'
        f'<p class="intro">{_h(_text(lang, "legend.intro"))}</p>\n'
        f'<p class="profile">{_h(_text(lang, "legend.profile", profile=name))}</p>\n'
        "</header>\n<main>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) +
        "\n</tbody>\n</table>\n"
        "</main>\n<footer>\n"
        f'<section class="about">\n<h2>{_h(_text(lang, "legend.about", profile=name))}</h2>'
        f"\n<ul>{about}</ul>\n</section>\n"
        f'<section class="notes">\n<h2>{_h(_text(lang, "legend.notes"))}</h2>\n{notes}\n'
        "</section>\n</footer>\n</body>\n</html>\n"
    )


def legend_filename(profile: str, lang: str) -> str:
    return f"legend-{profile}.{lang}.html"


def write_legends(folder: str | Path) -> list[Path]:
    """Write the legend card for every sensory profile and language into `folder` (made if
    missing) as `legend-<profile>.<lang>.html`; returns the paths, profile by profile."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for profile in PROFILES:
        for lang in LANGUAGES:
            path = out / legend_filename(profile, lang)
            path.write_text(legend_html(profile, lang), encoding="utf-8")
            paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m dojokit.legend FOLDER", file=sys.stderr)
        return 2
    for path in write_legends(args[0]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
