# A board HAL for the memory benchmark (MicroPython), installed as the simulator's HAL so
# the firmware boots through its own main.py: it feeds the firmware a stream of command
# frames, some damaged, from its own encoder, with no host calls (like a real board), then
# prints the heap figures and ends the run. On a paired robot (bench/radio_bench.py) the same
# stream comes as radio packets instead, one per turn.
import gc

import dk_proto as P
import micropython

BOARD = 3
GC_TURNS = 8  # as on the boards
IDLE_MS = 20
FS = "/data/"
FRAMES = 10000
RADIO = False  # set by the benchmark's radio module: the stream comes over the radio
give = False  # radio: this turn's packet is still to be given
_now = 0
sent = 0
_boot = -1
_turn = 0
pending = bytearray(24)
npend = 0
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


def next_frame():
    # the next command as a raw frame in pending[:npend] (radio), False after the last
    global npend, sent
    if sent >= FRAMES:
        return False
    kind, pay = _CMDS[sent % len(_CMDS)]
    for i in range(len(pay)):
        _pay[i] = pay[i]
    n = P.encode(kind, sent & 255, _pay, len(pay))
    sent += 1
    # a packet carries the frame's raw bytes (the bridge decodes the line's characters)
    src = P._raw if RADIO else P.out
    if RADIO:
        n = len(pay) + 4
    for i in range(n):
        pending[i] = src[i]
    if sent % 7 == 4 and not RADIO:
        pending[3] ^= 1  # a damaged frame: must be dropped and counted
    npend = n
    return True


def recv(buf, wait_ms):
    global _now, _boot, _pos, _turn, give
    _now += 2
    # heap figures are read at the start of a turn that follows a collection (the firmware
    # collects only between turns, every GC_TURNS; see HAL.md), so they hold no garbage
    fresh = _turn % GC_TURNS == 0
    _turn += 1
    if _boot < 0 and fresh and _turn > 1:
        _boot = gc.mem_alloc()
    if RADIO or _pos >= npend:
        if sent >= FRAMES and fresh:
            print("BENCH boot_in_use", _boot, "end_in_use", gc.mem_alloc())
            if RADIO:  # what the robot made of the packets: dropped by kind, answered
                import dk_radiolink
                import radio

                print("BENCH drops", dk_radiolink._b["auth"].drops, "replies", radio.replies)
            micropython.mem_info()
            raise SystemExit
        if RADIO:
            give = True
            return 0
        if not next_frame():
            return 0
        _pos = 0
    n = 0
    while _pos < npend and n < len(buf):
        buf[n] = pending[_pos]
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
