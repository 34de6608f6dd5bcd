"""Scratch's Pen extension (scratch3_pen). Headless there is nothing to draw: the runtime keeps
each sprite's pen state (dojokit.scratch.pen). The last four are Scratch 2's pen blocks,
hidden from Scratch 3's palette but still run by scratch-vm in old projects."""

from dojokit.scratch.blocks import BlockDef, Slot, colour, menu_input, number, table

PARAMS = ("color", "saturation", "brightness", "transparency")


def _param() -> Slot:
    return menu_input("COLOR_PARAM", "pen_menu_colorParam", "colorParam", PARAMS,
                      prefix="blocks.menu.pen_param.")


BLOCKS = table(
    BlockDef("pen_clear", "command", "pen"),
    BlockDef("pen_stamp", "command", "pen"),
    BlockDef("pen_penDown", "command", "pen"),
    BlockDef("pen_penUp", "command", "pen"),
    BlockDef("pen_setPenColorToColor", "command", "pen", (colour("COLOR"),)),
    BlockDef("pen_changePenColorParamBy", "command", "pen", (_param(), number("VALUE", 10))),
    BlockDef("pen_setPenColorParamTo", "command", "pen", (_param(), number("VALUE", 50))),
    BlockDef("pen_changePenSizeBy", "command", "pen", (number("SIZE", 1),)),
    BlockDef("pen_setPenSizeTo", "command", "pen", (number("SIZE", 1),)),
    BlockDef("pen_setPenShadeToNumber", "command", "pen", (number("SHADE", 1),)),
    BlockDef("pen_changePenShadeBy", "command", "pen", (number("SHADE", 1),)),
    BlockDef("pen_setPenHueToNumber", "command", "pen", (number("HUE", 1),)),
    BlockDef("pen_changePenHueBy", "command", "pen", (number("HUE", 1),)),
)
