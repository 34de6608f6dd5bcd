"""Scratch's Looks blocks."""

from dojokit.scratch.blocks import BlockDef, Slot, menu, menu_input, number, table, text

EFFECTS = ("COLOR", "FISHEYE", "WHIRL", "PIXELATE", "MOSAIC", "BRIGHTNESS", "GHOST")
# Scratch lists the sprite's costumes (the stage's backdrops) by name; the backdrop menu
# also has these three, which every project has
BACKDROP_EXTRAS = ("next backdrop", "previous backdrop", "random backdrop")
NUMBER_NAME = ("number", "name")


def _effect() -> Slot:
    return menu("EFFECT", EFFECTS, prefix="blocks.menu.effect.")


def _backdrop() -> Slot:
    return menu_input("BACKDROP", "looks_backdrops", "BACKDROP", BACKDROP_EXTRAS,
                      default="backdrop1", prefix="blocks.menu.backdrop.")


def _number_name() -> Slot:
    return menu("NUMBER_NAME", NUMBER_NAME, prefix="blocks.menu.number_name.")


BLOCKS = table(
    BlockDef("looks_sayforsecs", "command", "looks",
             (text("MESSAGE", "Hello!"), number("SECS", 2))),
    BlockDef("looks_say", "command", "looks", (text("MESSAGE", "Hello!"),)),
    BlockDef("looks_thinkforsecs", "command", "looks",
             (text("MESSAGE", "Hmm..."), number("SECS", 2))),
    BlockDef("looks_think", "command", "looks", (text("MESSAGE", "Hmm..."),)),
    BlockDef("looks_switchcostumeto", "command", "looks",
             (menu_input("COSTUME", "looks_costume", "COSTUME", (), default="costume1"),)),
    BlockDef("looks_nextcostume", "command", "looks"),
    BlockDef("looks_switchbackdropto", "command", "looks", (_backdrop(),)),
    BlockDef("looks_switchbackdroptoandwait", "command", "looks", (_backdrop(),)),
    BlockDef("looks_nextbackdrop", "command", "looks"),
    BlockDef("looks_changesizeby", "command", "looks", (number("CHANGE", 10),)),
    BlockDef("looks_setsizeto", "command", "looks", (number("SIZE", 100),)),
    BlockDef("looks_changeeffectby", "command", "looks", (_effect(), number("CHANGE", 25))),
    BlockDef("looks_seteffectto", "command", "looks", (_effect(), number("VALUE", 0))),
    BlockDef("looks_cleargraphiceffects", "command", "looks"),
    BlockDef("looks_show", "command", "looks"),
    BlockDef("looks_hide", "command", "looks"),
    BlockDef("looks_gotofrontback", "command", "looks",
             (menu("FRONT_BACK", ("front", "back"), prefix="blocks.menu.layer."),)),
    BlockDef("looks_goforwardbackwardlayers", "command", "looks",
             (menu("FORWARD_BACKWARD", ("forward", "backward"), prefix="blocks.menu.layers."),
              number("NUM", 1, whole=True, shadow="math_integer"))),
    BlockDef("looks_costumenumbername", "reporter", "looks", (_number_name(),)),
    BlockDef("looks_backdropnumbername", "reporter", "looks", (_number_name(),)),
    BlockDef("looks_size", "reporter", "looks"),
    # hidden from Scratch 3's palette, but scratch-vm and our runtime still run them
    BlockDef("looks_changestretchby", "command", "looks", (number("CHANGE", 10),)),
    BlockDef("looks_setstretchto", "command", "looks", (number("STRETCH", 100),)),
)
