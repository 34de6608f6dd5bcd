"""`dojokit box check` grades a box's programs side by side, one worker process per core:
the same output and exit code as one after the other, results in the box's order, and a
program or worker that fails ends the command with one sentence, never a traceback."""

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dojokit.i18n import catalog
from dojokit.themebox.format import load_box
from dojokit.themebox.grade import grade
from dojokit.themebox.pool import GradeError, Job, grade_all

ROOT = Path(__file__).resolve().parents[1]
BOX = ROOT / "themeboxes" / "robot_dance"  # the smallest shipped box: 20 programs


def check(box_id, workers, boxes=None, lang="en"):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG=lang,
               DOJOKIT_WORKERS=str(workers))
    if boxes is not None:
        env["DOJOKIT_BOXES"] = str(boxes)
    return subprocess.run([sys.executable, "-m", "dojokit", "box", "check", box_id],
                          capture_output=True, text=True, timeout=300, env=env)


def jobs_of(box, lang="en"):
    return [Job(box.path, ex.id, program, lang, ex.time_limit)
            for ex in box.exercises
            for program in (*ex.solutions, ex.starter, *(w.program for w in ex.wrong))]


def test_a_shipped_box_checks_the_same_with_one_worker_and_with_two():
    one, two = check("robot_dance", 1), check("robot_dance", 2)
    assert one.returncode == two.returncode == 0, (one.stderr, two.stderr)
    assert one.stdout == two.stdout
    assert "Box robot_dance is ready" in two.stdout
    assert "Traceback" not in one.stderr + two.stderr


def test_problems_are_listed_in_the_box_order_whichever_program_finishes_first(tmp_path):
    box = tmp_path / "robot_dance"
    shutil.copytree(BOX, box)
    data = json.loads((box / "box.json").read_text(encoding="utf-8"))
    ex = {e["id"]: e for e in data["exercises"]}
    ex["forward-back"]["starter"] = ex["forward-back"]["solutions"][0]  # passes already
    ex["melody"]["solutions"].append(ex["melody"]["wrong"][0]["program"])  # does not pass
    # the light dance's two typical mistakes, each expecting the other's feedback
    first, second = ex["light-dance"]["wrong"]
    first["feedback"], second["feedback"] = second["feedback"], first["feedback"]
    (box / "box.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    one, two = check("robot_dance", 1, boxes=tmp_path), check("robot_dance", 2, boxes=tmp_path)
    assert one.returncode == two.returncode == 1, (one.stderr, two.stderr)
    assert one.stdout == two.stdout
    assert two.stdout.splitlines() == [
        "Exercise forward-back: the starter program already passes: the exercise has "
        "nothing to do.",
        "Exercise melody: the model solution three-notes.json does not pass "
        "(themebox.feedback.plays_notes.too_few).",
        "Exercise light-dance: one-colour.json should get "
        "themebox.feedback.moves_at_least.too_little, but gets "
        "themebox.feedback.light_sequence.next.",
        "Exercise light-dance: lights-only.json should get "
        "themebox.feedback.light_sequence.next, but gets "
        "themebox.feedback.motion_repeats.too_few, themebox.feedback.moves_at_least.too_little.",
        "4 things to fix in this box (listed above).",
    ]


def test_a_worker_count_that_is_not_a_whole_number_is_one_sentence():
    for value in ("two", "0"):
        r = check("robot_dance", value)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.strip() == (f"DOJOKIT_WORKERS is '{value}': give a whole number of 1 or "
                                    "more (1 checks one program at a time), or leave it out to "
                                    "use every processor core.")


def test_pool_results_equal_grading_in_this_process_in_job_order():
    box = load_box(BOX)
    jobs = jobs_of(box)
    done = []
    pooled = grade_all(jobs, workers=2, on_done=lambda i, result: done.append((i, result)))
    assert sorted(i for i, _ in done) == list(range(len(jobs)))  # each job said done once
    assert all(pooled[i] == result for i, result in done)
    for job, got in zip(jobs, pooled, strict=True):
        want, _trace = grade(box, box.exercise(job.exercise), job.program)
        assert (got.verdict, got.trace_hash) == (want.verdict, want.trace_hash), job
        assert list(got.failures) == want.failures and list(got.beyond) == want.beyond
    assert grade_all(jobs, workers=1) == pooled
    assert {g.verdict for g in pooled} == {"finished", "not_yet"}


def test_a_program_that_cannot_be_graded_stops_with_the_first_one_in_job_order(tmp_path):
    box = load_box(BOX)
    ex = box.exercises[0]
    not_json = tmp_path / "not-json.json"
    not_json.write_text("this is not a Scratch project", encoding="utf-8")
    missing = tmp_path / "missing.json"
    # the missing program comes first in the jobs, but the other one is given out first
    # (it weighs more) and is found unfit first: the sentence is the missing one's
    jobs = [Job(box.path, ex.id, ex.solutions[0], "en", 5.0),
            Job(box.path, ex.id, missing, "en", 0.0),
            Job(box.path, ex.id, not_json, "en", 10.0)]
    said = []
    for workers in (1, 2):
        with pytest.raises(GradeError) as err:
            grade_all(jobs, workers=workers)
        said.append(str(err.value))
    assert said[0] == said[1]
    assert str(missing) in said[0] and "\n" not in said[0]


def test_a_worker_speaks_the_language_of_the_command(tmp_path):
    box = load_box(BOX)
    ex = box.exercises[0]
    missing = tmp_path / "weg.json"
    jobs = [Job(box.path, ex.id, ex.solutions[0], "nl"), Job(box.path, ex.id, missing, "nl")]
    with pytest.raises(GradeError) as err:
        grade_all(jobs, workers=2)
    assert str(err.value) == catalog("nl")["project.not_found"].format(path=missing)


def test_a_broken_program_in_a_checked_box_is_one_sentence_and_exit_2(tmp_path, monkeypatch,
                                                                      capsys):
    # the loader reads every program, so the program breaks after the box was loaded; a
    # worker loads the box again and names the box, the line and the program
    from types import SimpleNamespace

    import dojokit.cli.box as cli

    shutil.copytree(BOX, tmp_path / "robot_dance")
    box = load_box(tmp_path / "robot_dance")
    program = box.exercises[2].wrong[0].program
    program.write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(cli, "_load", lambda box_id: box)
    said = []
    for workers in ("1", "2"):
        monkeypatch.setenv("DOJOKIT_WORKERS", workers)
        assert cli.cmd_box(SimpleNamespace(box_command="check", box="robot_dance")) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1
        said.append(err)
    assert said[0] == said[1]
    assert "programs/melody/three-notes.json" in said[0] and "damaged" in said[0]


def test_a_worker_that_dies_is_one_sentence_not_a_hang():
    box = load_box(BOX)
    jobs = jobs_of(box)
    before = set(multiprocessing.active_children())

    def kill_a_worker(i, result):
        ours = [p for p in multiprocessing.active_children() if p not in before]
        if ours:
            os.kill(ours[0].pid, signal.SIGKILL)

    with pytest.raises(GradeError) as err:
        grade_all(jobs, workers=2, on_done=kill_a_worker)
    assert str(err.value) == catalog("en")["pool.worker_stopped"]
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]
