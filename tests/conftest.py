import asyncio
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the tests run against the source tree, installed or not
sys.path.insert(0, str(ROOT / "host"))
os.environ.setdefault("DOJOKIT_LANG", "en")


@pytest.fixture
def run():
    """Run a coroutine to completion in a fresh event loop (no plugin needed)."""

    def _run(coro, timeout: float = 30):
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return _run


@pytest.fixture(autouse=True)
def _own_user_folders(tmp_path_factory, monkeypatch):
    """Progress, learners, autosaves and the learner's documents go to a folder of this test,
    never into the user's own (platformdirs reads these variables on every call)."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(base / "Documents"))


@pytest.fixture(autouse=True)
def _checks_in_process(monkeypatch):
    """The studio's checks run in this process in tests (one worker Python per studio
    opened would cost more than the tests); tests/test_studio_run.py checks the worker."""
    monkeypatch.setenv("DOJOKIT_CHECK_IN_PROCESS", "1")
