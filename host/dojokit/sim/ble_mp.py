# MicroPython code, not the host's: MicroPython's `bluetooth` module (the part an ESP32 NUS
# peripheral uses) inside the simulator's MicroPython, never on a board, where it is built in.
# A guest given a BLE peripheral (FirmwareGuest(ble=...)) imports it at boot from /port, and it
# takes the name `bluetooth` in sys.modules. Every method is one host call ("ble") into the
# board's dojokit.sim.ble.BlePeripheral, which keeps the state and the limits and carries it
# all on a bumble device. A reply starts with "!" (an error: "V" ValueError, "T" TypeError,
# "O" OSError with an errno name) or with "+"/"." (events are waiting / none are). Bytes come
# back as text, each byte as the code point of its value.
#
# IRQ events: on an ESP32 the handler runs on the BLE stack's task (sync events), between any
# two bytecodes of the firmware. Here it runs (1) right after any call into this module whose
# reply says events are waiting, (2) right after each `recv` host call, the firmware's one
# wait per loop turn (a BLE event ends that wait early, as serial input does), and (3) right
# after time.sleep / sleep_ms / sleep_us (which events do not shorten: neither do they on the
# board). For (2) and (3) this module puts stand-ins for `host` and `time` into sys.modules.
# All are moments the board could run the handler too, so a firmware that is correct on the
# board is correct here, and one that checks for BLE news every loop turn sees an event
# within one turn. (A race the board could hit at another bytecode is not shown.)
# A handler never runs inside another (as on the board: one stack task).
# ruff: noqa: UP031, SIM113 (MicroPython: % formatting, and no tuple per byte)
import sys
import time

import host

_c = host.call
FLAG_READ = 0x0002
FLAG_WRITE_NO_RESPONSE = 0x0004
FLAG_WRITE = 0x0008
FLAG_NOTIFY = 0x0010
FLAG_INDICATE = 0x0020
_h = None  # the irq handler
_busy = False  # a handler is running
_ERRNO = {"EBUSY": 16}  # names the WASI port's errno lacks


def _b(d):
    # text back to bytes: plain ASCII in one go, else byte by byte
    e = d.encode()
    if len(e) == len(d):
        return e
    e = bytearray(len(d))
    i = 0
    for ch in d:
        e[i] = ord(ch)
        i += 1  # (enumerate would make a tuple per byte)
    return bytes(e)


def _q(p):
    r = _c("ble", p)
    k = r[0]
    if k == "!":
        k = r[1]
        if k == "O":
            import errno
            raise OSError(getattr(errno, r[2:], _ERRNO.get(r[2:], 5)))
        raise (TypeError if k == "T" else ValueError)(r[2:])
    if k == "+" and _h is not None:
        _events()
    return r[1:]


def _events():
    # every waiting event to the handler, in order (the host sends a batch per call)
    global _busy
    if _busy:
        return
    _busy = True
    try:
        more = True
        while more:
            r = _c("ble", "e")
            more = r[0] == "+"
            for line in r[1:].split("\n"):
                if line:
                    _fire(line)
    finally:
        _busy = False


def _fire(line):
    if _h is None:  # the handler took itself away meanwhile
        return
    w = line.split()
    ev = int(w[0])
    if len(w) == 4:  # connect, disconnect: conn, addr type, address
        d = (int(w[1]), int(w[2]), memoryview(bytes.fromhex(w[3])))
    else:
        d = (int(w[1]), int(w[2]))
    try:
        _h(ev, d)
    except Exception as e:  # as the board: printed, and the stack goes on
        print("Unhandled exception in IRQ callback handler")
        sys.print_exception(e)


def _call(n, p):
    # the firmware's host calls: after its loop's wait, the BLE events that came meanwhile
    r = _c(n, p)
    if n == "recv" and _h is not None and not _busy:
        _events()
    return r


def _sleeper(f):
    def sleep(t):
        f(t)
        if _h is not None and not _busy:
            _events()
    return sleep


class UUID:
    def __init__(self, v):
        if isinstance(v, int):
            if v < 0 or v > 65535:
                raise ValueError("invalid UUID")
            b = bytes((v & 255, v >> 8))
        elif isinstance(v, str):
            h = v.replace("-", "")
            if len(h) != 32:
                raise ValueError("UUID too long" if len(h) > 32 else "UUID too short")
            b = bytes(reversed(bytes.fromhex(h)))  # stored little-endian, as the board's
        else:
            b = bytes(v)
            if len(b) not in (2, 4, 16):
                raise ValueError("invalid UUID")
        self._b = b

    def __eq__(self, o):
        return isinstance(o, UUID) and o._b == self._b

    def __hash__(self):
        return hash(self._b)

    def __iter__(self):  # bytes(uuid): its little-endian bytes, as the board's buffer
        return iter(self._b)

    def __len__(self):
        return len(self._b)

    def __repr__(self):
        h = bytes(reversed(self._b)).hex()
        if len(h) < 32:
            return "UUID(0x" + h + ")"
        return "UUID('%s-%s-%s-%s-%s')" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


class BLE:
    # one radio: every BLE() is the same state, as the board's singleton

    def active(self, *a):
        if a:
            return _q("a1" if a[0] else "a0") == "1"
        return _q("a") == "1"

    def config(self, *a, **k):
        if a and k:
            raise TypeError("can't specify pos and kw args")
        if a:
            if len(a) != 1:
                raise TypeError("must query one param")
            r = _q("c" + a[0])
            if a[0] == "mac":
                return (int(r[0]), bytes.fromhex(r[2:]))
            return _b(r) if a[0] == "gap_name" else int(r)
        for n in k:
            v = k[n]
            if n == "gap_name":
                _q(b"Cg" + (v.encode() if isinstance(v, str) else bytes(v)))
            else:
                _q("C%s=%d" % (n, v))

    def irq(self, handler):
        global _h
        if handler is not None and not callable(handler):
            raise ValueError("invalid handler")
        _h = handler
        _q("i0" if handler is None else "i1")  # the host keeps events only for a handler

    def gap_advertise(self, interval_us, adv_data=None, *, resp_data=None, connectable=True):
        if interval_us is None:
            _q("v-")
            return
        a = b"" if adv_data is None else bytes(adv_data)
        r = b"" if resp_data is None else bytes(resp_data)
        _q(b"v%d %d %d %d " % (interval_us, 1 if connectable else 0,
                               -1 if adv_data is None else len(a),
                               -1 if resp_data is None else len(r)) + a + r)

    def gatts_register_services(self, services):
        s = ""
        for sv in services:
            if not isinstance(sv[0], UUID):
                raise ValueError("invalid service UUID")
            s += "S" + sv[0]._b.hex() + "\n"
            for ch in sv[1]:
                if len(ch) < 2 or len(ch) > 3:
                    raise ValueError("invalid characteristic tuple")
                if not isinstance(ch[0], UUID):
                    raise ValueError("invalid characteristic UUID")
                s += "c%s %d\n" % (ch[0]._b.hex(), ch[1])
                for ds in (ch[2] if len(ch) > 2 else ()):
                    if not isinstance(ds[0], UUID):
                        raise ValueError("invalid descriptor UUID")
                    s += "d%s %d\n" % (ds[0]._b.hex(), ds[1])
        r = _q("r" + s)
        return tuple(tuple(int(h) for h in sv.split()) for sv in r.split(";")) if r else ()

    def gatts_read(self, handle):
        r = _q("R%d" % handle)
        d = r[1:]
        while r[0] == "S":  # more than one reply holds
            r = _q("R+")
            d += r[1:]
        return _b(d)

    def gatts_write(self, handle, data, send_update=False):
        d = bytes(data)
        _q(b"w%d %d " % (handle, 1 if send_update else 0) + d)
        return len(d)

    def gatts_notify(self, conn, handle, data=None):
        if data is None:
            _q("n%d %d" % (conn, handle))
        else:
            _q(b"n%d %d " % (conn, handle) + bytes(data))

    def gatts_set_buffer(self, handle, n, append=False):
        _q("b%d %d %d" % (handle, n, 1 if append else 0))

    def gap_disconnect(self, conn):
        return _q("x%d" % conn) == "1"


# every later `import host` (the HAL's) and `import time` gets a stand-in: its waits deliver
# events
sys.modules["host"] = type("host", (), {"call": _call})
_t = {}
for _n in dir(time):
    if _n[0] != "_":
        _t[_n] = getattr(time, _n)
for _n in ("sleep", "sleep_ms", "sleep_us"):
    _t[_n] = _sleeper(_t[_n])
sys.modules["time"] = type("time", (), _t)
del _t, _n
sys.modules["bluetooth"] = sys.modules.pop("ble_mp")
