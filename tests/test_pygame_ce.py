"""The studio and the simulator window under pygame-ce as well as pygame.

pygame has no wheels for Python 3.14; pygame-ce (the same `import pygame`) does, and
pyproject.toml installs it from 3.14 on. So the view and studio tests run once more here in
a throwaway virtual environment where `import pygame` is pygame-ce: pygame-ce installed
there, and this environment's packages (dojokit, pytest, ...) reachable after it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pip's messages when the package registry cannot be reached or has nothing for this Python
OFFLINE = re.compile(r"No matching distribution|Could not find a version|NewConnectionError|"
                     r"Failed to establish|Temporary failure in name resolution|Network is "
                     r"unreachable|ProxyError|Max retries exceeded|ConnectTimeout|ReadTimeout")
# API only one of the two has (pygame-ce's additions, pygame's leftovers): dojokit uses none
NOT_SHARED = re.compile(r"pygame\.(Window|FRect|IS_CE|typing|geometry|Circle|Line)\b|"
                        r"\.fblits\(|draw\.aacircle|premul_alpha|pygame\._sdl2|"
                        r"pygame\.(version\.)?vernum\s*[<>]|image\.tostring")



# every test file that draws with pygame (the view's and the studio's), found by what it
# imports (read as code, not text: a script in a string does not count); a new studio test
# is run under pygame-ce without being listed here
def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


PYGAME_TESTS = sorted(p.name for p in (ROOT / "tests").glob("test_*.py")
                      if p.name != "test_pygame_ce.py"
                      and _imports(p) & {"pygame", "studio_driver"})

def _site_packages() -> str:
    import pytest as _pytest  # lives in this environment's site-packages

    return str(Path(_pytest.__file__).resolve().parents[1])


def test_dojokit_uses_only_api_pygame_and_pygame_ce_share():
    host = ROOT / "host" / "dojokit"
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}"
             for path in sorted(host.rglob("*.py"))
             for m in NOT_SHARED.finditer(path.read_text(encoding="utf-8"))]
    assert not found


def test_view_and_studio_tests_pass_under_pygame_ce(tmp_path):
    env_dir = tmp_path / "ce"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True,
                   capture_output=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # this environment's pip installs into the new one (no ensurepip: faster); the cache
    # outlives the test so a second run needs no download
    cache = Path(tempfile.gettempdir()) / "dojokit-pip-cache"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--cache-dir",
         str(cache), "--timeout", "20", "--retries", "1", "--no-input", "pygame-ce>=2.5,<3"],
        capture_output=True, text=True, timeout=120, check=False)
    if pip.returncode:
        out = pip.stdout + pip.stderr
        if OFFLINE.search(out):
            pytest.skip("pygame-ce could not be installed from the package registry "
                        f"(unreachable, or no wheel for this Python): {out.strip()[-300:]}")
        pytest.fail(f"pip could not install pygame-ce:\n{out}")

    # the new environment's own site-packages (pygame-ce) first, then this one's, with its
    # .pth files (the editable dojokit): `import pygame` is pygame-ce
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                           "'purelib'))"], capture_output=True, text=True, check=True)
    here = _site_packages()
    Path(site.stdout.strip(), "zz_dojokit_outer.pth").write_text(
        f"import site; site.addsitedir({here!r})\n", encoding="utf-8")

    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    probe = subprocess.run(
        [str(python), "-c", textwrap.dedent("""
            import pygame, dojokit, pytest
            print(bool(getattr(pygame, "IS_CE", False)), pygame.__file__, pygame.version.ver)
        """)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert probe.returncode == 0, probe.stderr
    is_ce, where, version = probe.stdout.split()
    assert is_ce == "True", probe.stdout
    assert Path(where).resolve().is_relative_to(env_dir.resolve())

    # DOJOKIT_CE_TESTS (globs under tests/, space-separated) narrows the run, e.g. for a
    # quick local check; CI leaves it unset
    globs = os.environ.get("DOJOKIT_CE_TESTS", " ".join(PYGAME_TESTS)).split()
    files = sorted({str(p.relative_to(ROOT)) for g in globs for p in (ROOT / "tests").glob(g)})
    assert files, globs
    # pytest in the very interpreter that checked it has pygame-ce
    main = ("import sys, pygame, pytest; assert getattr(pygame, 'IS_CE', False); "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', *sys.argv[1:]]))")
    run = subprocess.run([str(python), "-c", main, *files],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800,
                         check=False)
    tail = (run.stdout + run.stderr)[-4000:]
    assert run.returncode == 0, f"under pygame-ce {version}:\n{tail}"
    assert " passed" in run.stdout
