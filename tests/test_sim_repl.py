"""A simulated board's REPL, end to end over a pseudo-terminal, as a mentor's tools meet it:
Ctrl-C stops the firmware and reaches MicroPython's REPL (friendly, raw, raw-paste), code
runs in the simulator's real MicroPython, files land in the board's flash folder, Ctrl-D and
machine.reset() boot it again, and the real `mpremote` works against it. And REPL safety:
no stream of frames, valid or damaged, keeps Ctrl-C from reaching the REPL."""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from dojokit.kits.build import build, firmware_version
from dojokit.link import Link, open_transport
from dojokit.protocol import MAX_PAYLOAD, Kind, encode_frame
from dojokit.sim.guest import FirmwareGuest
from dojokit.sim.pty_server import PtyBridge
from dojokit.sim.repl import board_traceback, continues
from dojokit.sim.simboard import SimBoard

RAW = b"raw REPL; CTRL-B to exit\r\n>"
TIMEOUT = 30  # a busy two-core machine: generous, only ever waited for in full on failure


def put_build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in build("virtual", "sim", name=(1, 3, "Uil")).items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def served(tmp_path):
    """A SimBoard on a pty, as `dojokit sim serve --pty PATH --fs DIR` serves one."""
    made = []

    def make(flash: Path | None = None):
        board = SimBoard(flash or put_build(tmp_path / "flash"))
        bridge = PtyBridge(board, tmp_path / f"tty{len(made)}")
        board.start()
        bridge.start()
        made.append((board, bridge))
        return board, bridge

    yield make
    for board, bridge in made:
        bridge.close()
        board.stop()


class Line:
    """The host's end of the serial line: what a terminal or a deploy tool does."""

    def __init__(self, path: str) -> None:
        self.port = serial.Serial(path, 115200, timeout=0.05)
        self.seen = b""

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def until(self, ending: bytes, timeout: float = TIMEOUT) -> bytes:
        """Everything read up to and including `ending` (fails after `timeout` s)."""
        deadline = time.monotonic() + timeout
        data = b""
        while not data.endswith(ending):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {ending!r} on the line; got {data[-400:]!r}")
            data += self.port.read(1)
        self.seen += data
        return data

    def raw(self, code: bytes) -> tuple[bytes, bytes]:
        """Run code at the raw REPL's prompt: (output, error text)."""
        self.send(code + b"\x04")
        assert self.port.read(2) == b"OK"
        out = self.until(b"\x04")[:-1]
        err = self.until(b"\x04")[:-1]
        self.until(b">")
        return out, err

    def close(self) -> None:
        self.port.close()


@pytest.fixture
def line():
    opened = []

    def open_line(path: str) -> Line:
        opened.append(Line(path))
        return opened[-1]

    yield open_line
    for ln in opened:
        ln.close()


def handshake(run, path: str):
    async def go():
        link = Link(open_transport(path), hello_timeout=10)
        try:
            return await link.connect()
        finally:
            await link.close()

    return run(go(), timeout=60)


# -- the board and its firmware ----------------------------------------------------------------
def test_the_virtual_build_boots_from_the_flash_folder_and_answers(served, run):
    _, bridge = served()
    info = handshake(run, bridge.path)
    assert (info.firmware, info.name, info.number) == (firmware_version(), "Uil", 3)


def test_without_main_py_the_board_waits_at_the_friendly_repl(served, line, tmp_path):
    _, bridge = served(tmp_path / "empty")
    banner = line(bridge.path).until(b">>> ")
    assert banner.startswith(b"MicroPython v") and b'Type "help()"' in banner


def test_ctrl_c_stops_the_firmware_with_a_traceback_then_the_repl(served, line, run):
    _, bridge = served()
    handshake(run, bridge.path)  # the firmware runs
    ln = line(bridge.path)
    ln.send(b"\r\x03")
    text = ln.until(b">>> ").decode()
    # as a board shows it: the firmware's frames only, CR LF, then the banner
    assert text.startswith("Traceback (most recent call last):\r\n")
    assert '  File "main.py", line' in text and "KeyboardInterrupt: \r\n" in text
    assert "/port/" not in text and "<stdin>" not in text
    assert "MicroPython v" in text
    # the friendly REPL: echo, results, compound statements
    ln.send(b"6*7\r")
    assert ln.until(b">>> ") == b"6*7\r\n42\r\n>>> "
    ln.send(b"for i in range(2):\r print(i)\r\r")
    assert ln.until(b">>> ").endswith(b"\r\n0\r\n1\r\n>>> ")
    ln.send(b"\x03")  # at the prompt: a fresh prompt, as on a board
    assert ln.until(b">>> ") == b"\r\n>>> "
    ln.send(b"1/0\r")
    assert b"ZeroDivisionError: divide by zero\r\n>>> " in ln.until(b">>> ")


def test_the_raw_repl_runs_code_in_the_boards_micropython(served, line):
    board, bridge = served()
    ln = line(bridge.path)
    ln.send(b"\r\x03")
    ln.until(b">>> ")
    ln.send(b"\r\x01")
    ln.until(RAW)
    assert ln.raw(b"import sys\nprint(sys.implementation.name)") == (b"micropython\r\n", b"")
    # state lives on between blocks, as on a board
    ln.raw(b"x = 21")
    assert ln.raw(b"print(x * 2)") == (b"42\r\n", b"")
    out, err = ln.raw(b"print('before')\nraise ValueError('no')")
    assert out == b"before\r\n"
    assert err.endswith(b"ValueError: no\r\n") and b"/port/" not in err
    # a file written through the REPL lands in the flash folder
    ln.raw(b"f = open('hello.txt', 'wb')\nf.write(b'hi there')\nf.close()")
    assert (board.flash / "hello.txt").read_bytes() == b"hi there"
    # raw-paste mode, as mpremote uses it: a window, and 0x01 for every window used
    ln.send(b"\x05A\x01")
    head = ln.port.read(4)
    assert head[:2] == b"R\x01"
    window = int.from_bytes(head[2:], "little")
    code = b"s = 0\n" + b"".join(b"s += %d\n" % i for i in range(200)) + b"print(s)"
    assert len(code) > 3 * window
    credit, i = 0, 0
    while i < len(code):
        while credit == 0 or ln.port.in_waiting:
            got = ln.port.read(1)
            assert got in (b"\x01", b""), got
            credit += window if got == b"\x01" else 0
        ln.send(code[i:i + credit])
        i += credit
        credit = 0
    ln.send(b"\x04")
    ln.until(b"\x04")  # the end of the code, seen
    assert ln.until(b"\x04") == b"%d\r\n\x04" % sum(range(200))
    assert ln.until(b">") == b"\x04>"
    ln.send(b"\x02")  # back to the friendly REPL
    assert ln.until(b">>> ").startswith(b"\r\nMicroPython")


def test_ctrl_d_soft_reboots_and_main_py_runs_again(served, line, run):
    board, bridge = served()
    ln = line(bridge.path)
    ln.send(b"\r\x03")
    ln.until(b">>> ")
    ln.send(b"\x04")
    ln.until(b"MPY: soft reboot\r\n")
    ln.close()
    info = handshake(run, bridge.path)  # the firmware answers again
    assert info.name == "Uil"
    assert board.guest is not None and board.guest.reboots == 1


def test_machine_reset_and_a_power_cycle_boot_the_firmware(served, line, run):
    board, bridge = served()
    ln = line(bridge.path)
    ln.send(b"\r\x03\r\x01")
    ln.until(RAW)
    ln.send(b"import machine\nmachine.reset()\x04")
    ln.close()
    assert handshake(run, bridge.path).name == "Uil"
    board.power_off()
    ln = line(bridge.path)
    ln.send(b"\r\x03\r\x01")
    assert ln.port.read(100) == b""  # nothing answers with the power off
    board.hard_reset()
    ln.close()
    assert handshake(run, bridge.path).name == "Uil"


def test_a_main_py_written_through_the_repl_runs_after_a_reset(served, line, tmp_path):
    board, bridge = served(tmp_path / "empty")
    ln = line(bridge.path)
    ln.until(b">>> ")
    ln.send(b"\r\x01")
    ln.until(RAW)
    ln.raw(b"f = open('main.py', 'w')\nf.write('print(\"hello from main\")\\n')\nf.close()")
    ln.send(b"import machine\nmachine.reset()\x04")
    text = ln.until(b">>> ")  # main.py ran, ended, and the board waits at the REPL
    assert b"hello from main\r\nMicroPython v" in text
    assert (board.flash / "main.py").read_text() == 'print("hello from main")\n'


def test_ctrl_c_reaches_the_repl_of_a_plain_simulated_kit_too(tmp_path, line, run):
    # `dojokit sim serve --pty` without a flash folder: FirmwareGuest(repl=True)
    guest = FirmwareGuest(name=(1, 3, "Uil"), repl=True)
    bridge = PtyBridge(guest, tmp_path / "tty")
    guest.start()
    bridge.start()
    try:
        assert handshake(run, bridge.path).name == "Uil"
        ln = line(bridge.path)
        ln.send(b"\r\x03\r\x01")
        ln.until(RAW)
        assert ln.raw(b"print(open('/data/name.txt').read())") == (b"1 3 Uil\r\n", b"")
    finally:
        bridge.close()
        guest.stop()


# -- REPL safety ---------------------------------------------------------------------------
def _frames_and_noise(rnd: random.Random, n: int) -> bytes:
    out = bytearray()
    kinds = [int(k) for k in Kind]
    for _ in range(n):
        pay = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, MAX_PAYLOAD)))
        w = encode_frame(rnd.choice(kinds) if rnd.random() < 0.7 else rnd.randrange(256),
                         rnd.randrange(256), pay)
        assert 3 not in w and 4 not in w  # the protocol's promise (docs/protocol.md)
        if rnd.random() < 0.3:  # damaged on the way, but never into a Ctrl-C
            w = bytearray(w)
            w[rnd.randrange(len(w))] = rnd.choice([b for b in range(256) if b != 3])
        out += w
        if rnd.random() < 0.3:
            out += bytes(rnd.choice([b for b in range(256) if b != 3])
                         for _ in range(rnd.randint(1, 30)))
    return bytes(out)


def test_no_stream_of_frames_locks_the_kit_out_of_its_repl(served, line, run):
    board, bridge = served()
    for seed in range(4):
        if seed:
            board.hard_reset()
        handshake(run, bridge.path)
        ln = line(bridge.path)
        stream = _frames_and_noise(random.Random(seed), 300)
        for i in range(0, len(stream), 512):
            ln.send(stream[i:i + 512])
        time.sleep(0.3)
        assert b">>> " not in ln.port.read(ln.port.in_waiting or 1)  # still the firmware
        ln.send(b"\r\x03")
        assert b"KeyboardInterrupt: \r\n" in ln.until(b">>> ")
        ln.send(b"\r\x01")
        ln.until(RAW)
        assert ln.raw(b"print('still mine')") == (b"still mine\r\n", b"")
        ln.send(b"\x02")
        ln.until(b">>> ")
        ln.close()


# -- the real mpremote ------------------------------------------------------------------------
needs_mpremote = pytest.mark.skipif(importlib.util.find_spec("mpremote") is None,
                                    reason="mpremote (an optional test dependency) is missing")


def mpremote(path: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpremote", "connect", path, *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def served_by_entry_point(tmp_path):
    """`python -m dojokit.sim.simboard --pty PATH --fs DIR`, as a separate process."""
    flash = put_build(tmp_path / "flash")
    tty = tmp_path / "ttySIM"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "host")}
    proc = subprocess.Popen([sys.executable, "-m", "dojokit.sim.simboard", "--pty", str(tty),
                             "--fs", str(flash)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("serving")
        yield str(tty), flash
    finally:
        proc.terminate()
        proc.wait(30)


@needs_mpremote
def test_mpremote_exec_fs_and_reset(served_by_entry_point, run, tmp_path):
    tty, flash = served_by_entry_point
    r = mpremote(tty, "exec", "print(1+1)")
    assert (r.returncode, r.stdout.strip()) == (0, "2"), r.stderr
    local = tmp_path / "blob.bin"
    local.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(3000)))
    r = mpremote(tty, "fs", "cp", str(local), ":blob.bin")
    assert r.returncode == 0, r.stderr
    assert (flash / "blob.bin").read_bytes() == local.read_bytes()
    r = mpremote(tty, "fs", "ls")
    assert r.returncode == 0, r.stderr
    listed = dict(reversed(ln.split()) for ln in r.stdout.splitlines()[1:])
    assert listed["blob.bin"] == "3000"
    assert listed["main.py"] == str((flash / "main.py").stat().st_size)
    r = mpremote(tty, "exec", "1/0")
    assert r.returncode == 1 and "ZeroDivisionError" in r.stdout + r.stderr
    r = mpremote(tty, "reset")
    assert r.returncode == 0, r.stderr
    assert handshake(run, tty).firmware == firmware_version()


# -- the host half's small rules -----------------------------------------------------------
@pytest.mark.parametrize(("text", "more"), [
    ("1+1", False), ("for i in x:", True), ("for i in x:\n print(i)", True),
    ("for i in x:\n print(i)\n", False), ("f(1,", True), ('s = """a', True),
    ("x = 1 \\", True), ("d = {'a': '('}", False), ("if x: y()", True), ("# (", False),
])
def test_friendly_input_continues_as_micropython_decides(text, more):
    assert continues(text) is more


def test_tracebacks_lose_the_simulators_own_frames():
    tb = ('Traceback (most recent call last):\n  File "<stdin>", line 9, in <module>\n'
          '  File "main.py", line 21, in <module>\nKeyboardInterrupt: \n')
    assert board_traceback(tb, boot=True) == (
        'Traceback (most recent call last):\n  File "main.py", line 21, in <module>\n'
        'KeyboardInterrupt: \n')
    tb = ('Traceback (most recent call last):\n  File "/port/guest_repl.py", line 5, in _run\n'
          '  File "<stdin>", line 1, in <module>\nZeroDivisionError: divide by zero\n')
    assert board_traceback(tb) == ('Traceback (most recent call last):\n'
                                   '  File "<stdin>", line 1, in <module>\n'
                                   'ZeroDivisionError: divide by zero\n')
