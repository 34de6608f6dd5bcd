"""Scratch's Events blocks."""

import string

from dojokit.scratch.blocks import BlockDef, Slot, menu, menu_input, number, table

# Scratch's key menu, its values as project.json holds them
KEYS = ("space", "up arrow", "down arrow", "right arrow", "left arrow", "any",
        *string.ascii_lowercase, *string.digits)
KEY_PREFIX = "blocks.menu.key."
MESSAGE = "message1"  # Scratch's first message name

BLOCKS = table(
    BlockDef("event_whenflagclicked", "hat", "events"),
    BlockDef("event_whenkeypressed", "hat", "events",
             (menu("KEY_OPTION", KEYS, prefix=KEY_PREFIX),)),
    BlockDef("event_whenthisspriteclicked", "hat", "events"),
    BlockDef("event_whenstageclicked", "hat", "events"),
    BlockDef("event_whentouchingobject", "hat", "events",
             (menu_input("TOUCHINGOBJECTMENU", "event_touchingobjectmenu",
                         "TOUCHINGOBJECTMENU", ("_mouse_", "_edge_"),
                         prefix="blocks.menu.target."),)),
    # the project's backdrops, by name
    BlockDef("event_whenbackdropswitchesto", "hat", "events",
             (menu("BACKDROP", (), "backdrop1", prefix="blocks.menu.backdrop."),)),
    BlockDef("event_whengreaterthan", "hat", "events",
             (menu("WHENGREATERTHANMENU", ("LOUDNESS", "TIMER"),
                   prefix="blocks.menu.greater."), number("VALUE", 10))),
    # a message name is a field of the hat, an input (with a menu shadow) of the broadcasts
    BlockDef("event_whenbroadcastreceived", "hat", "events",
             (Slot("BROADCAST_OPTION", "broadcast", MESSAGE),)),
    BlockDef("event_broadcast", "command", "events",
             (Slot("BROADCAST_INPUT", "broadcast", MESSAGE, "event_broadcast_menu",
                   "BROADCAST_OPTION"),)),
    BlockDef("event_broadcastandwait", "command", "events",
             (Slot("BROADCAST_INPUT", "broadcast", MESSAGE, "event_broadcast_menu",
                   "BROADCAST_OPTION"),)),
)
