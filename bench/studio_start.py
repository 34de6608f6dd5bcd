"""The studio's start (issue 11): from starting the program to the first drawn frame of the
studio (card, palette, the learner's program, stage, buttons). Target (warm): <= 1.0 s.

- cold: a fresh Python process each run (after one warm-up process, so the files are in the
  operating system's cache): interpreter start, imports, the box, the program, the window,
  the first frame. Timed from just before the process is started.
- warm: the studio opened a second time in the same process (imports already paid).

The baseline, measured in the same run and the same way: a bare pygame window (open,
fill, flip) in a fresh process (cold) and opened again in the same process (warm). Figures
are given as ratios to it, alone and beside a process keeping one core busy.

The window is SDL's dummy driver unless SDL_VIDEODRIVER says otherwise (this machine may
have no display; a real one adds the window manager's own time to both sides alike).

    python bench/studio_start.py [--runs N] [--no-busy] [--no-pyc]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studio_common import busy_core

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
BOX, EXERCISE = "robot_dance", "light-dance"  # a full card, a palette of five blocks
NO_PYC = False


def child_bare(spawned: float) -> None:
    import pygame

    def once() -> None:
        pygame.display.init()
        screen = pygame.display.set_mode((1280, 800))
        screen.fill((238, 240, 236))
        pygame.display.flip()

    once()
    cold = time.time() - spawned
    pygame.display.quit()
    t0 = time.perf_counter()
    once()
    warm = time.perf_counter() - t0
    pygame.display.quit()
    print(f"RESULT {cold:.6f} {warm:.6f}")


def child_studio(spawned: float) -> None:
    sys.path.insert(0, str(ROOT / "host"))
    import asyncio

    import dojokit.studio  # noqa: F401  (before pygame: no banner)
    from dojokit.studio.runner import Options, StudioRunner

    def once() -> float:
        runner = StudioRunner(Options(box=BOX, exercise=EXERCISE, learner="Bench", lang="nl"))
        drawn: list[float] = []
        draw = runner._frame

        def frame() -> None:
            draw()
            if not drawn:
                drawn.append(time.time())

        runner._frame = frame  # type: ignore[method-assign]
        # the window closes right after its first frame
        asyncio.run(runner.run(lambda r, n: False, ask_who=False))
        return drawn[0]

    cold = once() - spawned
    t0 = time.time()
    warm = once() - t0
    print(f"RESULT {cold:.6f} {warm:.6f}")


def measure(kind: str, home: Path) -> tuple[float, float]:
    env = dict(os.environ, XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), PYGAME_HIDE_SUPPORT_PROMPT="1")
    # compiled modules kept between processes, as an installed wheel has them (in a folder
    # of our own, not the source tree); --no-pyc measures a start that compiles everything
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    if NO_PYC:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache-none")
    env.setdefault("SDL_VIDEODRIVER", "dummy")
    spawned = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(spawned)], env=env,
                         capture_output=True, text=True, timeout=120, cwd=home)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"{kind} did not start: {out.stderr.strip()[-2000:]}")
    cold, warm = (float(v) for v in line.split()[1:])
    return cold, warm




def ms(v: float) -> str:
    return f"{v * 1000:6.0f} ms"


def report(runs: int, busy: bool, home: Path) -> None:
    with busy_core(busy):
        measure("studio", home)  # the warm-up process: files into the system's cache
        bare = [measure("bare", home) for _ in range(runs)]
        studio = [measure("studio", home) for _ in range(runs)]
    title = "beside a busy core" if busy else "quiet machine"
    print(f"{title} ({runs} runs each, median / worst):")
    for name, i in (("cold", 0), ("warm", 1)):
        b = statistics.median(r[i] for r in bare)
        s = statistics.median(r[i] for r in studio)
        worst = max(r[i] for r in studio)
        print(f"  {name}: studio {ms(s)} / {ms(worst)}; bare window {ms(b)};"
              f" ratio {s / b:5.1f}x the bare window"
              + (f"; target <= {TARGET_S:.1f} s: {s / TARGET_S:.2f} of it" if name == "warm"
                 else ""))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        {"bare": child_bare, "studio": child_studio}[sys.argv[2]](float(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-busy", action="store_true", help="skip the run beside a busy core")
    ap.add_argument("--no-pyc", action="store_true",
                    help="no compiled modules kept: every cold start compiles the sources")
    args = ap.parse_args()
    global NO_PYC
    NO_PYC = args.no_pyc
    print(f"studio start to first drawn frame: box {BOX}, exercise {EXERCISE}, "
          f"driver {os.environ.get('SDL_VIDEODRIVER', 'dummy')}, {os.cpu_count()} cores, "
          f"compiled modules {'not kept' if NO_PYC else 'kept'}")
    with tempfile.TemporaryDirectory() as tmp:
        report(args.runs, False, Path(tmp))
        if not args.no_busy:
            report(args.runs, True, Path(tmp))


if __name__ == "__main__":
    main()
