"""A program using blocks beyond its card's palette is graded as usual, and the teacher is
told: the verdict carries a note, `box grade --json` has it, and `dojokit progress` shows it."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from dojokit.themebox import load_box
from dojokit.themebox.grade import grade
from dojokit.themebox.progress import SCHEMA_VERSION, Progress

ROOT = Path(__file__).resolve().parents[1]
BOX = load_box(ROOT / "themeboxes" / "traffic_light")
EX = BOX.exercise("three-colours")


def _with_a_say_block(tmp_path: Path) -> Path:
    """The exercise's model, plus a second script: when the flag is clicked, say hello."""
    data = json.loads(EX.solutions[0].read_text(encoding="utf-8"))
    robot = next(t for t in data["targets"] if not t["isStage"])
    robot["blocks"]["extra1"] = {"opcode": "event_whenflagclicked", "next": "extra2",
                                 "parent": None, "inputs": {}, "fields": {},
                                 "shadow": False, "topLevel": True, "x": 400, "y": 0}
    robot["blocks"]["extra2"] = {"opcode": "looks_say", "next": None, "parent": "extra1",
                                 "inputs": {"MESSAGE": [1, [10, "hello"]]}, "fields": {},
                                 "shadow": False, "topLevel": False}
    path = tmp_path / "with-say.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_blocks_beyond_the_card_are_graded_as_usual_and_noted(tmp_path):
    verdict, _ = grade(BOX, EX, _with_a_say_block(tmp_path), lang="en")
    assert verdict.finished  # not refused, not failed
    assert verdict.beyond == ["looks_say"]
    note = verdict.note("en")
    assert note is not None and "say" in note and "teacher" in note
    assert "zeg" in (verdict.note("nl") or "") and "dire" in (verdict.note("fr") or "")
    assert verdict.feedback("en") == []  # the learner is not told off for it
    model, _ = grade(BOX, EX, EX.solutions[0])
    assert model.beyond == [] and model.note() is None


def test_the_note_is_in_the_json_and_in_progress(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en",
               XDG_DATA_HOME=str(tmp_path / "data"), COLUMNS="200")
    env.pop("DOJOKIT_BOXES", None)
    program = _with_a_say_block(tmp_path)
    r = subprocess.run([sys.executable, "-m", "dojokit", "box", "grade", "traffic_light",
                        "three-colours", str(program), "--learner", "Lotte", "--json"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["verdict"] == "finished" and result["beyond_palette"] == ["looks_say"]
    assert "say" in result["note"]
    r = subprocess.run([sys.executable, "-m", "dojokit", "box", "grade", "traffic_light",
                        "three-colours", str(program)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0 and "beyond this card" in r.stdout
    r = subprocess.run([sys.executable, "-m", "dojokit", "--lang", "nl", "progress", "--csv",
                        "--learner", "Lotte"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    header, *rows = list(csv.reader(io.StringIO(r.stdout)))
    note = rows[[row[2] for row in rows].index("three-colours")][header.index(
        "Voor de leerkracht")]
    assert "zeg" in note
    r = subprocess.run([sys.executable, "-m", "dojokit", "progress", "--learner", "Lotte"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and "beyond this card" in r.stdout and "say" in r.stdout


# a file kept by schema 2 (before the palette note), as dojokit made it
OLD_SCHEMA_2 = """
PRAGMA journal_mode = WAL;
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    learner TEXT NOT NULL,
    box TEXT NOT NULL,
    exercise TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('not_yet', 'finished')),
    reasons TEXT NOT NULL DEFAULT '[]',
    trace_hash TEXT,
    at TEXT NOT NULL
, failures TEXT);
CREATE INDEX attempts_by_learner ON attempts (learner, box, exercise);
INSERT INTO attempts (learner, box, exercise, verdict, reasons, trace_hash, at, failures)
VALUES ('ann', 'traffic_light', 'three-colours', 'finished', '[]', 'h1',
        '2026-01-05T09:30:00.000+00:00', '[]');
PRAGMA user_version = 2;
"""


def test_a_schema_2_file_is_migrated_and_old_attempts_get_no_note(tmp_path):
    from dojokit.cli.progress import palette_note

    path = tmp_path / "p.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA_2)
    db.close()
    with Progress(path) as p:
        old = p.attempts()
        assert [(a.id, a.verdict, a.failures, a.beyond) for a in old] == [
            (1, "finished", [], None)]
        assert palette_note(old[0]) is None  # not known then: not made up now
        p.record("ann", "traffic_light", "three-colours", "finished", [], "h2", failures=[],
                 beyond=["looks_say", "motion_movesteps"])
    with Progress(path) as p:
        assert p._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        new = p.attempts()[1]
        assert new.beyond == ["looks_say", "motion_movesteps"]
        note = palette_note(new)
        assert note is not None and "say" in note and "move" in note
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
