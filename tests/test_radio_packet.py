"""Authenticated radio packets: the host's radio_packet.py under CPython and the robot's
firmware/dk_radio.py under real MicroPython agree on tests/vectors/radio_packet.json, take
nothing from another pair, another key, the other direction, a replay or a damaged packet, and
survive 10,000 random and mutated packets without accepting any.

`python tests/test_radio_packet.py` rewrites the vectors file (after a deliberate change only).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))
sys.path.insert(0, str(ROOT / "tests"))

from dojokit.kits import build as B  # noqa: E402
from dojokit.link.radio_packet import (  # noqa: E402
    COUNTER_MAX,
    FRAME_AT,
    HOST,
    MAX_PACKET,
    MIN_PACKET,
    ROBOT,
    Auth,
    CounterExhausted,
    Drop,
    mac,
    new_pair_key,
    session_base,
    speck_encrypt,
    speck_expand,
)

FW = ROOT / "firmware"
VECTORS_PATH = ROOT / "tests" / "vectors" / "radio_packet.json"
SPECK = ("1918111009080100", "6574694c", "a86842f2")  # Speck32/64, Beaulieu et al. 2013
MPY_BUDGET = 2_500  # bytes of dk_radio.mpy for the micro:bit (file system: 20 KB in all)
FUZZ = 10_000


# -- the vectors -------------------------------------------------------------------------------


def make_vectors() -> dict:
    rnd = random.Random(15)
    keys = [bytes.fromhex(SPECK[0]), bytes(7) + b"\x01", b"\xff" * 8, rnd.randbytes(8)]
    counters = [0, 1, 255, 0xFFFF, 0x10000, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF, COUNTER_MAX - 1]
    special = b"\x00\x03\x04\x0a\x7e\xff"
    packets = []
    for i in range(40):
        key = keys[i % len(keys)]
        pair = (0, 1, 7, 255)[i // 4 % 4]
        direction = (HOST, ROBOT)[i % 2]
        counter = counters[i % len(counters)] if i < 27 else rnd.randrange(COUNTER_MAX)
        n = 4 + i % 10
        frame = bytes(
            rnd.choice(special) if rnd.random() < 0.3 else rnd.randrange(256) for _ in range(n)
        )
        a = Auth(key, pair, direction, counter)
        packets.append(
            {
                "name": f"v{i:02d}-f{n}-c{counter:x}",
                "key": key.hex(),
                "pair": pair,
                "direction": direction,
                "counter": counter,
                "frame": frame.hex(),
                "packet": a.seal(frame).hex(),
            }
        )
    return {
        "layout": "pair (1) | counter (4, big-endian) | frame (4..13) | tag (4)",
        "speck32_64": {"key": SPECK[0], "plain": SPECK[1], "cipher": SPECK[2]},
        "packets": packets,
    }


VECTORS = json.loads(VECTORS_PATH.read_text()) if VECTORS_PATH.is_file() else make_vectors()
PACKETS = VECTORS["packets"]


def receiver(v: dict) -> Auth:
    return Auth(bytes.fromhex(v["key"]), v["pair"], 1 - v["direction"])


# -- running dk_radio under MicroPython --------------------------------------------------------
# Jobs are records: op letter, u16 length, body (as tests/test_protocol_vectors.py does).
# K key(8) pair dir: a sender S (dir) and a receiver R (the other dir) with that key
# S counter(4) frame: S seals at that counter -> "S <packet hex>"
# O packet: R opens it -> "O <code as one hex byte, two's complement>"
# X: R forgets what it received (a new receiver, as after a reboot);  E block(4): S's Speck on it
# -> "E <hex>". (The firmware keeps no receive floor across boots: docs/security.md.)
# M count: alloc and time check -> "M <mem_free growth> <us per seal> <us per open>"

_BODY = """
import time
import dk_pair as D
import dk_radio as R

S = None
A = None
KA = None
PK = bytearray(64)
ONE = bytearray(1)


def main():
    global S, A, KA
    pos = 0
    while pos < len(DATA):
        op = DATA[pos]
        n = DATA[pos + 1] << 8 | DATA[pos + 2]
        a = pos + 3
        pos = a + n
        if op == 75:  # K
            key = DATA[a:a + 8]
            S = R.Auth(D.schedule(key), DATA[a + 8], DATA[a + 9])
            KA = (D.schedule(key), DATA[a + 8], 1 - DATA[a + 9])
            A = R.Auth(*KA)
            continue
        if op == 83:  # S
            S.hi = DATA[a] << 8 | DATA[a + 1]
            S.lo = DATA[a + 2] << 8 | DATA[a + 3]
            m = S.seal(DATA[a + 4:pos], n - 4, PK)
            put(83)
            put(32)
            put_hex(PK, 0, m)
        elif op == 79:  # O
            for i in range(n):
                PK[i] = DATA[a + i]
            c = A.open(PK, n)
            put(79)
            put(32)
            ONE[0] = c & 255
            put_hex(ONE, 0, 1)
        elif op == 88:  # X
            A = R.Auth(*KA)
            continue
        elif op == 69:  # E
            b = bytearray(DATA[a:pos])
            S.encrypt(b, 0)
            put(69)
            put(32)
            put_hex(b, 0, 4)
        elif op == 77:  # M
            count = DATA[a] << 8 | DATA[a + 1]
            fr = bytearray(b'abcdefghijklm')
            pk = bytearray(22)
            S.hi = 0
            S.lo = 1
            A = R.Auth(*KA)
            ok = 0
            seal_us = 0
            open_us = 0
            free = gc.mem_free()
            for i in range(count):
                t0 = time.ticks_us()
                m = S.seal(fr, 13, pk)
                t1 = time.ticks_us()
                if A.open(pk, m) == 13:
                    ok += 1
                t2 = time.ticks_us()
                seal_us += time.ticks_diff(t1, t0)
                open_us += time.ticks_diff(t2, t1)
            grow = free - gc.mem_free()
            flush()  # what put() holds goes out first: lines stay whole
            print()
            print('M', grow, seal_us // count, open_us // count, ok)
            continue
        put(10)
"""


def record(op: str, body: bytes = b"") -> bytes:
    return op.encode() + len(body).to_bytes(2, "big") + body


def key_record(key: bytes, pair: int, direction: int) -> bytes:
    return record("K", key + bytes((pair, direction)))


def run_guest(jobs: list[bytes]) -> list[list[str]]:
    from test_protocol_vectors import run_firmware

    return [ln.split(" ") for ln in run_firmware(_BODY, b"".join(jobs), timeout=300)]


def codes(lines: list[list[str]]) -> list[int]:
    """The open() results, as the firmware returned them (frame length or -reason)."""
    out = []
    for w in lines:
        if w[0] == "O":
            v = int(w[1], 16)
            out.append(v - 256 if v >= 128 else v)
    return out


def host_code(a: Auth, pkt: bytes) -> int:
    why = a.check(pkt)
    return -int(why) if why is not None else len(pkt) - 9


# -- host: the cipher, the vectors, the rules --------------------------------------------------


def test_speck_published_vector() -> None:
    key, plain, cipher = (bytes.fromhex(h) for h in SPECK)
    x, y = speck_encrypt(speck_expand(key), plain[0] << 8 | plain[1], plain[2] << 8 | plain[3])
    assert x.to_bytes(2, "big") + y.to_bytes(2, "big") == cipher
    assert VECTORS["speck32_64"] == {"key": SPECK[0], "plain": SPECK[1], "cipher": SPECK[2]}


def test_vectors_file_is_what_the_host_makes() -> None:
    assert VECTORS_PATH.is_file(), "run python tests/test_radio_packet.py"
    assert make_vectors() == VECTORS
    assert {len(bytes.fromhex(v["frame"])) for v in PACKETS} == set(range(4, 14))
    assert {v["direction"] for v in PACKETS} == {HOST, ROBOT}
    assert {0, 0xFFFF, 0x10000, COUNTER_MAX - 1} <= {v["counter"] for v in PACKETS}


@pytest.mark.parametrize("v", PACKETS, ids=[v["name"] for v in PACKETS])
def test_vector_host(v: dict) -> None:
    pkt = bytes.fromhex(v["packet"])
    frame = bytes.fromhex(v["frame"])
    assert pkt[0] == v["pair"] and int.from_bytes(pkt[1:5], "big") == v["counter"]
    assert pkt[FRAME_AT:-4] == frame and MIN_PACKET <= len(pkt) <= MAX_PACKET
    r = receiver(v)
    assert r.open(pkt) == frame
    assert r.open(pkt) is None and r.drops[Drop.REPLAY] == 1, "the same packet twice"
    # the tag covers the direction: the sender's own end does not take it back
    same = Auth(bytes.fromhex(v["key"]), v["pair"], v["direction"])
    assert same.open(pkt) is None and same.drops[Drop.TAG] == 1


def tampered(pkt: bytes) -> list[bytes]:
    """Every single-bit flip of the packet."""
    out = []
    for i in range(len(pkt) * 8):
        b = bytearray(pkt)
        b[i // 8] ^= 1 << (i % 8)
        out.append(bytes(b))
    return out


def test_every_bit_flip_is_dropped_host() -> None:
    for v in PACKETS:
        pkt = bytes.fromhex(v["packet"])
        r = receiver(v)
        for bad in tampered(pkt):
            assert r.open(bad) is None
        assert r.drops[Drop.PAIR] == 8 and r.drops[Drop.TAG] == len(pkt) * 8 - 8
        assert r.open(pkt) == bytes.fromhex(v["frame"]), "nothing was taken before"


def test_other_pairs_keys_and_sizes_are_dropped_host() -> None:
    v = PACKETS[5]
    pkt = bytes.fromhex(v["packet"])
    key = bytes.fromhex(v["key"])
    other_pair = Auth(key, (v["pair"] + 1) % 256, 1 - v["direction"])
    assert other_pair.open(pkt) is None and other_pair.drops[Drop.PAIR] == 1
    for k in range(8):  # a key one bit away, and random keys
        wrong = bytearray(key)
        wrong[k] ^= 0x10
        for kk in (bytes(wrong), new_pair_key()):
            a = Auth(kk, v["pair"], 1 - v["direction"])
            assert a.open(pkt) is None and a.drops[Drop.TAG] == 1
    r = receiver(v)
    for n in (*range(MIN_PACKET), *range(MAX_PACKET + 1, 40)):
        assert r.open((pkt * 2)[:n]) is None
    assert r.drops[Drop.SIZE] == MIN_PACKET + 40 - MAX_PACKET - 1
    # a valid-length cut or a stretch breaks the tag
    assert r.open(pkt[:-5] + pkt[-4:]) is None and r.drops[Drop.TAG] == 1


# counter sequences into a fresh receiver: (counter, taken?)
# fmt: off
REPLAY_SCRIPT = [
    (10, True), (10, False), (11, True), (9, True), (9, False), (2, False), (20, True),
    (12, True), (11, False), (19, True), (21, True), (13, True), (12, False), (21, False),
    (0xFFFF, True), (0xFFFE, True), (0x10000, True), (0xFFF8, True), (0xFFF7, False),
    (0x10001, True), (0x30000, True), (0x2FFFF, True), (0x10002, False),
    (COUNTER_MAX - 1, True), (COUNTER_MAX - 2, True), (0x30001, False), (0, False),
]
# fmt: on
FLOOR = 0x1FFFF
FLOOR_SCRIPT = [(FLOOR, False), (FLOOR - 1, False), (5, False), (FLOOR + 1, True), (FLOOR, False)]


def test_replays_and_reordering_host() -> None:
    key = new_pair_key()
    s = Auth(key, 3, HOST)
    r = Auth(key, 3, ROBOT)
    for c, ok in REPLAY_SCRIPT:
        s.counter = c
        assert (r.open(s.seal(b"\x01\x02\x03\x04")) is not None) == ok, hex(c)
    assert r.drops[Drop.REPLAY] == sum(not ok for _, ok in REPLAY_SCRIPT)
    r.reset_rx()  # after a robot's reboot: the first valid packet sets the floor
    s.counter = 5
    assert r.open(s.seal(b"\x01\x02\x03\x04")) is not None
    r.set_floor(FLOOR)  # ... unless the robot kept a floor
    for c, ok in FLOOR_SCRIPT:
        s.counter = c
        assert (r.open(s.seal(b"\x01\x02\x03\x04")) is not None) == ok, c


def test_counters_never_repeat_or_wrap_host() -> None:
    s = Auth(bytes(8), 0, HOST, COUNTER_MAX - 1)
    s.seal(b"abcd")
    with pytest.raises(CounterExhausted):
        s.seal(b"abcd")
    with pytest.raises(ValueError):
        s.seal(b"abc")
    with pytest.raises(ValueError):
        Auth(bytes(7), 0, HOST)
    # a new session starts above the last one, whatever the clock says
    t = 1_800_000_000.0
    assert session_base(t + 1) > session_base(t) > 0
    assert session_base(t, last_used=session_base(t) + 500) == session_base(t) + 501
    assert session_base(t) < COUNTER_MAX
    assert all(any(new_pair_key()) for _ in range(100))
    assert len({new_pair_key() for _ in range(100)}) == 100


def test_mac_is_prefix_free() -> None:
    # the length leads the message: a frame and the same frame plus zero bytes differ
    rk = speck_expand(bytes.fromhex(SPECK[0]))
    head = b"\x07\x00\x00\x00\x01"
    assert mac(rk, HOST, head + b"abcd") != mac(rk, HOST, head + b"abcd\x00")
    assert mac(rk, HOST, head + b"abcd") != mac(rk, ROBOT, head + b"abcd")


# -- firmware under MicroPython ----------------------------------------------------------------


def fuzz_packets(seed: int = 1515) -> tuple[bytes, int, int, list[bytes], list[bool]]:
    """FUZZ packets for one receiver: fresh valid ones now and then (which must be taken),
    and random bytes, mutations, cuts, stretches, other pairs, replays (none taken)."""
    rnd = random.Random(seed)
    key, pair, direction = rnd.randbytes(8), rnd.randrange(256), HOST
    s = Auth(key, pair, direction, rnd.randrange(1 << 31))
    recent: list[bytes] = [s.seal(bytes(rnd.randrange(256) for _ in range(4)))]
    out, fresh = [recent[0]], [True]
    while len(out) < FUZZ:
        base = rnd.choice(recent[-5:])
        b = bytearray(base)
        how = rnd.randrange(10)
        if how == 0:
            n = 4 + rnd.randrange(10)
            recent.append(s.seal(rnd.randbytes(n)))
            out.append(recent[-1])
            fresh.append(True)
            continue
        if how == 1:
            b = bytearray(rnd.randbytes(rnd.randrange(33)))
            if b and rnd.random() < 0.5:
                b[0] = pair
        elif how == 2:
            for _ in range(rnd.randint(1, 4)):
                i = rnd.randrange(len(b) * 8)
                b[i // 8] ^= 1 << (i % 8)
        elif how == 3:
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif how == 4:
            b = b[: rnd.randrange(len(b))]
        elif how == 5:
            b += rnd.randbytes(rnd.randint(1, 12))
        elif how == 6:
            b[0] = (pair + rnd.randint(1, 255)) % 256
        elif how == 7:
            c = int.from_bytes(b[1:5], "big") + rnd.choice((1, 2, -1, 1 << 16, 1 << 24))
            b[1:5] = (c % (1 << 32)).to_bytes(4, "big")
        elif how == 8:
            b[-4:] = rnd.choice(recent)[-4:]
            b[-1] ^= 0 if b != base else 1
        # how == 9: a replay of a packet already taken, unchanged
        if bytes(b) in recent and how != 9:
            continue
        out.append(bytes(b))
        fresh.append(False)
    return key, pair, direction, out, fresh


@pytest.fixture(scope="module")
def fw() -> dict:
    """One MicroPython run of firmware/dk_radio.py over every check in this file."""
    jobs: list[bytes] = []
    key = bytes.fromhex(SPECK[0])
    jobs += [key_record(key, 0, HOST), record("E", bytes.fromhex(SPECK[1]))]
    for v in PACKETS:
        k = bytes.fromhex(v["key"])
        pkt = bytes.fromhex(v["packet"])
        jobs.append(key_record(k, v["pair"], v["direction"]))
        jobs.append(record("S", v["counter"].to_bytes(4, "big") + bytes.fromhex(v["frame"])))
        # tampered, then the packet, then it again; the other end of the same pair
        jobs += [record("O", bad) for bad in tampered(pkt)]
        jobs += [record("O", pkt), record("O", pkt)]
        jobs.append(key_record(k, v["pair"], 1 - v["direction"]))
        jobs.append(record("O", pkt))
        jobs.append(key_record(bytes(a ^ 0x40 for a in k), v["pair"], v["direction"]))
        jobs.append(record("O", pkt))
        jobs.append(key_record(k, (v["pair"] + 1) % 256, v["direction"]))
        jobs.append(record("O", pkt))
    # sizes
    v = PACKETS[5]
    pkt = bytes.fromhex(v["packet"])
    jobs.append(key_record(bytes.fromhex(v["key"]), v["pair"], v["direction"]))
    jobs += [record("O", (pkt * 2)[:n]) for n in (*range(MIN_PACKET), 23, 31, 32)]
    # replays: the host seals, the firmware opens
    rkey = bytes(range(8))
    s = Auth(rkey, 3, HOST)
    jobs.append(key_record(rkey, 3, HOST))
    for c, _ in REPLAY_SCRIPT:
        s.counter = c
        jobs.append(record("O", s.seal(b"\x01\x02\x03\x04")))
    jobs.append(record("X"))
    s.counter = 5
    jobs.append(record("O", s.seal(b"\x01\x02\x03\x04")))
    # fuzz
    fkey, fpair, fdir, packets, _ = fuzz_packets()
    jobs.append(key_record(fkey, fpair, fdir))
    before = sum(j[:1] == b"O" for j in jobs)
    jobs += [record("O", p) for p in packets]
    # frames the protocol never makes are not sealed
    jobs += [record("S", bytes(4) + bytes(n)) for n in (0, 3, 14)]
    # allocation and speed
    jobs.append(record("M", (1000).to_bytes(2, "big")))
    lines = run_guest(jobs)
    m = next(w for w in lines if w[0] == "M")
    o = codes(lines)
    return {
        "E": [bytes.fromhex(w[1]) for w in lines if w[0] == "E"],
        "S": [bytes.fromhex(w[1]) for w in lines if w[0] == "S"],
        "O": o[:before],
        "fuzz": o[before:],
        "M": [int(x) for x in m[1:]],
    }


def test_firmware_speck_and_vectors(fw: dict) -> None:
    assert fw["E"] == [bytes.fromhex(SPECK[2])]
    assert [p.hex() for p in fw["S"]] == [v["packet"] for v in PACKETS] + ["", "", ""]


def test_firmware_opens_only_what_it_must(fw: dict) -> None:
    o = iter(fw["O"])
    for v in PACKETS:
        n = len(bytes.fromhex(v["frame"]))
        got = [next(o) for _ in range(len(v["packet"]) * 4)]
        assert got == [-2] * 8 + [-3] * (len(got) - 8), v["name"]  # pair byte, then the rest
        assert [next(o), next(o)] == [n, -4], v["name"]  # taken once, then a replay
        assert next(o) == -3, "its own direction"
        assert next(o) == -3, "another key"
        assert next(o) == -2, "another pair"
    assert [next(o) for _ in range(MIN_PACKET + 3)] == [-1] * (MIN_PACKET + 3)
    want = [4 if ok else -4 for _, ok in (*REPLAY_SCRIPT, (5, True))]
    assert [next(o) for _ in want] == want
    assert next(o, None) is None


def test_fuzz_firmware_takes_nothing_but_fresh_valid_packets(fw: dict) -> None:
    key, pair, direction, packets, fresh = fuzz_packets()
    got = fw["fuzz"]
    assert len(got) == len(packets) == FUZZ, "every packet answered: no crash, no hang"
    taken = [c > 0 for c in got]
    assert taken == fresh
    assert sum(fresh) < FUZZ // 5 and sum(not f for f in fresh) > FUZZ * 3 // 4
    # the host's opener says the same thing for every packet, reason by reason
    h = Auth(key, pair, 1 - direction)
    assert [host_code(h, p) for p in packets] == got
    assert {-1, -2, -3, -4} <= set(got)


def test_firmware_allocates_nothing_per_packet(fw: dict) -> None:
    grow, seal_us, open_us, ok = fw["M"]
    assert ok == 1000
    assert grow == 0, f"{grow} bytes allocated over 1000 seals and opens"
    print(f"dk_radio under MicroPython (WASI): seal {seal_us} us, open {open_us} us")


def test_firmware_module_is_small_for_the_microbit() -> None:
    mpy = B.compile_mpy(FW / "dk_radio.py", "microbit")
    assert mpy[:2] == b"M\x05"
    assert len(mpy) <= MPY_BUDGET, len(mpy)


if __name__ == "__main__":
    VECTORS_PATH.write_text(json.dumps(make_vectors(), indent=1) + "\n")
    print("wrote", VECTORS_PATH)
