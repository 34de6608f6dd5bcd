"""`dojokit progress` for teachers and `box grade --learner`: one row per learner and
exercise with the latest feedback written out in the teacher's language, --box, --csv; and a
progress file that cannot be used gives one sentence, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_progress import make_old_file
from test_themebox_format import valid_box, write_box

from dojokit.cli.main import main
from dojokit.i18n import set_language
from dojokit.themebox.grade import Verdict
from dojokit.themebox.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
SHORT = "themebox.feedback.light_shown.too_short"
SHORT_FIELDS = {"colour": "green", "seconds": 0.5, "want": 2.0}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """Two boxes and an empty progress folder; local time is UTC+1 all year."""
    write_box(tmp_path / "boxes", valid_box())
    write_box(tmp_path / "boxes", valid_box(), "second-box")
    monkeypatch.setenv("DOJOKIT_BOXES", str(tmp_path / "boxes"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TZ", "XYZ-1")  # POSIX: one hour east of UTC, no tz database needed
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()
    set_language(None)


def _store() -> Progress:
    return Progress(Path(os.environ["XDG_DATA_HOME"]) / "dojokit" / "progress.sqlite3")


def _fill() -> None:
    with _store() as p:
        p.record("bo", "first-steps", "green-light", "not_yet", [SHORT], "h1",
                 at=datetime(2026, 1, 5, 9, 30, 40, tzinfo=UTC),
                 failures=[(SHORT, SHORT_FIELDS)])
        p.record("ann", "first-steps", "green-light", "not_yet", [SHORT], "h2",
                 at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), failures=[(SHORT, SHORT_FIELDS)])
        p.record("ann", "first-steps", "green-light", "finished", [], "h3",
                 at=datetime(2026, 1, 5, 9, 5, tzinfo=UTC), failures=[])


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _csv(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out)))


def test_one_row_per_learner_and_exercise_with_the_latest_feedback_in_full(place, capsys):
    _fill()
    code, out, err = _run(capsys, "--lang", "nl", "progress", "--csv")
    assert code == 0 and err == ""
    header, *rows = _csv(out)
    assert header == ["Leerling", "Koffer", "Oefening", "Stand", "Pogingen",
                      "Laatste poging", "Laatste feedback", "Voor de leerkracht"]
    sentence = Verdict(False, [(SHORT, SHORT_FIELDS)]).feedback("nl")[0]  # as graded
    assert rows == [
        ["ann", "first-steps", "green-light", "klaar", "2", "2026-01-05 10:05", "", ""],
        ["ann", "first-steps", "park", "nog niet geprobeerd", "0", "", "", ""],
        ["ann", "second-box", "green-light", "nog niet geprobeerd", "0", "", "", ""],
        ["ann", "second-box", "park", "nog niet geprobeerd", "0", "", "", ""],
        ["bo", "first-steps", "green-light", "nog niet", "1", "2026-01-05 10:30", sentence, ""],
        ["bo", "first-steps", "park", "nog niet geprobeerd", "0", "", "", ""],
        ["bo", "second-box", "green-light", "nog niet geprobeerd", "0", "", "", ""],
        ["bo", "second-box", "park", "nog niet geprobeerd", "0", "", "", ""],
    ]
    assert "groen" in sentence and "0.5 seconden" in sentence  # the grader's own numbers, named


def test_box_and_learner_filters_combine(place, capsys):
    _fill()
    code, out, _ = _run(capsys, "progress", "--csv", "--box", "first-steps", "--learner", "bo")
    assert code == 0
    assert [r[:4] for r in _csv(out)[1:]] == [["bo", "first-steps", "green-light", "not yet"],
                                              ["bo", "first-steps", "park", "not tried"]]
    code, out, _ = _run(capsys, "progress", "--csv", "--box", "second-box")
    assert {(r[0], r[1]) for r in _csv(out)[1:]} == {("ann", "second-box"),
                                                     ("bo", "second-box")}


def test_an_unknown_box_is_one_sentence(place, capsys):
    _fill()
    code, out, err = _run(capsys, "progress", "--box", "nope")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nope" in err and "first-steps, second-box" in err


def test_a_learner_without_attempts_is_said_and_shown_as_not_tried(place, capsys):
    _fill()
    code, out, err = _run(capsys, "progress", "--csv", "--learner", "Bo")
    assert code == 0 and '"Bo"' in err and "ann, bo" in err
    assert {r[3] for r in _csv(out)[1:]} == {"not tried"}


def test_the_table_prints_every_word_of_the_feedback_and_no_dangling_header(place, capsys):
    _fill()
    code, out, err = _run(capsys, "--lang", "nl", "progress")
    assert code == 0 and err == ""
    sentence = Verdict(False, [(SHORT, SHORT_FIELDS)]).feedback("nl")[0]  # as graded
    words = out.split()
    for word in sentence.split():  # wrapped over lines in an 80-column terminal, not cut
        assert word in words
    assert "Wat je kan veranderen" not in out and "What to change" not in out
    assert "2026-01-05 10:30" in out and ":40" not in out  # local time, to the minute
    assert out.index("ann") < out.index("bo")
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80


def test_a_name_with_brackets_is_shown_as_typed(place, capsys):
    with _store() as p:
        p.record("[bold]Mo[/bold]", "first-steps", "park", "finished")
    code, out, _ = _run(capsys, "progress", "--box", "first-steps")
    assert code == 0 and "[bold]Mo[/bold]" in out


def test_an_empty_store_says_how_attempts_get_kept(place, capsys):
    code, out, _ = _run(capsys, "progress")
    assert code == 0 and "--learner" in out
    code, out, _ = _run(capsys, "progress", "--csv")
    assert code == 0 and len(_csv(out)) == 1  # the header alone


def test_attempts_kept_by_the_old_schema_still_show_their_feedback(place, capsys):
    folder = Path(os.environ["XDG_DATA_HOME"]) / "dojokit"
    folder.mkdir(parents=True)
    make_old_file(folder / "progress.sqlite3")
    db = sqlite3.connect(folder / "progress.sqlite3")
    db.execute("DELETE FROM attempts WHERE verdict = 'finished'")  # latest: not yet
    db.commit()
    db.close()
    code, out, err = _run(capsys, "progress", "--csv", "--learner", "ann")
    assert code == 0, err
    row = next(r for r in _csv(out)[1:] if r[1] == "traffic_light")
    # a box this dojokit does not have, feedback kept without its numbers: the sentence
    # with gaps, not a traceback
    assert row[:6] == ["ann", "traffic_light", "green-light", "not yet", "1",
                       "2026-01-05 10:30"]
    assert row[6].startswith("The lights were … for …")


# -- grading and reading with a progress file that cannot be used ---------------------------

def _cli(*argv: str, env: dict[str, str], lang: str = "en",
         prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "dojokit", "--lang", lang, *argv],
                          capture_output=True, text=True, env=env, timeout=180)


def _env(place: Path, data: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_BOXES=str(place / "boxes"),
                XDG_DATA_HOME=str(data), HOME=str(place / "home"), COLUMNS="200")


def test_grading_keeps_what_the_learner_was_told_for_the_teacher(place):
    env = _env(place, place / "data")
    short = str(place / "boxes" / "first-steps" / "programs" / "short.sb3")
    told = _cli("box", "grade", "first-steps", "green-light", short, env=env, lang="nl")
    assert told.returncode == 1
    sentences = [line[2:] for line in told.stdout.splitlines() if line.startswith("- ")]
    kept = _cli("box", "grade", "first-steps", "green-light", short, "--learner", "Lotte",
                env=env, lang="fr")
    assert kept.returncode == 1 and kept.stderr == ""
    shown = _cli("progress", "--csv", "--learner", "Lotte", env=env, lang="nl")
    assert shown.returncode == 0, shown.stderr
    row = _csv(shown.stdout)[1]
    # the learner heard it in French; the teacher reads the same sentence in Dutch
    assert row[:5] == ["Lotte", "first-steps", "green-light", "nog niet", "1"]
    assert sentences and row[6] == " ".join(sentences)


def _garbage(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "progress.sqlite3").write_bytes(bytes(range(256)) * 64)


def _folder_in_place(folder: Path) -> None:
    (folder / "progress.sqlite3").mkdir(parents=True)


DAMAGE = {"garbage": (_garbage, "not a progress file"),
          "folder": (_folder_in_place, "it is a folder")}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_progress_file_that_cannot_be_used_gives_one_sentence(place, damage):
    make, why = DAMAGE[damage]
    make(place / "data" / "dojokit")
    _no_traceback(place, _env(place, place / "data"), why)


def test_a_folder_dojokit_may_not_write_in_gives_one_sentence(place):
    # root writes anywhere: in a user namespace without root's id mapped, the folder's
    # permission bits hold for it too
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        unshare = shutil.which("unshare")
        if unshare is None or subprocess.run([unshare, "--user", "true"]).returncode != 0:
            pytest.skip("running as root and cannot leave it for a user namespace")
        prefix = (unshare, "--user")
    data = place / "data"
    data.mkdir(mode=0o555)
    try:
        _no_traceback(place, _env(place, data), "may not write", prefix)
    finally:
        data.chmod(0o755)


def _no_traceback(place: Path, env: dict[str, str], why: str,
                  prefix: tuple[str, ...] = ()) -> None:
    r = _cli("progress", env=env, prefix=prefix)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and why in r.stderr and "Traceback" not in r.stderr
    programs = place / "boxes" / "first-steps" / "programs"
    for program, verdict, code in (("green", "Finished!", 0), ("short", "Not yet.", 1)):
        r = _cli("box", "grade", "first-steps", "green-light", str(programs / f"{program}.sb3"),
                 "--learner", "Lotte", env=env, prefix=prefix)
        # the verdict first and its own code: the learner's result stands; then one
        # sentence for the teacher that it was not kept, and why
        assert r.returncode == code, r.stderr
        assert r.stdout.startswith(verdict)
        assert r.stderr.count("\n") == 1 and "not saved" in r.stderr and why in r.stderr
    r = _cli("box", "grade", "first-steps", "green-light", str(programs / "short.sb3"),
             "--learner", "Lotte", "--json", env=env, prefix=prefix)
    assert r.returncode == 1 and json.loads(r.stdout)["verdict"] == "not_yet"
    assert "not saved" in r.stderr
