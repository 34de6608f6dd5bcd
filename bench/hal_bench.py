# A board HAL for the memory benchmark (MicroPython), installed as the simulator's HAL so
# the firmware boots through its own main.py: it feeds the firmware a stream of command
# frames, some damaged, from its own encoder, with no host calls (like a real board), then
# prints the heap figures and ends the run.
import gc

import dk_proto as P
import micropython

BOARD = 3
GC_TURNS = 8  # as on the boards
IDLE_MS = 20
FS = "/data/"
FRAMES = 10000
_now = 0
_sent = 0
_boot = -1
_turn = 0
_pending = bytearray(24)
_npend = 0
_pos = 0
_pay = bytearray(9)
# (kind, payload): light, drive, heartbeat, tone, display image, read, subscribe, profile
_CMDS = ((5, b"\x00\xff\x80\x00"), (3, b"\x32\xce\x01\xf4"), (2, b""), (7, b"\x01\xb8\x00\xc8"),
         (6, b"\x01\x01\x23\x45\x67\x09"), (12, b""), (9, b"\x00\x1f\x00\x32"),
         (8, b"\xc8\x11\x05\x64\x01\xa0"))


def init(kit):
    pass


def ticks():
    return _now


def _next():
    global _npend, _pos, _sent
    kind, pay = _CMDS[_sent % len(_CMDS)]
    for i in range(len(pay)):
        _pay[i] = pay[i]
    n = P.encode(kind, _sent & 255, _pay, len(pay))
    for i in range(n):
        _pending[i] = P.out[i]
    if _sent % 7 == 3:
        _pending[3] ^= 1  # a damaged frame: must be dropped and counted
    _npend = n
    _pos = 0
    _sent += 1


def recv(buf, wait_ms):
    global _now, _boot, _pos, _turn
    _now += 2
    # heap figures are read at the start of a turn that follows a collection (the firmware
    # collects only between turns, every GC_TURNS; see HAL.md), so they hold no garbage
    fresh = _turn % GC_TURNS == 0
    _turn += 1
    if _boot < 0 and fresh and _turn > 1:
        _boot = gc.mem_alloc()
    if _pos >= _npend:
        if _sent >= FRAMES and fresh:
            print("BENCH boot_in_use", _boot, "end_in_use", gc.mem_alloc())
            micropython.mem_info()
            raise SystemExit
        if _sent >= FRAMES:
            return 0
        _next()
    n = 0
    while _pos < _npend and n < len(buf):
        buf[n] = _pending[_pos]
        _pos += 1
        n += 1
    return n


def write(buf, n):
    pass


def motors(left, right):
    pass


def light(i, r, g, b):
    pass


def show():
    pass


def image(bits, level):
    pass


def text(s):
    pass


def tone(freq, ms, volume):
    pass


def sample(s, mask):
    for i in range(7):
        s[i] = 0


def buttons():
    return 0
