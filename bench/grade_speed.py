"""Grading speed (issues 5 and 12), each figure alone and beside a busy core.

1. Every shipped exercise's model solution graded in a warm process (imports, the compiled
   firmware and the boxes loaded once, as the studio's checker and `box check` grade): the
   wall time per exercise, p50 / p95 / worst, the longest (150 s of robot time) named.
   Target: p95 <= 1.0 s. The baseline is the robot time itself: seconds of robot time per
   wall second are printed too.
2. The same program graded 5 times: one verdict and one trace hash (determinism).
3. Two graders at once: two processes, each warm, each grading every model solution, started
   together; their total wall time against one such grader alone, in the same run. Target:
   <= 1.25x on two cores (beside a busy core there are three processes for two cores, so
   that figure is reported, not held to the target).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))
sys.path.insert(0, str(ROOT / "bench"))

from busy import busy_core  # noqa: E402

from dojokit.themebox import load_box  # noqa: E402
from dojokit.themebox.grade import grade  # noqa: E402

BOXES = ROOT / "themeboxes"


def model_solutions() -> list[tuple[object, object, Path]]:
    jobs = []
    for folder in sorted(p for p in BOXES.iterdir() if (p / "box.json").is_file()):
        box = load_box(folder)
        jobs += [(box, ex, ex.solutions[0]) for ex in box.exercises]
    return jobs


def grade_all(jobs: list[tuple[object, object, Path]]) -> list[tuple[str, float, float]]:
    out = []
    for box, ex, program in jobs:
        t0 = time.perf_counter()
        verdict, trace = grade(box, ex, program)  # type: ignore[arg-type]
        wall = time.perf_counter() - t0
        if not verdict.finished:
            raise SystemExit(f"{box.id}/{ex.id}: the model solution was not finished")  # type: ignore[attr-defined]
        out.append((f"{box.id}/{ex.id}", wall, trace["duration"]))  # type: ignore[attr-defined]
    return out


def per_exercise(label: str, jobs: list[tuple[object, object, Path]]) -> None:
    res = grade_all(jobs)
    walls = sorted(w for _, w, _ in res)
    p95 = statistics.quantiles(walls, n=20, method="inclusive")[-1]
    name, wall, robot = max(res, key=lambda r: r[2])
    robot_total = sum(r for _, _, r in res)
    print(f"every model solution, {label}: {len(res)} exercises, warm")
    print(f"  wall time per exercise: p50 {statistics.median(walls):.2f} s, p95 {p95:.2f} s, "
          f"worst {walls[-1]:.2f} s (target p95 <= 1.0 s: ratio {p95:.2f})")
    print(f"  longest, {name}: {robot:.1f} s of robot time in {wall:.2f} s "
          f"({robot / wall:.0f}x)")
    print(f"  all: {robot_total:.0f} s of robot time in {sum(walls):.2f} s "
          f"({robot_total / sum(walls):.0f}x)")


def determinism(jobs: list[tuple[object, object, Path]]) -> None:
    box, ex, program = max(jobs, key=lambda j: j[1].time_limit)  # type: ignore[attr-defined]
    seen = {(v.verdict, v.trace_hash) for v, _ in (grade(box, ex, program) for _ in range(5))}  # type: ignore[arg-type]
    print(f"the longest exercise graded 5 times: {len(seen)} distinct (verdict, trace hash) "
          f"(target: 1)")


# -- two graders at once --------------------------------------------------------------------
def _worker() -> None:
    # warm up, say so, wait for "go", grade everything, report the wall time
    jobs = model_solutions()
    grade_all(jobs[:1])
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.perf_counter()
    grade_all(jobs)
    print(json.dumps({"wall": time.perf_counter() - t0}), flush=True)


def _graders(n: int) -> float:
    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(n)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.communicate()
    return time.perf_counter() - t0


def two_graders(label: str) -> None:
    # interleaved, three of each: the machine's state drifts (clock speed, caches)
    ones, twos = [], []
    for _ in range(3):
        ones.append(_graders(1))
        twos.append(_graders(2))
    one, two = statistics.median(ones), statistics.median(twos)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"two graders at once, {label} ({cores} cores): one alone {one:.2f} s, two together "
          f"{two:.2f} s: {two / one:.2f}x (target <= 1.25x)")


def main() -> None:
    jobs = model_solutions()
    grade_all(jobs[:1])  # warm: imports, the compiled firmware, the wasm module
    per_exercise("alone", jobs)
    with busy_core():
        per_exercise("beside a busy core", jobs)
    determinism(jobs)
    two_graders("alone")
    with busy_core():
        two_graders("beside a busy core")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        _worker()
    else:
        main()
