"""scratch-vm's own execution tests (../shared/conformance/scratch-execute): every project
must say exactly the lines the reference VM said, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from dojokit.scratch import cast
from dojokit.scratch.project import load_project
from dojokit.scratch.runtime import Runtime, VirtualClock

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
PROJECTS = sorted((CONFORMANCE / "scratch-execute").glob("*.sb3"))


def said(path: Path, virtual: bool, timeout: float = 20.0) -> list[str]:
    lines: list[str] = []

    def on_say(target: object, kind: str, message: object) -> None:
        text = cast.to_string(message)
        if text:
            lines.append(text)

    clock = VirtualClock() if virtual else None
    rt = Runtime(load_project(path).data, on_say=on_say, seed=1, clock=clock)
    rt.green_flag()
    assert rt.run(timeout=timeout) == "done", f"{path.name} did not end by itself"
    return lines


@pytest.mark.skipif(not PROJECTS, reason="../shared/conformance is not beside the project")
@pytest.mark.parametrize("clock", ["real", "virtual"])
@pytest.mark.parametrize("path", PROJECTS, ids=lambda p: p.stem)
def test_says_what_scratch_vm_says(path: Path, clock: str) -> None:
    expected = path.with_suffix(".said").read_text(encoding="utf-8").splitlines()
    got = said(path, clock == "virtual")
    assert got == expected
    assert not any(line.startswith("fail") for line in got)


def test_the_whole_suite_is_there() -> None:
    if not CONFORMANCE.exists():
        pytest.skip("../shared/conformance is not beside the project")
    assert len(PROJECTS) == 47
