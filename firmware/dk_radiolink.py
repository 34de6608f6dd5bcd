# dojokit robot's radio transport (firmware): a paired micro:bit robot (pair.txt on the
# board) talks to its laptop through the radio bridge as well as over USB serial. At boot
# dk_pair.robot puts this module's recv() and write() in the HAL module's place (and what
# they need in _b), so the core does not change: recv() adds the frames of the pair's
# packets to the serial bytes, write() sends a frame the way the last frame came. Packets of another pair, replays and
# corrupted ones are dropped by dk_radio and never reach the core, so the fail-safe (no
# valid frame for 500 ms: stop, "waiting") holds on the radio as on serial.
#
# Exactly once: the laptop sends a command again when a reply was lost. The last _KEEP
# commands (kind, seq and CRC) and the last _REPLIES replies are kept; a command seen again
# within _REPEAT_MS is not handed to the core a second time, the replies with its seq are
# sent again. (A new session starts its sequence numbers at random, so it never looks like
# the last one's repeats.) Module globals, not an object: RAM on a micro:bit is tight, and
# every name and function here costs heap (bench/memory.py).
import dk_proto as P
import dk_radio as R
from micropython import const
from time import ticks_diff

_POLL_MS = const(20)  # the radio cannot wake recv on a board: look at least this often
_KEEP = const(4)  # commands remembered for repeats
_REPLIES = const(8)  # replies remembered (HELLO alone has three)
_SLOT = const(13)  # a raw frame's most bytes
GC_TURNS = const(2)  # collect this often (dk_pair.robot sets the HAL's)
_REPEAT_MS = const(2000)  # a command again later than this is a new one
_AT = const(5)  # dk_radio.FRAME_AT

_via = False  # the last valid frame came over the radio
_cmd = bytearray(3 * _KEEP)  # kind, seq, CRC low byte of each kept command
_at = [0] * _KEEP  # when each came
_rep = bytearray(_SLOT * _REPLIES)  # kept replies, raw
_rn = bytearray(_REPLIES)  # their lengths (0: free)
_next = 0
_nrep = 0
_pkt = bytearray(R.MAXPKT)
_tmp = bytearray(_SLOT)
# set by dk_pair.robot: the board's own recv, write and ticks, its radio, the pair's Auth
_b = {}  # type: dict


def recv(buf, wait_ms):
    global _via
    n = _b["recv"](buf, _POLL_MS if wait_ms > _POLL_MS else wait_ms)
    if n:
        _via = False
    while n + P.MAXCHARS + 2 <= len(buf):
        p = _b["radio"].receive_bytes()
        if p is None:
            break
        k = _b["auth"].open(p, len(p))
        if k > 0:
            _via = True
            if not _again(p, k):
                # the core reads frames as the serial line carries them
                for i in range(k - 4):
                    _tmp[i] = p[_AT + 2 + i]
                j = P.encode(p[_AT], p[_AT + 1], _tmp, k - 4)
                for i in range(j):
                    buf[n + i] = P.out[i]
                n += j
    return n


def _again(p, k):
    # a command among the last _KEEP: send its replies again, do not hand it on
    global _next
    now = _b["ticks"]()
    c = p[_AT + k - 1]  # CRC low byte: with kind and seq, the same command
    for s in range(0, 3 * _KEEP, 3):
        if (_cmd[s] == p[_AT] and _cmd[s + 1] == p[_AT + 1] and _cmd[s + 2] == c
                and ticks_diff(now, _at[s // 3]) < _REPEAT_MS):
            for r in range(_REPLIES):
                if _rn[r] and _rep[r * _SLOT + 1] == p[_AT + 1]:
                    for i in range(_rn[r]):
                        _tmp[i] = _rep[r * _SLOT + i]
                    _send(_tmp, _rn[r])
            return True
    s = _next  # a new command: it takes the oldest slot
    _next = (s + 3) % (3 * _KEEP)
    _cmd[s] = p[_AT]
    _cmd[s + 1] = p[_AT + 1]
    _cmd[s + 2] = c
    _at[s // 3] = now
    return False


def write(buf, n):
    # the core writes one frame at a time, just made by P.encode (Core.send): its raw
    # bytes are still in P._raw, (n - 2) * 3 // 4 of them
    global _nrep
    if not _via or buf is not P.out:
        _b["write"](buf, n)
        return
    raw = P._raw
    k = (n - 2) * 3 // 4
    if 0x40 <= raw[0] <= 0x44:  # INFO ACK NAK IDENT SAMPLE: a reply, kept for repeats
        r = _nrep
        _nrep = (r + 1) % _REPLIES
        for i in range(k):
            _rep[r * _SLOT + i] = raw[i]
        _rn[r] = k
    _send(raw, k)


def _send(frame, k):
    m = _b["auth"].seal(frame, k, _pkt)
    if m:
        _b["radio"].send_bytes(_pkt[:m])
