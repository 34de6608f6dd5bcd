"""Scratch's Operators blocks."""

from dojokit.scratch.blocks import BlockDef, boolean, menu, number, table, text, whole

MATHOP = ("abs", "floor", "ceiling", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "ln",
          "log", "e ^", "10 ^")


def _two(opcode: str) -> BlockDef:
    """An arithmetic block: two empty number inputs, as Scratch's palette has them."""
    return BlockDef(opcode, "reporter", "operators", (number("NUM1", ""), number("NUM2", "")))


BLOCKS = table(
    _two("operator_add"),
    _two("operator_subtract"),
    _two("operator_multiply"),
    _two("operator_divide"),
    BlockDef("operator_random", "reporter", "operators",
             (number("FROM", 1), number("TO", 10))),
    BlockDef("operator_gt", "boolean", "operators", (text("OPERAND1", ""), text("OPERAND2", "50"))),
    BlockDef("operator_lt", "boolean", "operators", (text("OPERAND1", ""), text("OPERAND2", "50"))),
    BlockDef("operator_equals", "boolean", "operators",
             (text("OPERAND1", ""), text("OPERAND2", "50"))),
    BlockDef("operator_and", "boolean", "operators", (boolean("OPERAND1"), boolean("OPERAND2"))),
    BlockDef("operator_or", "boolean", "operators", (boolean("OPERAND1"), boolean("OPERAND2"))),
    BlockDef("operator_not", "boolean", "operators", (boolean("OPERAND"),)),
    BlockDef("operator_join", "reporter", "operators",
             (text("STRING1", "apple "), text("STRING2", "banana"))),
    BlockDef("operator_letter_of", "reporter", "operators",
             (whole("LETTER", 1), text("STRING", "apple"))),
    BlockDef("operator_length", "reporter", "operators", (text("STRING", "apple"),)),
    BlockDef("operator_contains", "boolean", "operators",
             (text("STRING1", "apple"), text("STRING2", "a"))),
    _two("operator_mod"),
    BlockDef("operator_round", "reporter", "operators", (number("NUM", ""),)),
    BlockDef("operator_mathop", "reporter", "operators",
             (menu("OPERATOR", MATHOP, prefix="blocks.menu.mathop."), number("NUM", ""))),
)
