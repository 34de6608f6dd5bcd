"""How the studio looks: colours per sensory profile, fonts at a scale, and the rules every
screen keeps (targets at least 44 x 44 px, text contrast at least 4.5:1, a visible focus ring).

Block colours are soft tints with dark text (never white on yellow); a category is also told
by its word and its icon, so colour is never the only cue. The calm palette is softer still.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pygame

RGB = tuple[int, int, int]
MIN_TARGET = 44  # px at 100 %: WCAG 2.5.5's 44 x 44 CSS px
MIN_CONTRAST = 4.5
SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)  # the learner's text and block size setting


def luminance(c: RGB) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = c[:3]
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Theme:
    name: str
    background: RGB
    panel: RGB  # card, palette, stage frames
    script_bg: RGB
    text: RGB
    muted_text: RGB  # still >= 4.5:1 on panel
    focus: RGB  # the focus ring (thick, dark, never only colour: it is a ring)
    slot_hint: RGB  # where a block would land
    button: RGB
    button_text: RGB
    input_bg: RGB
    error_bg: RGB  # "what fits here" note: a soft sand, never red
    categories: dict[str, RGB] = field(default_factory=dict)
    animate: bool = True  # standard may ease the drag; calm moves nothing but the robot


_COMMON_TEXT = (28, 28, 36)

CALM = Theme(
    "calm", background=(238, 240, 236), panel=(250, 250, 246), script_bg=(244, 246, 242),
    text=_COMMON_TEXT, muted_text=(70, 72, 80), focus=(20, 60, 140), slot_hint=(90, 110, 150),
    button=(222, 230, 240), button_text=_COMMON_TEXT, input_bg=(255, 255, 255),
    error_bg=(246, 236, 206), animate=False,
    categories={
        "events": (246, 228, 170), "control": (244, 216, 178), "operators": (200, 232, 200),
        "motors": (196, 214, 240), "lights": (226, 214, 244), "display": (214, 226, 236),
        "sound": (236, 212, 236), "sensors": (196, 230, 236), "motion": (196, 214, 240),
        "looks": (222, 210, 244), "sensing": (196, 230, 236), "variables": (246, 216, 190),
        "lists": (246, 208, 186), "procedures": (244, 206, 214), "pen": (200, 236, 220),
        "unknown": (224, 224, 224),
    },
)

STANDARD = Theme(
    "standard", background=(232, 236, 244), panel=(255, 255, 255), script_bg=(246, 248, 252),
    text=(20, 20, 28), muted_text=(64, 66, 76), focus=(0, 70, 200), slot_hint=(40, 90, 200),
    button=(210, 224, 246), button_text=(20, 20, 28), input_bg=(255, 255, 255),
    error_bg=(250, 232, 190),
    categories={
        "events": (255, 214, 110), "control": (255, 196, 120), "operators": (150, 220, 150),
        "motors": (150, 190, 255), "lights": (200, 170, 255), "display": (180, 210, 235),
        "sound": (228, 170, 228), "sensors": (140, 214, 232), "motion": (150, 190, 255),
        "looks": (200, 170, 255), "sensing": (140, 214, 232), "variables": (255, 190, 130),
        "lists": (255, 170, 130), "procedures": (255, 170, 190), "pen": (150, 230, 200),
        "unknown": (215, 215, 215),
    },
)

THEMES = {"calm": CALM, "standard": STANDARD}


def theme(profile: str) -> Theme:
    return THEMES.get(profile, CALM)


def category_colour(th: Theme, category: str) -> RGB:
    return th.categories.get(category, th.categories["unknown"])


# -- fonts: shipped with the package (DejaVu Sans covers nl and fr), never the network -------
def _font_path(bold: bool) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(files("dojokit.studio") / "fonts" / name)


@cache
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The studio's font at `size` px (already scaled)."""
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(_font_path(bold), max(6, size))


BASE_TEXT = 18  # px at 100 %
BASE_SMALL = 15
BASE_TITLE = 22


def px(value: float, scale: float) -> int:
    return round(value * scale)


def text_font(scale: float) -> pygame.font.Font:
    return font(px(BASE_TEXT, scale))


def small_font(scale: float) -> pygame.font.Font:
    return font(px(BASE_SMALL, scale))


def title_font(scale: float) -> pygame.font.Font:
    return font(px(BASE_TITLE, scale), bold=True)


def wrap(text: str, f: pygame.font.Font, width: int) -> list[str]:
    """`text` as lines no wider than `width` px, broken at spaces (a single word wider than
    the line is broken by characters, so nothing is ever cut off)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if f.size(candidate)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while f.size(word)[0] > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and f.size(word[:cut])[0] > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def draw_focus(surface: pygame.Surface, rect: pygame.Rect, th: Theme, scale: float) -> None:
    """The focus ring: a thick rounded outline just outside `rect`, in every profile."""
    w = max(3, px(3, scale))
    pygame.draw.rect(surface, th.focus, rect.inflate(2 * w + 2, 2 * w + 2), w,
                     border_radius=px(8, scale))
