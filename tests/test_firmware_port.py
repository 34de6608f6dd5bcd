"""The firmware against what the micro:bit port really offers (issue 9).

The simulator's MicroPython (WASI, 1.27) is a unix-like port: it iterates files and has
sys.stdin, where the micro:bit port (MicroPython for micro:bit 2.x, core 1.18) has neither.
Two guards keep that class of mistake out (firmware/HAL.md, "Port audit"):
- a static audit of every module of the micro:bit build: imports, the names used from the
  port's own modules, file handling, uart and radio calls;
- the simulated kit boots under dojokit/sim/microbit_rules.py, which takes away what the
  micro:bit does not have: a firmware that would stop on the robot stops in the simulator.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from dojokit.kits import build as B
from dojokit.link import Link
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest, GuestStopped

FW = Path(__file__).resolve().parents[1] / "firmware"
MICROBIT_BUILD = [f for f in B.BOARD_FILES["microbit"] if f.endswith(".py")]
OWN = {f[:-3] for f in B.BOARD_FILES["microbit"]}

# -- what the micro:bit port has (micropython-microbit-v2: src/codal_port, core 1.18) ------
# built-in modules: the port's own, the core's, and the frozen neopixel
MICROBIT_MODULES = {
    "antigravity", "array", "audio", "builtins", "collections", "errno", "gc", "log",
    "love", "machine", "math", "microbit", "micropython", "music", "neopixel", "os",
    "power", "radio", "random", "speech", "struct", "sys", "this", "time",
    "uarray", "ucollections", "uerrno", "uos", "urandom", "ustruct", "utime",
}
# every name of these modules on the micro:bit (the WASI port and ESP32 have more)
MICROBIT_API = {
    "sys": {"argv", "byteorder", "exit", "implementation", "maxsize", "modules", "path",
            "platform", "print_exception", "version", "version_info"},
    "time": {"sleep", "sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_add",
             "ticks_diff"},
    "machine": {"unique_id", "reset", "freq", "disable_irq", "enable_irq", "mem8", "mem16",
                "mem32", "time_pulse_us"},
    "gc": {"collect", "disable", "enable", "isenabled", "mem_alloc", "mem_free",
           "threshold"},
}
# names the micro:bit has but that do something other than the firmware needs
REFUSED = {
    ("sys", "stdin"): "the micro:bit has no sys.stdin: serial input comes through uart",
    ("sys", "stdout"): "the micro:bit has no sys.stdout: write to uart",
    ("machine", "WDT"): "the micro:bit has no machine.WDT",
    ("machine", "Timer"): "the micro:bit has no machine.Timer",
    ("radio", "send"): "radio.send(text) puts 3 bytes (01 00 01) before the text: "
                       "use radio.send_bytes",
    ("radio", "receive"): "radio.receive() expects that 3-byte prefix: use "
                          "radio.receive_bytes",
}
# a micro:bit file object (TextIO / FileIO): nothing else, no iterator
FILE_METHODS = {"read", "readinto", "readline", "write", "close", "name", "writable"}
FILE_MODES = {"r", "w", "rb", "wb", "rt", "wt"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _scopes(tree: ast.Module) -> list[ast.AST]:
    return [tree, *(n for n in ast.walk(tree)
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))]


def _in_scope(scope: ast.AST) -> list[ast.AST]:
    """The nodes of `scope` itself, not of the functions inside it."""
    out: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        n = todo.pop()
        out.append(n)
        if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            todo.extend(ast.iter_child_nodes(n))
    return out


def audit(source: str, name: str, own: set[str] = OWN) -> list[str]:
    """What in `source` the micro:bit port would refuse, one line per finding."""
    tree = ast.parse(source, name)
    parent = _parents(tree)
    found: list[str] = []

    def say(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    def check_name(node: ast.AST, mod: str, attr: str) -> None:
        if (mod, attr) in REFUSED:
            say(node, REFUSED[mod, attr])
        elif mod in MICROBIT_API and attr not in MICROBIT_API[mod]:
            say(node, f"the micro:bit's {mod} has no {attr}")

    modules: dict[str, str] = {}  # local name -> module it stands for
    imported: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                modules[a.asname or top] = a.name
                if top not in MICROBIT_MODULES | own:
                    say(node, f"the micro:bit has no module {a.name}")
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if mod.split(".")[0] not in MICROBIT_MODULES | own:
                say(node, f"the micro:bit has no module {mod}")
            for a in node.names:
                imported[a.asname or a.name] = (mod, a.name)
                check_name(node, mod, a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            mod = modules.get(node.value.id)
            if mod is not None:
                check_name(node, mod, node.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            base = f.value
            what = (imported.get(base.id) if isinstance(base, ast.Name) else
                    (modules.get(base.value.id), base.attr)
                    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name)
                    else None)
            if what == ("microbit", "uart") and f.attr == "init":
                # uart.init() with no baud rate switches the serial line to 9600
                kw = {k.arg: k.value for k in node.keywords}
                rate = kw.get("baudrate")
                if node.args or not (isinstance(rate, ast.Constant) and rate.value == 115200):
                    say(node, "uart.init must say baudrate=115200")
        if isinstance(node, ast.JoinedStr) and name == "main.py":
            # main.py is compiled on the board, whose compiler may lack f-strings (an
            # extra-features option of core 1.18); the .mpy files are compiled here
            say(node, "main.py is compiled on the board: no f-strings")
    # files: a micro:bit file is only read, written and closed, never iterated
    for scope in _scopes(tree):
        nodes = _in_scope(scope)
        files: set[str] = set()
        for node in nodes:
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "open"):
                continue
            mode = node.args[1] if len(node.args) > 1 else ast.Constant("r")
            if node.keywords or len(node.args) > 2:
                say(node, "the micro:bit's open() takes a name and a mode, no keywords")
            if not (isinstance(mode, ast.Constant) and mode.value in FILE_MODES):
                say(node, f"the micro:bit's open() takes modes {sorted(FILE_MODES)}")
            up = parent[node]
            if isinstance(up, ast.Attribute) and up.attr in FILE_METHODS:
                continue
            if isinstance(up, ast.withitem) and isinstance(up.optional_vars, ast.Name):
                files.add(up.optional_vars.id)
            elif (isinstance(up, ast.Assign) and len(up.targets) == 1
                  and isinstance(up.targets[0], ast.Name)):
                files.add(up.targets[0].id)
            else:
                say(node, "a micro:bit file can only be read, written and closed")
        for node in nodes:
            if not (isinstance(node, ast.Name) and node.id in files
                    and isinstance(node.ctx, ast.Load)):
                continue
            up = parent[node]
            if isinstance(up, ast.Attribute) and up.attr in FILE_METHODS:
                continue
            if isinstance(up, ast.For | ast.comprehension) and up.iter is node:
                say(node, "files on the micro:bit have no iterator: readline() until ''")
            else:
                say(node, f"a micro:bit file can only be read, written and closed ({node.id})")
    return found


# -- the static audit -------------------------------------------------------------------


def test_the_microbit_build_is_what_is_audited():
    # the shared modules and the micro:bit's HAL; never the other boards' HALs
    assert set(MICROBIT_BUILD) == {"main.py", "dk_core.py", "dk_proto.py", "dk_guard.py",
                                   "dk_kit.py", "dk_vocab.py", "hal_microbit.py"}


@pytest.mark.parametrize("source", MICROBIT_BUILD)
def test_microbit_build_uses_only_what_the_port_has(source):
    assert audit((FW / source).read_text(), source) == []


BAD = {
    "iterate a file": ("f = open('kit.txt')\nfor line in f:\n    pass\n", "no iterator"),
    "iterate open()": ("for line in open('kit.txt'):\n    pass\n", "only be read"),
    "iterate with": ("with open('kit.txt') as f:\n    for line in f:\n        pass\n",
                     "no iterator"),
    "list a file": ("with open('kit.txt') as f:\n    w = list(f)\n", "only be read"),
    "readlines": ("f = open('kit.txt')\nx = f.readlines()\n", "only be read"),
    "append": ("f = open('log.txt', 'a')\n", "modes"),
    "encoding": ("f = open('kit.txt', encoding='utf-8')\n", "no keywords"),
    "stdin": ("import sys\nb = sys.stdin.buffer\n", "no sys.stdin"),
    "stdin alias": ("import sys as s\nb = s.stdin\n", "no sys.stdin"),
    "from stdin": ("from sys import stdin\n", "no sys.stdin"),
    "stdout": ("import sys\nsys.stdout.write('x')\n", "no sys.stdout"),
    "radio text": ("import radio\nradio.send('go')\n", "send_bytes"),
    "radio receive": ("import radio\nm = radio.receive()\n", "receive_bytes"),
    "watchdog": ("from machine import WDT\n", "no machine.WDT"),
    "timer": ("import machine\nt = machine.Timer(0)\n", "no machine.Timer"),
    "pin": ("from machine import Pin\n", "machine has no Pin"),
    "clock": ("import time\nt = time.time()\n", "time has no time"),
    "json": ("import json\n", "no module json"),
    "select": ("import select\n", "no module select"),
    "binascii": ("from binascii import crc32\n", "no module binascii"),
    "uart 9600": ("from microbit import uart\nuart.init()\n", "baudrate=115200"),
    "uart positional": ("from microbit import uart\nuart.init(115200)\n", "baudrate=115200"),
    "uart dotted": ("import microbit\nmicrobit.uart.init(9600)\n", "baudrate=115200"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_audit_finds_what_the_port_refuses(case):
    # the audit is only worth something if it sees each of these
    source, why = BAD[case]
    found = audit(source, "dk_x.py")
    assert found and any(why in line for line in found), found


def test_the_audit_lets_micro_bit_code_pass():
    ok = ("from microbit import uart\nimport radio\nimport time\nuart.init(baudrate=115200)\n"
          "radio.send_bytes(b'x')\nt = time.ticks_ms()\n"
          "def load(p):\n    f = open(p)\n    line = f.readline()\n    f.close()\n"
          "    with open(p, 'w') as g:\n        g.write('x')\n    return open(p).read()\n")
    assert audit(ok, "dk_x.py") == []
    assert audit("x = f'{1}'\n", "main.py") != []


# -- the simulated kit refuses it too ----------------------------------------------------

_ITERATING = '''    for line in f:
        w = line.split("#")[0].split()
        if w:
            kit[w[0]] = w[1:]
'''


def _firmware_with(tmp_path: Path, module: str, old: str, new: str) -> Path:
    fw = tmp_path / "firmware"
    shutil.copytree(FW, fw, ignore=shutil.ignore_patterns("__pycache__"))
    text = (fw / module).read_text()
    assert old in text, f"{module} changed: this test's patch no longer applies"
    (fw / module).write_text(text.replace(old, new, 1))
    return fw


def _iterating_firmware(tmp_path: Path) -> Path:
    # dk_kit's reading loop as it was when the micro:bit stopped at boot (issue 9)
    text = (FW / "dk_kit.py").read_text()
    start = text.index("    line = f.readline()\n")
    end = text.index("\n\n\ndef ", start) + 1
    return _firmware_with(tmp_path, "dk_kit.py", text[start:end], _ITERATING)


def _boot(firmware: Path, rules: bool = True) -> FirmwareGuest:
    guest = FirmwareGuest(VirtualBoard(), firmware=firmware, lockstep=True,
                          microbit_rules=rules)
    try:
        guest.start()  # lockstep: returns once the firmware reaches its first loop turn
    except BaseException:
        guest.stop()
        raise
    return guest


def test_a_firmware_iterating_its_kit_file_does_not_boot(tmp_path):
    fw = _iterating_firmware(tmp_path)
    guest = FirmwareGuest(VirtualBoard(), firmware=fw, lockstep=True)
    try:
        with pytest.raises(GuestStopped, match="TypeError: 'TextIO' object isn't iterable"):
            guest.start()
        # the traceback names the loop, as the micro:bit's did
        console = guest.console.decode()
        assert 'dk_kit.py", line' in console and "in _read" in console
    finally:
        guest.stop()


def test_without_the_rules_wasi_micropython_would_let_it_pass(tmp_path):
    # why the rules exist: the simulator's own MicroPython iterates files
    guest = _boot(_iterating_firmware(tmp_path), rules=False)
    try:
        guest.turn(100)
        assert guest.running
    finally:
        guest.stop()


def test_a_firmware_reading_sys_stdin_does_not_boot(tmp_path):
    fw = _firmware_with(tmp_path, "main.py", "import sys\n", "import sys\n_in = sys.stdin\n")
    with pytest.raises(GuestStopped, match=r"AttributeError.*stdin"):
        _boot(fw)


def test_the_firmware_runs_and_uses_its_files_under_the_rules(run):
    # kit.txt read line by line, name.txt read and written through micro:bit-like files
    async def go():
        board = VirtualBoard()
        link = Link(SimTransport(board=board, name=(2, 7, "Vos")))
        robot = Robot(link)
        await link.connect()
        try:
            info = robot.info
            await robot.set_name(4, 9, "Uil")
            return info, board.text
        finally:
            await robot.close()

    info, shown = run(go())
    assert (info.kit_name, info.name, info.number) == ("sim", "Vos", 7)
    assert info.lights > 0  # from kit.txt
    assert shown == "9 Uil"  # the new name.txt, written and read back
