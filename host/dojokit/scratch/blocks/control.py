"""Scratch's Control blocks."""

from dojokit.scratch.blocks import (
    BlockDef,
    Slot,
    boolean,
    menu,
    menu_input,
    positive,
    substack,
    table,
    whole,
)

STOP = ("all", "this script", "other scripts in sprite")

BLOCKS = table(
    BlockDef("control_wait", "command", "control", (positive("DURATION", 1),)),
    BlockDef("control_repeat", "c", "control", (whole("TIMES", 10), substack())),
    BlockDef("control_forever", "c", "control", (substack(),)),
    BlockDef("control_if", "c", "control", (boolean("CONDITION"), substack())),
    BlockDef("control_if_else", "c", "control",
             (boolean("CONDITION"), substack(), substack("SUBSTACK2"))),
    BlockDef("control_wait_until", "command", "control", (boolean("CONDITION"),)),
    BlockDef("control_repeat_until", "c", "control", (boolean("CONDITION"), substack())),
    # a cap as Scratch first shows it ("all"); Scratch makes it a stack block for
    # "other scripts in sprite" (its mutation's hasnext)
    BlockDef("control_stop", "cap", "control",
             (menu("STOP_OPTION", STOP, prefix="blocks.menu.stop."),)),
    BlockDef("control_start_as_clone", "hat", "control"),
    BlockDef("control_create_clone_of", "command", "control",
             (menu_input("CLONE_OPTION", "control_create_clone_of_menu", "CLONE_OPTION",
                         ("_myself_",), prefix="blocks.menu.target."),)),
    BlockDef("control_delete_this_clone", "cap", "control"),
    # hidden from Scratch 3's palette, but scratch-vm and our runtime still run them
    BlockDef("control_while", "c", "control", (boolean("CONDITION"), substack())),
    BlockDef("control_for_each", "c", "control",
             (Slot("VARIABLE", "variable", "my variable"), whole("VALUE", 10), substack())),
    BlockDef("control_get_counter", "reporter", "control"),
    BlockDef("control_incr_counter", "command", "control"),
    BlockDef("control_clear_counter", "command", "control"),
    BlockDef("control_all_at_once", "c", "control", (substack(),)),
)
