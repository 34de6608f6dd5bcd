"""Scratch's Variables blocks: variables and lists (data_*), as Scratch's data category."""

from dojokit.scratch.blocks import BlockDef, Slot, number, table, text


def _var() -> Slot:
    return Slot("VARIABLE", "variable", "my variable")


def _list() -> Slot:
    return Slot("LIST", "list", "my list")


def _index() -> Slot:
    return number("INDEX", 1, whole=True, shadow="math_integer")


THING = "thing"  # Scratch's default list item

BLOCKS = table(
    BlockDef("data_variable", "reporter", "variables", (_var(),)),
    BlockDef("data_setvariableto", "command", "variables", (_var(), text("VALUE", "0"))),
    BlockDef("data_changevariableby", "command", "variables", (_var(), number("VALUE", 1))),
    BlockDef("data_showvariable", "command", "variables", (_var(),)),
    BlockDef("data_hidevariable", "command", "variables", (_var(),)),
    BlockDef("data_listcontents", "reporter", "lists", (_list(),)),
    BlockDef("data_addtolist", "command", "lists", (text("ITEM", THING), _list())),
    BlockDef("data_deleteoflist", "command", "lists", (_index(), _list())),
    BlockDef("data_deletealloflist", "command", "lists", (_list(),)),
    BlockDef("data_insertatlist", "command", "lists", (text("ITEM", THING), _index(), _list())),
    BlockDef("data_replaceitemoflist", "command", "lists",
             (_index(), _list(), text("ITEM", THING))),
    BlockDef("data_itemoflist", "reporter", "lists", (_index(), _list())),
    BlockDef("data_itemnumoflist", "reporter", "lists", (text("ITEM", THING), _list())),
    BlockDef("data_lengthoflist", "reporter", "lists", (_list(),)),
    BlockDef("data_listcontainsitem", "boolean", "lists", (_list(), text("ITEM", THING))),
    BlockDef("data_showlist", "command", "lists", (_list(),)),
    BlockDef("data_hidelist", "command", "lists", (_list(),)),
)
