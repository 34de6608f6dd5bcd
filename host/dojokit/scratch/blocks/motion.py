"""Scratch's Motion blocks."""

from dojokit.scratch.blocks import BlockDef, angle, menu, menu_input, number, table

# the sprite's own menu choices; Scratch adds the other sprites' names after them
TARGETS = ("_random_", "_mouse_")
TOWARDS = ("_mouse_", "_random_")
ROTATION = ("left-right", "don't rotate", "all around")

BLOCKS = table(
    BlockDef("motion_movesteps", "command", "motion", (number("STEPS", 10),)),
    BlockDef("motion_turnright", "command", "motion", (number("DEGREES", 15),)),
    BlockDef("motion_turnleft", "command", "motion", (number("DEGREES", 15),)),
    BlockDef("motion_goto", "command", "motion",
             (menu_input("TO", "motion_goto_menu", "TO", TARGETS,
                         prefix="blocks.menu.target."),)),
    BlockDef("motion_gotoxy", "command", "motion", (number("X", 0), number("Y", 0))),
    BlockDef("motion_glideto", "command", "motion",
             (number("SECS", 1), menu_input("TO", "motion_glideto_menu", "TO", TARGETS,
                                            prefix="blocks.menu.target."))),
    BlockDef("motion_glidesecstoxy", "command", "motion",
             (number("SECS", 1), number("X", 0), number("Y", 0))),
    BlockDef("motion_pointindirection", "command", "motion", (angle("DIRECTION", 90),)),
    BlockDef("motion_pointtowards", "command", "motion",
             (menu_input("TOWARDS", "motion_pointtowards_menu", "TOWARDS", TOWARDS,
                         prefix="blocks.menu.towards."),)),
    BlockDef("motion_changexby", "command", "motion", (number("DX", 10),)),
    BlockDef("motion_setx", "command", "motion", (number("X", 0),)),
    BlockDef("motion_changeyby", "command", "motion", (number("DY", 10),)),
    BlockDef("motion_sety", "command", "motion", (number("Y", 0),)),
    BlockDef("motion_ifonedgebounce", "command", "motion"),
    BlockDef("motion_setrotationstyle", "command", "motion",
             (menu("STYLE", ROTATION, prefix="blocks.menu.rotation."),)),
    BlockDef("motion_xposition", "reporter", "motion"),
    BlockDef("motion_yposition", "reporter", "motion"),
    BlockDef("motion_direction", "reporter", "motion"),
)
