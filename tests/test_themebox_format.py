"""Theme box format: a valid box loads, every kind of mistake names the file and the line,
nothing in a box is run, the docs and catalogs match the tables."""

from __future__ import annotations

import copy
import json
import re
import string
import sys
import zipfile
from pathlib import Path

import pytest
from sb3build import FLAG, project

from dojokit.i18n import LANGUAGES, catalog, set_language
from dojokit.scratch.compiler import KNOWN_OPCODES
from dojokit.themebox import BoxError, list_boxes, load_box
from dojokit.themebox import format as fmt

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "themeboxes.md"


def texts(en: str) -> dict[str, str]:
    return {"nl": f"{en} (nl)", "fr": f"{en} (fr)", "en": en}


def write_program(path: Path, *scripts: list) -> None:
    """An .sb3 as Scratch saves it: a zip with project.json inside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.json", json.dumps(project(*scripts)))


GREEN = [FLAG, ("dojokit_setAllLights", {"COLOUR": [1, [9, "#00c850"]]}, {}),
         ("control_wait", {"DURATION": [1, [5, "2"]]}, {}), ("dojokit_lightsOff", {}, {})]
SHORT = [FLAG, ("dojokit_setAllLights", {"COLOUR": [1, [9, "#00c850"]]}, {}),
         ("dojokit_lightsOff", {}, {})]
PARK = [FLAG, ("dojokit_moveFor", {"SPEED": [1, [4, "50"]], "SECONDS": [1, [4, "2"]]},
               {"DIRECTION": ["forward", None]})]


def valid_box() -> dict:
    card = {
        "what": {"text": texts("Make the light green."), "icon": "light"},
        "steps": [texts("Set the light to green."), texts("Wait 2 seconds.")],
        "done_when": texts("The light is green for 2 seconds."),
        "next": texts("Take the next card."),
    }
    return {
        "format": 1,
        "title": texts("First steps"),
        "intro": texts("Lights and parking."),
        "hardware": ["motors", "lights"],
        "ages": [8, 12],
        "sensory": texts("One calm light at a time."),
        "profile": "calm",
        "world": "parking",
        "exercises": [
            {
                "id": "green-light",
                "title": texts("Green light"),
                "card": card,
                "palette": ["event_whenflagclicked", "dojokit_setAllLights", "control_wait",
                            "dojokit_lightsOff"],
                "starter": "programs/starter.sb3",
                "solutions": ["programs/green.sb3"],
                "wrong": [{"program": "programs/short.sb3",
                           "feedback": ["light_shown.too_short"]}],
                "checks": [{"check": "light_shown", "colour": "green", "seconds": 2},
                           {"check": "ends_by_itself"}],
                "time_limit_s": 10,
            },
            {
                "id": "park",
                "title": texts("Parking"),
                "card": copy.deepcopy(card) | {"steps": [texts("Drive into the space.")]},
                "palette": ["event_whenflagclicked", "dojokit_moveFor", "control_repeat"],
                "starter": "programs/park-start.sb3",
                "solutions": ["programs/park.sb3"],
                "checks": [{"check": "zone_reached", "zone": "parking", "at_end": True},
                           {"check": "no_wall_touched"},
                           {"check": "uses_block", "block": "loop"}],
                "time_limit_s": 30,
            },
        ],
    }


def write_box(root: Path, data: dict | str, box_id: str = "first-steps") -> Path:
    folder = root / box_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, script in (("starter", [FLAG]), ("green", GREEN), ("short", SHORT),
                         ("park-start", [FLAG]), ("park", PARK)):
        write_program(folder / "programs" / f"{name}.sb3", script)
    text = data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False)
    (folder / "box.json").write_text(text, encoding="utf-8")
    return folder


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """The line of the nth occurrence of needle (1-based line)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def test_a_valid_box_loads(tmp_path):
    folder = write_box(tmp_path, valid_box())
    box = load_box(folder)
    assert box.id == "first-steps" and box.path == folder
    assert box.title["fr"] == "First steps (fr)" and box.ages == (8, 12)
    assert box.hardware == ("motors", "lights") and box.profile == "calm"
    assert [ex.id for ex in box.exercises] == ["green-light", "park"]
    green, park = box.exercises
    assert green.next_exercise == "park" and park.next_exercise is None
    assert green.card.icon == "light" and len(green.card.steps) == 2
    assert green.starter == folder / "programs" / "starter.sb3"
    assert green.wrong[0].feedback_keys == ("themebox.feedback.light_shown.too_short",)
    light = green.checks[0]
    assert light.predicate == "light_shown" and light.line > 1
    assert light.args == {"colour": "green", "seconds": 2.0, "light": "any"}  # defaults filled
    assert park.checks[0].args == {"zone": "parking", "at_end": True, "margin": 30.0}
    assert park.time_limit == 30.0
    assert box.zone_label("parking", "nl") == "de parkeerplaats"
    assert load_box(folder / "box.json") == box  # the folder or its file


def test_the_docs_example_loads(tmp_path):
    doc = DOC.read_text(encoding="utf-8")
    example = re.search(r"## A complete example\s+```json\n(.*?)```", doc, re.S)
    assert example, "docs/themeboxes.md lost its example"
    data = json.loads(example.group(1))
    folder = tmp_path / "first-steps"
    programs = {"green-light": GREEN, "park": PARK}
    for ex in data["exercises"]:
        paths = [ex["starter"], *ex["solutions"], *(w["program"] for w in ex["wrong"])]
        for p in paths:
            write_program(folder / p, programs[ex["id"]])
    (folder / "box.json").write_text(example.group(1), encoding="utf-8")
    box = load_box(folder)
    assert [ex.id for ex in box.exercises] == ["green-light", "park"]


def test_docs_tables_are_generated_from_the_data():
    text = DOC.read_text(encoding="utf-8")
    assert fmt.docs_section(text) == fmt.vocabulary_markdown(), (
        "regenerate: python -m dojokit.themebox.format docs/themeboxes.md"
    )


# -- mistakes: each names the file and the line -----------------------------------------------


def _set(path: str, value):
    """A mutation that sets data[path] (dots and [i]) to value; None deletes it."""
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]

    def mutate(data: dict) -> None:
        node = data
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value

    return mutate


def _delete_file(name: str):
    def mutate(data: dict, folder: Path) -> None:
        (folder / name).unlink()

    return mutate


MISTAKES = [
    # (id, mutation of the data, needle whose line the error names, words the error holds)
    ("missing language", _set("exercises.0.card.done_when.fr", None), '"done_when": {',
     ["done_when", "fr"]),
    ("unknown key", _set("exercises.1.checks.1.colour", "blue"), '"colour": "blue"',
     ['"colour"', "exercises[1].checks[1]"]),
    ("unknown top key", _set("colour", "teal"), '"colour": "teal"', ['"colour"']),
    ("unknown predicate", _set("exercises.0.checks.1.check", "ends_by_itslf"),
     '"ends_by_itslf"', ['"ends_by_itslf"', '"ends_by_itself"']),
    ("bad argument: colour", _set("exercises.0.checks.0.colour", "grean"), '"grean"',
     ["exercises[0].checks[0].colour", '"green"']),
    ("bad argument: seconds", _set("exercises.0.checks.0.seconds", -1), '"seconds": -1',
     ["exercises[0].checks[0].seconds", "-1"]),
    ("bad argument: type", _set("exercises.1.checks.0.at_end", "yes"), '"at_end": "yes"',
     ["at_end", "true or false"]),
    # a missing key is named at the line where its object starts
    ("missing argument", _set("exercises.1.checks.0.zone", None),
     ('"check": "zone_reached"', -1), ["exercises[1].checks[0].zone", "missing"]),
    ("unknown zone", _set("exercises.1.checks.0.zone", "garage"), '"garage"',
     ['"garage"', "parking"]),
    ("unknown opcode in palette", _set("exercises.1.palette.2", "dojokit_fly"),
     '"dojokit_fly"', ["exercises[1].palette[2]", '"dojokit_fly"']),
    ("unknown icon", _set("exercises.0.card.what.icon", "rocket"), '"rocket"', ['"rocket"']),
    ("missing key", _set("exercises.1.time_limit_s", None), ('"id": "park"', -1),
     ["exercises[1].time_limit_s", "missing"]),
    ("duplicate exercise id", _set("exercises.1.id", "green-light"), '"green-light"',
     ["exercises[1].id"]),
    ("bad id", _set("exercises.1.id", "Park Here"), '"Park Here"', ["exercises[1].id"]),
    ("too many steps", _set("exercises.0.card.steps", [texts("x")] * 10), '"steps": [',
     ["exercises[0].card.steps", "10"]),
    ("file outside the box", _set("exercises.0.starter", "../other/starter.sb3"),
     '"../other/starter.sb3"', ["exercises[0].starter", "../other/starter.sb3"]),
    ("not a program", _set("exercises.0.starter", "notes.txt"), '"notes.txt"',
     ["exercises[0].starter", ".sb3"]),
    ("not a Scratch project", _set("exercises.0.starter", "box.json"), '"box.json"',
     ["exercises[0].starter", "box.json"]),
    ("missing solution file", _set("exercises.0.solutions.0", "programs/none.sb3"),
     '"programs/none.sb3"', ["exercises[0].solutions[0]", "programs/none.sb3"]),
    ("solution outside the palette", _set("exercises.1.palette.1", "dojokit_move"),
     '"programs/park.sb3"', ["exercises[1].solutions[0]", "dojokit_moveFor", "palette"]),
    ("uses_block needs the palette", _set("exercises.1.palette.2", "control_wait"),
     '"check": "uses_block"', ["exercises[1].checks[2]", "loop", "control_repeat"]),
    ("feedback no check gives", _set("exercises.0.wrong.0.feedback.0", "zone_reached.left"),
     '"zone_reached.left"', ["exercises[0].wrong[0].feedback[0]", "zone_reached.left"]),
    ("check longer than the time limit", _set("exercises.0.checks.0.seconds", 20),
     '"check": "light_shown"', ["exercises[0].checks[0]", "20", "10"]),
    ("bad format", _set("format", 2), '"format": 2', ["format 2"]),
    ("unknown world", _set("world", "parkng"), '"parkng"', ['"parking"']),
    ("ages reversed", _set("ages", [12, 8]), '"ages": [', ["ages", "12"]),
    ("hardware twice", _set("hardware", ["motors", "motors"]), '"motors"', ["hardware[1]"]),
]


@pytest.mark.parametrize(("mutate", "needle", "words"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_a_mistake_names_the_file_the_line_and_what(tmp_path, mutate, needle, words):
    data = valid_box()
    mutate(data)
    folder = write_box(tmp_path, data)
    text = (folder / "box.json").read_text(encoding="utf-8")
    needle, delta = needle if isinstance(needle, tuple) else (needle, 0)
    nth = 1 if needle in ('"green-light"', '"motors"') else 0  # the second one is at fault
    with pytest.raises(BoxError) as e:
        load_box(folder)
    message = str(e.value)
    assert str(folder / "box.json") in message
    assert f"at line {line_of(text, needle, nth) + delta}:" in message, message
    for word in words:
        assert word in message, message
    assert message.endswith(".") and "\n" not in message


def test_missing_starter_file_names_its_line(tmp_path):
    folder = write_box(tmp_path, valid_box())
    (folder / "programs" / "starter.sb3").unlink()
    line = line_of((folder / "box.json").read_text(encoding="utf-8"), '"starter"')
    with pytest.raises(BoxError, match=rf'at line {line}: '
                                       r'exercises\[0\]\.starter names the file '
                                       r'"programs/starter\.sb3", which is not in the box'):
        load_box(folder)


@pytest.mark.parametrize(("broken", "line"), [
    (lambda s: s.replace('"profile": "calm",', '"profile": "calm"'), '"world"'),
    (lambda s: s.replace('"First steps"', '"First steps'), '"First steps\n'),
    (lambda s: s.rstrip().rstrip("}"), None),
])
def test_broken_json_names_the_line(tmp_path, broken, line):
    text = broken(json.dumps(valid_box(), indent=2))
    folder = write_box(tmp_path, text)
    want = line_of(text, line) if line else text.count("\n") + 1
    with pytest.raises(BoxError, match=rf"is not valid JSON at line {want}, column \d+"):
        load_box(folder)


def test_a_key_given_twice_is_named(tmp_path):
    text = json.dumps(valid_box(), indent=2).replace(
        '"profile": "calm",', '"profile": "calm",\n  "profile": "standard",')
    folder = write_box(tmp_path, text)
    line = line_of(text, '"standard"')
    with pytest.raises(BoxError, match=rf'line {line}: "profile" appears twice'):
        load_box(folder)


def test_no_box_file_and_a_bad_folder_name(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BoxError, match="There is no theme box file"):
        load_box(tmp_path / "empty")
    folder = write_box(tmp_path, valid_box(), box_id="First Steps")
    with pytest.raises(BoxError, match="the box folder's name"):
        load_box(folder)


def test_errors_speak_the_current_language(tmp_path):
    data = valid_box()
    data["exercises"][0]["card"]["done_when"].pop("nl")
    folder = write_box(tmp_path, data)
    try:
        for lang, words in (("nl", "heeft een probleem op regel"),
                            ("fr", "a un problème à la ligne"),
                            ("en", "has a problem at line")):
            set_language(lang)
            with pytest.raises(BoxError, match=words):
                load_box(folder)
    finally:
        set_language(None)


# -- nothing in a box is run ------------------------------------------------------------------


def test_nothing_from_the_box_is_executed(tmp_path):
    marker = tmp_path / "PWNED"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    data = valid_box()
    data["intro"]["en"] = f"__import__('os').system('touch {marker}')"
    data["sensory"]["en"] = "{0.__class__.__mro__} {path} %s ${HOME} `id`"
    data["exercises"][0]["card"]["steps"][0]["nl"] = f"exec({code!r})"
    folder = write_box(tmp_path, data)
    # code beside box.json that would leave the marker if anything imported or ran it
    for name in ("__init__.py", "box.py", "setup.py", "conftest.py", "first_steps.py"):
        (folder / name).write_text(code + "\n")
    (folder / "__main__.py").write_text(code + "\n")
    modules = set(sys.modules)
    box = load_box(folder)
    assert not marker.exists()
    assert box.intro["en"].startswith("__import__(")  # texts stay text, not formatted
    assert box.sensory["en"] == "{0.__class__.__mro__} {path} %s ${HOME} `id`"
    new = {m for m in set(sys.modules) - modules if not m.startswith(("dojokit", "json"))}
    assert not any("first" in m or "box" in m for m in new), new
    # a key that looks like a format string is named as it is, not formatted
    data["exercises"][0]["checks"][1]["{0.__class__}"] = 1
    (folder / "box.json").write_text(json.dumps(data, indent=2))
    with pytest.raises(BoxError, match=re.escape('"{0.__class__}" is not something')):
        load_box(folder)
    assert not marker.exists()


def test_list_boxes_skips_a_broken_box_only_when_asked(tmp_path):
    write_box(tmp_path, valid_box(), "first-steps")
    bad = valid_box()
    bad["profile"] = "loud"
    write_box(tmp_path, bad, "second")
    (tmp_path / "not-a-box").mkdir()
    with pytest.raises(BoxError, match="second"):
        list_boxes(tmp_path)
    errors: list[BoxError] = []
    assert [b.id for b in list_boxes(tmp_path, errors)] == ["first-steps"]
    assert len(errors) == 1 and '"loud"' in str(errors[0])


# -- the vocabulary tables and the catalogs ----------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_feedback_has_a_text_in_each_language_with_the_right_fields():
    for lang in LANGUAGES:
        cat = catalog(lang)
        for p in fmt.PREDICATES.values():
            for failure, fields in p.failures.items():
                text = cat[p.feedback_key(failure)]
                assert _fields(text) == set(fields), (lang, p.name, failure, text)
                assert set(fields) <= set(fmt.FEEDBACK_FIELDS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feedback_never_says_wrong(lang):
    # names what to change, never a verdict on the child
    banned = re.compile(r"\b(wrong|incorrect|mistake|fail\w*|bad|fout\w*|verkeerd\w*|"
                        r"faux|fausse\w*|erreur\w*|mauvais\w*|rat[ée]\w*)\b", re.I)
    cat = catalog(lang)
    feedback = {k: v for k, v in cat.items() if k.startswith("themebox.feedback.")}
    assert len(feedback) == sum(len(p.failures) for p in fmt.PREDICATES.values())
    for key, text in feedback.items():
        assert not banned.search(text), (key, text)
        assert text.endswith("."), (key, text)


def test_every_catalog_key_of_the_area_exists_in_all_three_languages():
    keys = {lang: {k for k in catalog(lang) if k.startswith("themebox.")} for lang in LANGUAGES}
    assert keys["nl"] == keys["en"] == keys["fr"]
    for lang in LANGUAGES:
        for k in keys[lang]:
            assert _fields(catalog(lang)[k]) == _fields(catalog("en")[k]), (lang, k)


def test_vocabularies_name_only_known_things():
    for ops in fmt.BLOCK_KINDS.values():
        assert set(ops) <= KNOWN_OPCODES
    for lang in LANGUAGES:
        for name in [*fmt.COLOURS, "rgb"]:
            assert f"themebox.colour.{name}" in catalog(lang)
        for kind in fmt.BLOCK_KINDS:
            assert f"themebox.block.{kind}" in catalog(lang)
    assert fmt.colour_label((255, 136, 0), "en") == "the colour #ff8800"
    assert fmt.colour_label("green", "fr") == "vert"
    for p in fmt.PREDICATES.values():
        for param in p.params:
            assert param.kind in fmt.PARAM_KINDS
            assert hasattr(fmt._Reader, f"arg_{param.kind}")


def test_json_lines_are_found_for_keys_and_items():
    text = '{\n "a": [\n  1,\n  {"b":\n   2}\n ],\n "c": "x"\n}'
    data = fmt.parse_json(text)
    assert data.key_lines == {"a": 2, "c": 7}
    assert data["a"].item_lines == [3, 4]
    assert data["a"][1].key_lines == {"b": 4}
