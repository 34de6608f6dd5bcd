"""Speed of the Scratch runtime against scratch-vm on compute-heavy projects (issue 3).

The projects are ../shared/conformance/bench/NAME.sb3; each says one answer (NAME.said). A
time is milliseconds from the green flag to the answer being said, on the real clock, at 30
frames per second, turbo off; five runs each, a fresh runtime every run, the median counts.
Load and compile time (reading the .sb3, building the Runtime, which compiles its scripts)
is measured apart; custom blocks are compiled on first call, so that part falls inside the
timed region, as scratch-vm's own per-run work does.

scratch-vm 5.0.300 runs on this same machine in the same run, headless under Node.js
(bench/scratch_vm_time.js): found through env SCRATCH_VM, else
bench/.scratch-vm/node_modules/scratch-vm, else installed there from the npm registry. Without
node or npm only our times are shown, beside the README's reference times, which come from
another machine.

Target: ours / scratch-vm <= 1.0 on every project. The exit status is 0 whatever the speed
(this is a measurement); 1 if a project says a wrong answer or fails to run.

    python bench/scratch_speed.py [--runs N] [--bench DIR] [PROJECT ...]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from dojokit.scratch import cast  # noqa: E402
from dojokit.scratch.project import load_project  # noqa: E402
from dojokit.scratch.runtime import Runtime  # noqa: E402

BENCH = ROOT.parent / "shared" / "conformance" / "bench"
NODE_SCRIPT = ROOT / "bench" / "scratch_vm_time.js"
VM_PREFIX = ROOT / "bench" / ".scratch-vm"
VM_VERSION = "5.0.300"
TIMEOUT_S = 120


@dataclass
class Result:
    """One side's runs of one project: times, what it said, or why it failed."""

    ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    error: str | None = None
    remote: bool = False  # times from another machine (the README)

    @property
    def median(self) -> float | None:
        return statistics.median(self.ms) if self.ms else None

    def ok(self, answer: str) -> bool:
        return self.error is None and bool(self.said) and all(s == answer for s in self.said)


def _now_ms() -> float:
    return time.perf_counter() * 1000


def run_ours_once(path: Path) -> tuple[float, float, str]:
    """(load+compile ms, green flag to answer ms, the answer) for one run of `path`."""
    said: list[tuple[float, str]] = []

    def on_say(target: object, kind: str, message: object) -> None:
        text = cast.to_string(message)
        if text and not said:
            said.append((_now_ms(), text))

    t0 = _now_ms()
    rt = Runtime(load_project(path).data, on_say=on_say)
    t1 = _now_ms()
    rt.green_flag()
    status = rt.run(timeout=TIMEOUT_S)
    if not said:
        raise RuntimeError(f"said nothing ({status})")
    return t1 - t0, said[0][0] - t1, said[0][1]


def run_ours(path: Path, runs: int) -> Result:
    r = Result()
    for _ in range(runs):
        gc.collect()
        try:
            load_ms, ms, text = run_ours_once(path)
        except Exception as e:  # a project that fails to run is a result too
            r.error = f"{type(e).__name__}: {e}"
            break
        r.load_ms.append(load_ms)
        r.ms.append(ms)
        r.said.append(text)
    return r


# -- scratch-vm ------------------------------------------------------------------------------
def find_scratch_vm() -> tuple[Path | None, str | None]:
    """(scratch-vm folder, None), or (None, why not) when it cannot be had."""
    env = os.environ.get("SCRATCH_VM")
    if env:
        return Path(env), None
    local = VM_PREFIX / "node_modules" / "scratch-vm"
    if (local / "package.json").exists():
        return local, None
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "node or npm is not installed, so scratch-vm cannot run on this machine."
    print(f"installing scratch-vm@{VM_VERSION} into {VM_PREFIX} (npm) ...", flush=True)
    proc = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(VM_PREFIX),
            f"scratch-vm@{VM_VERSION}",
            "--no-audit",
            "--no-fund",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not (local / "package.json").exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
        return None, f"npm could not install scratch-vm ({tail[0]})."
    return local, None


def run_scratch_vm(vm: Path, paths: list[Path], runs: int) -> dict[str, Result]:
    cmd = ["node", str(NODE_SCRIPT), str(vm), *map(str, paths), str(runs)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    out: dict[str, Result] = {}
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue  # scratch-vm's own log lines
        d = json.loads(line)
        out[d["project"]] = Result(ms=d.get("ms", []), said=d.get("said", []), error=d.get("error"))
    for p in paths:
        if p.stem not in out:
            err = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            out[p.stem] = Result(error=f"node: {err[0]}")
    return out


def readme_times(readme: Path) -> dict[str, Result]:
    """The README's reference times: `| name | answer | ms ms ms ms ms |`."""
    out: dict[str, Result] = {}
    if not readme.exists():
        return out
    text = readme.read_text(encoding="utf-8")
    for m in re.finditer(r"^\| (\w+) \| ([^|]+) \| ([\d ]+) \|$", text, re.M):
        out[m[1]] = Result(
            ms=[float(x) for x in m[3].split()], said=[m[2].strip()] * 5, remote=True
        )
    return out


# -- the report --------------------------------------------------------------------------------
def fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="*", help="project names (default: all in --bench)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bench", type=Path, default=BENCH)
    args = ap.parse_args()

    paths = sorted(args.bench.glob("*.sb3"))
    if args.projects:
        paths = [p for p in paths if p.stem in args.projects]
    if not paths:
        print(f"no bench projects in {args.bench}")
        return 1
    answers = {
        p.stem: p.with_suffix(".said").read_text(encoding="utf-8").splitlines()[0] for p in paths
    }

    ours: dict[str, Result] = {}
    for p in paths:
        print(f"dojokit: {p.stem} x{args.runs} ...", flush=True)
        ours[p.stem] = run_ours(p, args.runs)

    vm, why = find_scratch_vm()
    if vm is not None:
        print(f"scratch-vm ({vm}): {len(paths)} projects x{args.runs} ...", flush=True)
        ref = run_scratch_vm(vm, paths, args.runs)
        ref_label = "scratch-vm ms"
    else:
        print(
            f"{why} Showing the README's reference times instead, measured on another "
            "machine: the ratios are only indicative."
        )
        ref = readme_times(args.bench.parent / "README.md")
        ref_label = "scratch-vm ms*"

    failed = False
    rows = [("project", "answer", "ok?", "ours ms", ref_label, "ours/vm", "load+compile ms")]
    for p in paths:
        name, answer = p.stem, answers[p.stem]
        o, r = ours[name], ref.get(name, Result(error="no reference"))
        ok_o = o.ok(answer)
        ok_r = r.ok(answer)
        failed |= not ok_o or (not r.remote and not ok_r)
        if ok_o and (ok_r or r.remote):
            ok = "yes"
        else:
            bad = [f"ours: {o.error or o.said}" for _ in [0] if not ok_o] + [
                f"vm: {r.error or r.said}" for _ in [0] if not ok_r and not r.remote
            ]
            ok = "NO (" + "; ".join(bad) + ")"
        mo, mr = o.median, r.median
        ratio = f"{mo / mr:.2f}" if mo is not None and mr else "-"
        load = statistics.median(o.load_ms) if o.load_ms else None
        rows.append((name, answer, ok, fmt(mo), fmt(mr), ratio, fmt(load)))

    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for i, row in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print()
    for p in paths:
        o, r = ours[p.stem], ref.get(p.stem, Result())
        print(
            f"{p.stem}: ours {' '.join(fmt(x) for x in o.ms)}; "
            f"scratch-vm {' '.join(fmt(x) for x in r.ms)}"
        )
    if vm is None:
        print("* the README's reference times, from another machine.")
    else:
        print(
            "(scratch-vm steps its first frame one frame (33 ms) after start() and "
            "greenFlag(); ours steps at once.)"
        )

    ratios = [
        (p.stem, ours[p.stem].median / ref[p.stem].median)
        for p in paths
        if ours[p.stem].median is not None and ref.get(p.stem) and ref[p.stem].median
    ]
    slower = [f"{n} x{x:.2f}" for n, x in ratios if x > 1.0]
    if failed:
        verdict = "FAILED: a wrong answer or a project that did not run"
    elif len(ratios) < len(paths):
        verdict = "incomplete: some projects have no time to compare"
    elif slower:
        verdict = f"target NOT met (ours/scratch-vm <= 1.0): slower on {', '.join(slower)}"
    else:
        verdict = "target met: as fast as scratch-vm or faster on every project"
    if vm is None and not failed:
        verdict += " (against another machine's times)"
    print(f"verdict: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
