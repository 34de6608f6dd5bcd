"""'Am I finished?' in the studio (issue 11): from the click on the button to the answer on
screen, for every shipped exercise with its model solution. Target: p95 <= 1.0 s.

Each exercise is opened in the studio (simulated kit, model solution opened as a learner
opens a file); the button is clicked through posted events; the time is the studio's own
measure (`StudioRunner.checked`: click to the first frame that shows the answer).

The baseline, measured in the same run for the same exercises: the command line's grade
(`dojokit box grade BOX EXERCISE PROGRAM` in a new process: start-up and grade), which the
studio improves on by having paid the start-up already.

    python bench/studio_check.py [--no-busy] [--no-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402
from studio_common import busy_core, pct  # noqa: E402

from dojokit.data import boxes_dir  # noqa: E402
from dojokit.studio.runner import Options, StudioRunner  # noqa: E402
from dojokit.themebox.format import load_box  # noqa: E402

TARGET_S = 1.0
PAUSE_S = 3.0  # a learner's look at the program before clicking: the studio checks ahead


def exercises() -> list[tuple[str, str, Path]]:
    out = []
    for box_dir in sorted(p for p in boxes_dir().iterdir() if (p / "box.json").exists()):
        box = load_box(box_dir)
        out += [(box.id, ex.id, Path(ex.solutions[0])) for ex in box.exercises]
    return out


def studio_check(box: str, exercise: str, program: Path, pause: float = 0.0,
                 edit: bool = False) -> tuple[float, str]:
    """Seconds from the click on "Am I finished?" to the answer on screen, and the answer.
    With `pause`, the learner looks at the program that long before clicking (the studio
    checks ahead during a pause); without, the click comes at once."""
    runner = StudioRunner(Options(box=box, exercise=exercise, program=str(program),
                                  lang="nl"))
    opened: list[float] = []

    def script(r: StudioRunner, frame: int) -> bool:
        st = r.studio
        if not opened:
            opened.append(time.perf_counter())
        if frame >= 10 and time.perf_counter() - opened[0] >= pause and not r._check_started \
                and not r.checked:  # the studio is open and drawn: the learner clicks
            if edit:  # ... right after a change (the program is new to the checker)
                from dojokit.studio.program import Place

                st.program.add("control_wait", Place("top", x=900, y=900))
                st.program.undo()
                st.changed()
            b = next(b for b in st.buttons if b.id == "check")
            for kind, extra in ((pygame.MOUSEMOTION, {"rel": (0, 0), "buttons": (0, 0, 0)}),
                                (pygame.MOUSEBUTTONDOWN, {"button": 1}),
                                (pygame.MOUSEBUTTONUP, {"button": 1})):
                pygame.event.post(pygame.event.Event(kind, pos=b.rect.center, **extra))
        return not r.checked and frame < 60 * 120

    asyncio.run(runner.run(script, ask_who=False))
    if not runner.checked:
        raise SystemExit(f"{box}/{exercise}: no answer on screen")
    return runner.checked[0]


def cli_grade(box: str, exercise: str, program: Path) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "dojokit", "box", "grade", "--lang", "nl",
                          box, exercise, str(program)], capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT / "host")))
    wall = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"dojokit box grade {box} {exercise}: {out.stderr.strip()}")
    return wall






def report(busy: bool, baseline: bool, pause: float, edit: bool = False) -> None:
    rows = []
    with busy_core(busy):
        for box, ex, program in exercises():
            took, verdict = studio_check(box, ex, program, pause, edit)
            cli = cli_grade(box, ex, program) if baseline else None
            rows.append((box, ex, took, verdict, cli))
    when = (f"the click right after an edit, {pause:g} s after opening" if edit else
            f"the click after a {pause:g} s look (checked ahead)" if pause else
            "the click at once after opening")
    print(f"{'beside a busy core' if busy else 'quiet machine'}, {when}: {len(rows)} exercises")
    for box, ex, took, verdict, cli in rows:
        base = f"; command line {cli:5.2f} s (ratio {took / cli:4.2f})" if cli else ""
        print(f"  {box + '/' + ex:32s} {verdict:9s} click to answer {took:5.2f} s{base}")
    took = [r[2] for r in rows]
    print(f"  click to answer: p50 {pct(took, 50):.2f} s, p95 {pct(took, 95):.2f} s, "
          f"worst {max(took):.2f} s; target p95 <= {TARGET_S:.1f} s: "
          f"{pct(took, 95) / TARGET_S:.2f} of it")
    if baseline:
        cli = [r[4] for r in rows]
        print(f"  command line grade: p50 {pct(cli, 50):.2f} s, p95 {pct(cli, 95):.2f} s; "
              f"studio / command line: p50 {pct(took, 50) / pct(cli, 50):.2f}, "
              f"p95 {pct(took, 95) / pct(cli, 95):.2f}")
    not_finished = [f"{r[0]}/{r[1]}" for r in rows if r[3] != "finished"]
    if not_finished:
        print(f"  model solutions not graded finished: {', '.join(not_finished)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-busy", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        print(f"'Am I finished?' on every shipped exercise, driver "
              f"{os.environ.get('SDL_VIDEODRIVER')}, {os.cpu_count()} cores")
        for pause, edit in ((0.0, False), (PAUSE_S, True), (PAUSE_S, False)):
            report(False, not args.no_baseline and not pause, pause, edit)
            if not args.no_busy:
                report(True, not args.no_baseline and not pause, pause, edit)


if __name__ == "__main__":
    main()
