"""Scratch's Sound blocks (the robot's own sound blocks share the category)."""

from dojokit.scratch.blocks import BlockDef, Slot, menu, menu_input, number, table


def _sound() -> Slot:
    # the sprite's sounds, by name: no fixed choices
    return menu_input("SOUND_MENU", "sound_sounds_menu", "SOUND_MENU", (), default="pop")


def _effect() -> Slot:
    return menu("EFFECT", ("PITCH", "PAN"), prefix="blocks.menu.sound_effect.")


BLOCKS = table(
    BlockDef("sound_playuntildone", "command", "sound", (_sound(),)),
    BlockDef("sound_play", "command", "sound", (_sound(),)),
    BlockDef("sound_stopallsounds", "command", "sound"),
    BlockDef("sound_changeeffectby", "command", "sound", (_effect(), number("VALUE", 10))),
    BlockDef("sound_seteffectto", "command", "sound", (_effect(), number("VALUE", 100))),
    BlockDef("sound_cleareffects", "command", "sound"),
    BlockDef("sound_changevolumeby", "command", "sound", (number("VOLUME", -10),)),
    BlockDef("sound_setvolumeto", "command", "sound", (number("VOLUME", 100),)),
    BlockDef("sound_volume", "reporter", "sound"),
)
