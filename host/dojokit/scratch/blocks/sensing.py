"""Scratch's Sensing blocks."""

from dojokit.scratch.blocks import BlockDef, colour, menu, menu_input, table, text
from dojokit.scratch.blocks.events import KEY_PREFIX, KEYS

# what "[PROPERTY] of [OBJECT]" can read; for a sprite Scratch also lists its own variables
OF = ("x position", "y position", "direction", "costume #", "costume name", "size", "volume",
      "backdrop #", "backdrop name")
CURRENT = ("YEAR", "MONTH", "DATE", "DAYOFWEEK", "HOUR", "MINUTE", "SECOND")

BLOCKS = table(
    BlockDef("sensing_touchingobject", "boolean", "sensing",
             (menu_input("TOUCHINGOBJECTMENU", "sensing_touchingobjectmenu",
                         "TOUCHINGOBJECTMENU", ("_mouse_", "_edge_"),
                         prefix="blocks.menu.target."),)),
    BlockDef("sensing_touchingcolor", "boolean", "sensing", (colour("COLOR"),)),
    BlockDef("sensing_coloristouchingcolor", "boolean", "sensing",
             (colour("COLOR"), colour("COLOR2", "#00c850"))),
    BlockDef("sensing_distanceto", "reporter", "sensing",
             (menu_input("DISTANCETOMENU", "sensing_distancetomenu", "DISTANCETOMENU",
                         ("_mouse_",), prefix="blocks.menu.target."),)),
    BlockDef("sensing_askandwait", "command", "sensing",
             (text("QUESTION", "What's your name?"),)),
    BlockDef("sensing_answer", "reporter", "sensing"),
    BlockDef("sensing_keypressed", "boolean", "sensing",
             (menu_input("KEY_OPTION", "sensing_keyoptions", "KEY_OPTION", KEYS,
                         prefix=KEY_PREFIX),)),
    BlockDef("sensing_mousedown", "boolean", "sensing"),
    BlockDef("sensing_mousex", "reporter", "sensing"),
    BlockDef("sensing_mousey", "reporter", "sensing"),
    BlockDef("sensing_setdragmode", "command", "sensing",
             (menu("DRAG_MODE", ("draggable", "not draggable"), prefix="blocks.menu.drag."),)),
    BlockDef("sensing_loudness", "reporter", "sensing"),
    BlockDef("sensing_timer", "reporter", "sensing"),
    BlockDef("sensing_resettimer", "command", "sensing"),
    BlockDef("sensing_of", "reporter", "sensing",
             (menu("PROPERTY", OF, "backdrop #", prefix="blocks.menu.of."),
              menu_input("OBJECT", "sensing_of_object_menu", "OBJECT", ("_stage_",),
                         prefix="blocks.menu.target."))),
    BlockDef("sensing_current", "reporter", "sensing",
             (menu("CURRENTMENU", CURRENT, prefix="blocks.menu.current."),)),
    BlockDef("sensing_dayssince2000", "reporter", "sensing"),
    BlockDef("sensing_username", "reporter", "sensing"),
)
