# dojokit robot's Bluetooth LE transport (firmware, ESP32): a Nordic UART Service peripheral
# beside USB serial. start() puts this module's recv() and write() in the HAL module's
# place, so the core does not change: frames arrive over BLE exactly as on the serial line
# (the host writes them into RX, chunked to the MTU) and replies go back the way the last
# frame came, as TX notifications chunked to the negotiated MTU.
#
# Pairing a child can do: when a host connects, the robot shows a code of three colours on
# its first three lights (steady, through the sensory guard). Until the host sends that
# code (PAIR), only HELLO and HEARTBEAT are answered (here, without touching the core's
# state) and every other command is refused with NOT_PAIRED: an unpaired host can never
# move a motor or change a light. Five wrong codes lock pairing for 30 s (LOCKED, and the
# robot shows "waiting"). Pairing lasts until a reboot, or until the paired host has been
# gone for a minute; a disconnect stops the wheels at once (the core's own fail-safe,
# tripped now) and advertising resumes. docs/security.md has the threat model.
import dk_core
import dk_proto as P
from micropython import const
from time import ticks_add, ticks_diff

_NUS = "6E400001-B5A3-F393-E0A9-E50E24DCCA9E"
_RX = "6E400002-B5A3-F393-E0A9-E50E24DCCA9E"  # the host writes frames here
_TX = "6E400003-B5A3-F393-E0A9-E50E24DCCA9E"  # the robot notifies frames here
_NUS_LE = b"\x9e\xca\xdc\x24\x0e\xe5\xa9\xe0\x93\xf3\xa3\xb5\x01\x00\x40\x6e"  # as in AD
_IRQ_CONNECT = const(1)
_IRQ_DISCONNECT = const(2)
_IRQ_WRITE = const(3)
_IRQ_MTU = const(21)
_HELLO = const(0x01)
_HEARTBEAT = const(0x02)
_PAIR = const(0x0F)
_ACK = const(0x41)
_NAK = const(0x42)
_R_NOT_PAIRED = const(5)
_R_WRONG_CODE = const(6)
_R_LOCKED = const(7)
_TRIES = const(5)
_LOCK_MS = const(30000)
_KEEP_MS = const(60000)  # a paired host that comes back within this stays paired
_RXBUF = const(256)
_POLL_MS = const(20)  # BLE writes cannot wake the serial wait: look at least this often
_WAITING = const(4)  # dk_vocab.WAITING

_b = {}  # type: dict
# conn (-1: none), mtu, paired, gone_at, wrong, locked_until, locked, via (1: the last
# frame came over BLE; 2: answering an unpaired host's HELLO)
_st = [0] * 8
_CONN = const(0)
_MTU = const(1)
_PAIRED = const(2)
_GONE = const(3)
_WRONG = const(4)
_UNTIL = const(5)
_LOCKED = const(6)
_VIA = const(7)
_ev = [0, 0, 0]  # from the IRQ: connected (handle + 1), disconnected, written
_addr = bytearray(6)  # the paired host's address
_new = bytearray(6)  # the connecting host's
_code = bytearray(3)
_dec = P.Decoder()
_pay = bytearray(P.MAXPAY)


def _irq(event, data):
    # runs scheduled between bytecodes: note what happened, the loop turn does the rest
    if event == _IRQ_CONNECT:
        _ev[0] = data[0] + 1
        a = data[2]
        for i in range(6):
            _new[i] = a[i]
    elif event == _IRQ_DISCONNECT:
        _ev[1] = 1
    elif event == _IRQ_WRITE:
        _ev[2] = 1
    elif event == _IRQ_MTU:
        _st[_MTU] = data[1]


def recv(buf, wait_ms):
    n = _b["recv"](buf, _POLL_MS if wait_ms > _POLL_MS else wait_ms)
    if n:
        _st[_VIA] = 0
    now = _b["ticks"]()
    if _ev[1]:
        _ev[1] = 0
        _gone(now)
    if _ev[0]:
        h = _ev[0] - 1
        _ev[0] = 0
        _came(h, now)
    if _st[_LOCKED] and ticks_diff(now, _st[_UNTIL]) >= 0:
        _st[_LOCKED] = 0
        if _st[_CONN] >= 0 and not _st[_PAIRED]:
            _show_code()
    if _st[_CONN] < 0:
        return n
    data = _b["rest"]  # what did not fit into the last turn's buffer goes first
    if _ev[2]:
        _ev[2] = 0
        data += _b["ble"].gatts_read(_b["rx"])
    if not data:
        return n
    _b["rest"] = b""
    d = _dec
    d.pos = 0
    m = d.scan(data, len(data))
    while m:
        raw = d.raw
        kind = raw[0]
        if kind == _PAIR:
            _pair(raw[1], m, now)
        elif _st[_PAIRED]:
            for i in range(m - 4):
                _pay[i] = raw[2 + i]
            j = P.encode(kind, raw[1], _pay, m - 4)
            if n + j > len(buf):  # the turn's buffer is full: this frame and the rest wait
                _b["rest"] = bytes(P.out[:j]) + data[d.pos:]
                return n
            for i in range(j):
                buf[n + i] = P.out[i]
            n += j
            _st[_VIA] = 1
        elif kind == _HELLO:  # who the robot is, answered by the core, its state untouched
            _st[_VIA] = 2  # the core's INFO and IDENT go to the unpaired host, nothing else
            r = _core().c_hello(raw[1], raw, m - 4, now)
            _st[_VIA] = 0
            _reply(raw[1], r, 0)
        elif kind == _HEARTBEAT:
            _reply(raw[1], 0, 0)
        else:
            _reply(raw[1], _R_NOT_PAIRED, 0)
        m = d.scan(data, len(data))
    return n


def _pair(seq, m, now):
    if _st[_LOCKED]:
        left = ticks_diff(_st[_UNTIL], now) // 1000 + 1
        _reply(seq, _R_LOCKED, left)
        return
    if m == 4:  # no code: "am I still paired?" (a host back within a minute needs none)
        _reply(seq, 0 if _st[_PAIRED] else _R_NOT_PAIRED, 0)
        return
    raw = _dec.raw
    if m == 7 and raw[2] == _code[0] and raw[3] == _code[1] and raw[4] == _code[2]:
        _st[_PAIRED] = 1
        _st[_WRONG] = 0
        for i in range(6):
            _addr[i] = _new[i]
        _reply(seq, 0, 0)
        _restore()
        return
    _st[_WRONG] += 1
    if _st[_WRONG] >= _TRIES:
        _st[_WRONG] = 0
        _st[_LOCKED] = 1
        _st[_UNTIL] = ticks_add(now, _LOCK_MS)
        _reply(seq, _R_LOCKED, _LOCK_MS // 1000)
        _core().show_state(_WAITING)
        return
    _reply(seq, _R_WRONG_CODE, _TRIES - _st[_WRONG])


def _reply(seq, reason, extra):
    # ACK, or NAK reason [extra]: this transport's own answers, always over BLE
    if reason:
        _pay[0] = reason
        _pay[1] = extra
        j = P.encode(_NAK, seq, _pay, 2 if extra else 1)
    else:
        j = P.encode(_ACK, seq, _pay, 0)
    _notify(P.out, j)


def _came(h, now):
    _st[_CONN] = h
    _st[_MTU] = 23
    same = True
    for i in range(6):
        if _new[i] != _addr[i]:
            same = False
    if not (_st[_PAIRED] and same and ticks_diff(now, _st[_GONE]) < _KEEP_MS):
        _st[_PAIRED] = 0
        c = _random3()
        for i in range(3):
            _code[i] = c[i] & 7
        if not _st[_LOCKED]:
            _show_code()


def _gone(now):
    _st[_CONN] = -1
    _b["rest"] = b""
    _st[_VIA] = 0
    _st[_GONE] = now
    core = _core()
    if core.linked:  # the core's own fail-safe, now: stop the wheels, show "waiting"
        core.last_rx = ticks_add(now, -core.failsafe)
    elif not _st[_PAIRED]:
        _restore()  # take the code off the lights
    _advertise()


def _show_code():
    core = _core()
    g = core.guard
    for i in range(core.nl):
        c = dk_core.COLOURS[_code[i]] if i < 3 else (0, 0, 0)
        g.light(i, c[0], c[1], c[2])


def _restore():
    core = _core()
    if core.state == 255:
        core.show_identity()
    else:
        core.show_state(core.state)


def _core():
    # the robot's core, built by dk_core.run before the first loop turn (frames and events
    # are only handled in turns)
    return dk_core.core


def _random3():
    # the ESP32's hardware random numbers; the simulator's WASI has none (neither urandom
    # nor a seeded `random`): a code from the clock is good enough there
    try:
        from os import urandom

        return urandom(3)
    except (ImportError, AttributeError, OSError):
        from time import ticks_us

        t = ticks_diff(ticks_us(), 0)  # a plain int
        return bytes((t & 7, t >> 3 & 7, t >> 6 & 7))


def write(buf, n):
    # the way the last frame came; an unpaired host hears only its HELLO's answer (_VIA 2)
    if _st[_VIA] and _st[_CONN] >= 0 and (_st[_PAIRED] or _st[_VIA] == 2):
        _notify(buf, n)
    else:
        _b["write"](buf, n)


def _notify(buf, n):
    ble = _b["ble"]
    step = _st[_MTU] - 3
    for i in range(0, n, step):
        ble.gatts_notify(_st[_CONN], _b["tx"], buf[i:min(n, i + step)])


def _advertise():
    _b["ble"].gap_advertise(100000, adv_data=_b["adv"], resp_data=_b["resp"])


def _ad(kind, data):
    return bytes((len(data) + 1, kind)) + data


def _name(path):
    # what the robot advertises: its identity's name and number ("kiwi 5"), from name.txt
    try:
        f = open(path)
        w = f.read().split()
        f.close()
        return w[2] + " " + w[1]
    except (OSError, IndexError):
        return "robot"


def start(hal):
    # the HAL's recv and write go through BLE as well
    import bluetooth

    name = _name(hal.FS + "name.txt")
    ble = bluetooth.BLE()
    ble.active(True)
    ble.config(gap_name=name, mtu=247)
    ble.irq(_irq)
    svc = (bluetooth.UUID(_NUS), ((bluetooth.UUID(_TX), bluetooth.FLAG_NOTIFY),
                                  (bluetooth.UUID(_RX), bluetooth.FLAG_WRITE
                                   | bluetooth.FLAG_WRITE_NO_RESPONSE)))
    ((tx, rx),) = ble.gatts_register_services((svc,))
    ble.gatts_set_buffer(rx, _RXBUF, True)  # writes add up until read: frames span them
    _b["adv"] = _ad(0x01, b"\x06") + _ad(0x09, name.encode())  # flags, complete name
    _b["resp"] = _ad(0x07, _NUS_LE)  # the 128-bit service UUID, in the scan response
    _b["ble"] = ble
    _b["rx"] = rx
    _b["tx"] = tx
    _b["recv"] = hal.recv
    _b["write"] = hal.write
    _b["ticks"] = hal.ticks
    _b["rest"] = b""  # frames read that did not fit into a turn's buffer yet
    _st[_CONN] = -1
    _st[_MTU] = 23
    hal.recv = recv
    hal.write = write
    _advertise()
    return hal
