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
