# MicroPython code, not the host's: the micro:bit's `radio` module inside the simulator's
# MicroPython (never on a board, where `radio` is built in). A guest given a radio
# (FirmwareGuest(radio=...)) imports it at boot, from /port, and it takes the name `radio`
# in sys.modules, so `import radio` finds it from any folder. Every function is one host
# call ("radio") into the board's dojokit.sim.radio.Radio, which keeps the state and the
# limits; a reply starting with "!" is the ValueError the board would raise. Bytes come back
# as text, each byte as the code point of its value. Small on purpose: it shares the 64 KiB
# heap with the firmware, and keeps about 2.2 KB of it (a board's built-in module keeps only
# its buffer, (queue + 1) * (length + 6) bytes): a heap measured in the simulator with a
# radio is that much above the board's.
import sys

import host

_c = host.call
RATE_1MBIT = 0
RATE_2MBIT = 1


def _q(p):
    r = _c("radio", p)
    if r and r[0] == "!":
        raise ValueError(r[1:])
    return r


def on():
    _q("1")


def off():
    _q("0")


def reset():
    _q("r")


def config(*a, **k):
    if a:
        raise TypeError("arguments must be keywords")
    s = "c"
    for n in k:
        s += "%s=%d " % (n, k[n])  # noqa: UP031 (%d takes bools, as the board's int)
    _q(s)


def send_bytes(b):
    _q(b"s" + b)


def send(s):
    _q(b"s\x01\x00\x01" + s.encode())


def receive_bytes():
    d = _q("g")
    if d == "-":
        return None
    # text back to bytes: plain ASCII in one go, else byte by byte
    e = d.encode()
    if len(e) == len(d):
        return e[1:]
    e = bytearray(len(d) - 1)
    i = -1
    for ch in d:
        if i >= 0:
            e[i] = ord(ch)
        i += 1  # (enumerate would make a tuple per byte)
    return bytes(e)


def receive():
    m = receive_bytes()
    if m is None:
        return None
    if m[:3] != b"\x01\x00\x01":
        raise ValueError("received packet is not a string")
    return str(m[3:], "utf-8")


def receive_bytes_into(buf):
    m = receive_bytes()
    if m is None:
        return None
    n = min(len(buf), len(m))
    buf[:n] = m[:n]
    return len(m)


def receive_full():
    h = _q("h")
    if h == "-":
        return None
    a = h.find(" ")
    return (receive_bytes(), int(h[1:a]), int(h[a + 1:]))


# `import radio` on a V2 resets the settings and turns the radio on (the module's __init__)
_c("radio", "i")
sys.modules["radio"] = sys.modules.pop("radio_mp")
