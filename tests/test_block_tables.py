"""One description of every block: the core block tables (host/dojokit/scratch/blocks/) name
only blocks the runtime runs and every block it runs that a learner drags, with the inputs
and fields Scratch writes; their labels in nl, fr and en hold each slot once; every palette
block of a shipped box has a description, and the box format refuses one that has none; the
teacher's block names come from the same labels; docs/blocks.md shows the tables."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest

import dojokit.i18n as i18n
from dojokit.i18n import LANGUAGES, catalog
from dojokit.scratch import compiler
from dojokit.scratch.blocks import all_blocks, block_def, label, label_parts, menu_label
from dojokit.scratch.blocks import docs as core_docs
from dojokit.scratch.robot_blocks import BLOCKS as ROBOT
from dojokit.scratch.robot_blocks import placeholders
from dojokit.themebox import BoxError, list_boxes, load_box
from dojokit.themebox.grade import block_name

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
BLOCKS = all_blocks()
CORE = {op: d for op, d in BLOCKS.items() if op not in ROBOT}
# blocks whose words and inputs a program makes itself (Make a Block): drawn from the
# program, not from a table
CUSTOM = {"procedures_definition", "procedures_prototype", "procedures_call",
          "argument_reporter_string_number", "argument_reporter_boolean"}
# menus of the project's own names (a backdrop): their default is a name, not a choice
NAMED = {"BACKDROP", "COSTUME", "SOUND_MENU"}
PLACEHOLDER = re.compile(r"\[([^\]]*)\]")


# -- the tables and the runtime ---------------------------------------------------------------
def test_every_described_block_is_one_the_runtime_runs():
    assert set(BLOCKS) <= compiler.KNOWN_OPCODES
    assert not set(BLOCKS) & set(compiler.MENUS), "a menu shadow is part of its parent"


def test_every_core_block_the_runtime_runs_is_described():
    runs = (set(compiler.STATEMENTS) | set(compiler.REPORTERS) | compiler.HATS) - set(ROBOT)
    assert runs - CUSTOM <= set(CORE), sorted(runs - CUSTOM - set(CORE))
    assert set(ROBOT) <= set(BLOCKS), "the robot blocks come from their own table"
    assert list(BLOCKS)[-len(ROBOT):] == list(ROBOT), "robot blocks last"


def test_shapes_match_what_the_runtime_treats_them_as():
    for op, d in CORE.items():
        assert (d.shape == "hat") == (op in compiler.HATS), op
        assert (d.shape in ("reporter", "boolean")) == (op in compiler.REPORTERS), op
        assert (d.shape == "c") == bool(d.substacks), op
    assert BLOCKS["control_stop"].shape == "cap"
    assert BLOCKS["control_delete_this_clone"].shape == "cap"
    assert BLOCKS["control_forever"].shape == "c"


def test_slots_are_written_as_scratch_writes_them():
    # what Scratch's own palette puts in a new block
    wait, repeat = BLOCKS["control_wait"].slot("DURATION"), BLOCKS["control_repeat"].slot("TIMES")
    assert (wait.shadow, wait.shadow_field, wait.default) == ("math_positive_number", "NUM", "1")
    assert (repeat.shadow, repeat.default) == ("math_whole_number", "10")
    assert BLOCKS["motion_pointindirection"].slot("DIRECTION").shadow == "math_angle"
    assert BLOCKS["data_itemoflist"].slot("INDEX").shadow == "math_integer"
    assert BLOCKS["operator_add"].slot("NUM1").default == ""
    key = BLOCKS["sensing_keypressed"].slot("KEY_OPTION")
    assert (key.kind, key.shadow, key.shadow_field, key.default) == (
        "menu_input", "sensing_keyoptions", "KEY_OPTION", "space")
    assert BLOCKS["event_whenkeypressed"].slot("KEY_OPTION").is_field
    assert BLOCKS["data_setvariableto"].slot("VARIABLE").kind == "variable"
    assert BLOCKS["data_addtolist"].slot("LIST").kind == "list"
    broadcast = BLOCKS["event_broadcast"].slot("BROADCAST_INPUT")
    assert (broadcast.kind, broadcast.shadow, broadcast.shadow_field) == (
        "broadcast", "event_broadcast_menu", "BROADCAST_OPTION")
    for d in BLOCKS.values():
        for s in d.slots:
            if s.kind == "menu_input" or (s.shadow and s.shadow not in compiler.NUMERIC_SHADOWS):
                # the runtime reads a menu shadow's value from this very field
                assert compiler.MENUS[s.shadow] == s.shadow_field, (d.opcode, s.name)
            if s.kind == "number":
                assert s.shadow in compiler.NUMERIC_SHADOWS, (d.opcode, s.name)
            if s.menu and s.name not in NAMED:
                assert s.default in s.menu, (d.opcode, s.name)
        assert len({s.name for s in d.slots}) == len(d.slots), d.opcode


def _programs() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((ROOT / "themeboxes").glob("*/programs/**/*.json")):
        out.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted(CONFORMANCE.glob("**/*.sb3")):
        with zipfile.ZipFile(path) as z:
            out.append((path.name, json.loads(z.read("project.json"))))
    return out


def test_the_inputs_and_fields_of_real_programs_are_the_tables_slots():
    """Every input and field a shipped or conformance program gives a described block is
    one of its slots, kept where the table says (inputs vs fields)."""
    seen = set()
    for name, data in _programs():
        for target in data.get("targets", ()):
            for b in target["blocks"].values():
                d = block_def(b["opcode"]) if isinstance(b, dict) else None
                if d is None:
                    continue
                seen.add(d.opcode)
                slots = {s.name: s for s in d.slots}
                for key in b.get("inputs", {}):
                    assert key in slots and slots[key].is_input, (name, d.opcode, key)
                for key in b.get("fields", {}):
                    # a message name is a field of the receive hat (no menu shadow)
                    assert key in slots, (name, d.opcode, key)
                    assert slots[key].is_field or slots[key].kind == "broadcast", (
                        name, d.opcode, key)
    assert len(seen) >= 15  # the check saw real variety


def test_a_broadcast_without_a_menu_shadow_is_a_field():
    assert BLOCKS["event_whenbroadcastreceived"].slot("BROADCAST_OPTION").is_field


# -- labels --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_holds_each_slot_once_and_nothing_else(lang):
    own = catalog(lang)
    for op, d in CORE.items():
        text = own.get(f"blocks.{op}")
        assert text, (lang, op)  # in this language's own catalog, not the English fallback
        assert Counter(PLACEHOLDER.findall(text)) == Counter(s.name for s in d.slots), (
            lang, op, text)
        assert Counter(placeholders(text)) == Counter(s.name for s in d.slots), (lang, op)
        assert label(op, lang) == text
        assert [p for p in label_parts(op, lang) if not isinstance(p, str)] == [
            d.slot(n) for n in placeholders(text)]


def test_labels_follow_scratchs_own_wording():
    expected = {
        "control_repeat": ("repeat [TIMES] [SUBSTACK]", "herhaal [TIMES] keer [SUBSTACK]",
                           "répéter [TIMES] fois [SUBSTACK]"),
        "control_wait": ("wait [DURATION] seconds", "wacht [DURATION] sec.",
                         "attendre [DURATION] secondes"),
        "looks_say": ("say [MESSAGE]", "zeg [MESSAGE]", "dire [MESSAGE]"),
        "motion_movesteps": ("move [STEPS] steps", "neem [STEPS] stappen",
                             "avancer de [STEPS] pas"),
        "event_broadcast": ("broadcast [BROADCAST_INPUT]", "zend signaal [BROADCAST_INPUT]",
                            "envoyer à tous [BROADCAST_INPUT]"),
        "data_changevariableby": ("change [VARIABLE] by [VALUE]",
                                  "verander [VARIABLE] met [VALUE]",
                                  "ajouter [VALUE] à [VARIABLE]"),
    }
    for op, (en, nl, fr) in expected.items():
        assert (label(op, "en"), label(op, "nl"), label(op, "fr")) == (en, nl, fr)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_menu_choice_and_category_has_a_label(lang):
    own = catalog(lang)
    for d in BLOCKS.values():
        for s in d.slots:
            for v in s.menu:
                assert own.get(s.menu_prefix + v), (lang, d.opcode, s.name, v)
                assert menu_label(s, v, lang) == own[s.menu_prefix + v]
        assert own.get(f"blocks.category.{d.category}"), (lang, d.category)
    # the choices read as Scratch says them
    key = BLOCKS["sensing_keypressed"].slot("KEY_OPTION")
    assert menu_label(key, "space", "nl") == "spatiebalk"
    assert menu_label(key, "left arrow", "fr") == "flèche gauche"


def test_the_core_catalogs_hold_only_keys_the_tables_use():
    used = {f"blocks.{op}" for op in CORE} | {f"blocks.category.{d.category}"
                                               for d in CORE.values()}
    used |= {s.menu_prefix + v for d in CORE.values() for s in d.slots for v in s.menu}
    here = Path(i18n.__file__).parent
    keys = {}
    for lang in LANGUAGES:
        keys[lang] = set(json.loads((here / f"blocks_core.{lang}.json").read_text("utf-8")))
        assert keys[lang] <= used, sorted(keys[lang] - used)
    assert keys["nl"] == keys["fr"] == keys["en"]


# -- palettes ------------------------------------------------------------------------------
def test_every_shipped_palette_block_has_a_description():
    boxes = list_boxes(ROOT / "themeboxes")
    assert boxes
    for box in boxes:
        for ex in box.exercises:
            for op in ex.palette:
                assert block_def(op) is not None, (box.id, ex.id, op)


def test_a_palette_block_without_a_description_is_refused_at_its_line(tmp_path):
    folder = tmp_path / "box"
    shutil.copytree(ROOT / "themeboxes" / "traffic_light", folder)
    data = json.loads((folder / "box.json").read_text(encoding="utf-8"))
    data["exercises"][0]["palette"].append("procedures_call")  # run, but drawn per program
    text = json.dumps(data, indent=2, ensure_ascii=False)
    (folder / "box.json").write_text(text, encoding="utf-8")
    line = text[: text.index('"procedures_call"')].count("\n") + 1
    with pytest.raises(BoxError) as e:
        load_box(folder)
    message = str(e.value)
    n = len(data["exercises"][0]["palette"]) - 1
    assert f"at line {line}:" in message and f"exercises[0].palette[{n}]" in message, message
    assert '"procedures_call"' in message and "palette" in message and "\n" not in message


# -- the teacher's block names -------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_block_names_are_the_label_words(lang):
    for op in BLOCKS:
        name = block_name(op, lang)
        assert "[" not in name and name, (lang, op)
        words = [w for w in PLACEHOLDER.split(label(op, lang))[::2] if w.strip()]
        for w in words:
            assert w.strip() in name, (lang, op, name)
    assert block_name("control_repeat", "nl") == "herhaal … keer"
    assert block_name("control_if_else", "en") == "if … then … else"
    assert block_name("control_forever", "fr") == "répéter indéfiniment"
    assert block_name("dojokit_drive", "en") == "drive left … % right … %"
    assert block_name("data_variable", "nl") == "Variabelen"  # only its name: its category
    assert block_name("procedures_call", "en") == "an own block"
    assert block_name("no_such_block", "fr") == "no_such_block"


def test_palette_names_are_not_kept_twice():
    for lang in LANGUAGES:
        for key in catalog(lang):
            if key.startswith("palette.block."):
                op = key.removeprefix("palette.block.")
                assert block_def(op) is None and op in CUSTOM, (lang, key)


# -- docs ----------------------------------------------------------------------------------
def test_docs_table_is_generated_from_the_tables():
    text = (ROOT / "docs" / "blocks.md").read_text(encoding="utf-8")
    assert core_docs.docs_section(text) == core_docs.core_blocks_markdown(), (
        "regenerate: python -m dojokit.scratch.blocks.docs docs/blocks.md"
    )
    for op in CORE:
        assert f"`{op}`" in text
