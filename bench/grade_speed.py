"""Grading (issue 5): the same program graded 20 times gives the same verdict and trace
hash; and the wall time of grading, per 60 s of robot time (target <= 1 s).

Uses the shipped line_follower box's "to-the-finish" exercise (the longest robot time),
with its model solution; a run is the whole grading: load, simulate, judge.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from dojokit.themebox import load_box  # noqa: E402
from dojokit.themebox.grade import grade  # noqa: E402

RUNS = 20


def main() -> None:
    box = load_box(ROOT / "themeboxes" / "line_follower")
    ex = max(box.exercises, key=lambda e: e.time_limit)
    program = ex.solutions[0]
    results = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        verdict, trace = grade(box, ex, program)
        results.append((time.perf_counter() - t0, verdict.verdict, verdict.trace_hash,
                        trace["duration"]))
    walls = [r[0] for r in results]
    robot = statistics.median(r[3] for r in results)
    per60 = statistics.median(w * 60 / r[3] for w, r in zip(walls, results, strict=True))
    print(f"grading {box.id}/{ex.id} ({program.name}), {RUNS} times")
    print(f"  verdicts: {sorted({r[1] for r in results})}; distinct trace hashes: "
          f"{len({r[2] for r in results})} (target: 1)")
    print(f"  robot time per run: {robot:.1f} s; wall time per run: median "
          f"{statistics.median(walls):.2f} s, best {min(walls):.2f} s")
    print(f"  wall time per 60 s of robot time: {per60:.2f} s (target <= 1 s: ratio "
          f"{per60:.2f})")


if __name__ == "__main__":
    main()
