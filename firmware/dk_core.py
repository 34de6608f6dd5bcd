# The robot's main loop: read frames, dispatch commands, push events, keep the fail-safe.
# Board differences live in the HAL module passed to run(); see firmware/HAL.md.
import gc
from micropython import const
from time import ticks_diff, ticks_add

import dk_kit
import dk_proto as P
from dk_guard import Guard, SOUND, FLAGS, VOLUME
from dk_vocab import STATES, WAITING, RUNNING, MOVING_SOON, FINISHED, NOT_YET, TIME_UP

FW = P.FW

# commands (host -> robot)
_HELLO = const(0x01)
_LAST_CMD = const(0x0D)
# events and replies (robot -> host)
_INFO = const(0x40)
_ACK = const(0x41)
_NAK = const(0x42)
_IDENT = const(0x43)
_SAMPLE = const(0x44)
_BUTTON = const(0x45)
_BEAT = const(0x46)
# refusal reasons
_R_UNKNOWN = const(1)
_R_ARGS = const(2)
_R_NOTHERE = const(3)
_R_VERSION = const(4)
# capability bits (dk_kit.CAPS order)
_C_MOTORS = const(1)
_C_DISPLAY = const(8)
_C_TONE = const(16)

_NOPAUSE = const(254)  # Core.back outside an announce pause (255: no state shown yet)
_FAILSAFE_MS = const(500)
_BEAT_MS = const(1000)
_STEP_MS = const(10)
# identity colours, indexed by the colour number a mentor gives a kit (never red)
COLOURS = ((0, 80, 255), (0, 200, 60), (255, 200, 0), (255, 110, 0), (150, 0, 255),
           (255, 60, 160), (0, 200, 200), (200, 200, 200))


def _s8(b):
    return b - 256 if b > 127 else b


class Core:
    def __init__(self, hal, kit):
        self.hal = hal
        self.kit_id = dk_kit.num(kit, "id")
        self.caps = dk_kit.caps(kit)
        self.nl = dk_kit.num(kit, "pixels") + dk_kit.num(kit, "leds")
        hal.init(kit)
        self.guard = Guard(hal, self.nl)
        self.dec = P.Decoder()
        self.rx = bytearray(32)
        self.pay = bytearray(P.MAXPAY)
        self.sample = bytearray(7)
        self.ident = bytearray(P.MAXPAY)
        self.nident = 2
        self.evseq = 0
        self.failsafe = _FAILSAFE_MS
        self.linked = False
        self.last_rx = 0
        self.drive_until = 0
        self.driving_timed = False
        self.sub_mask = 0
        self.sub_period = 0
        self.next_sample = 0
        self.next_beat = 0
        self.btn = 0
        self.state = 255
        self.own = 0  # what the program has set itself: 1 the lights, 2 the display
        self.back = _NOPAUSE  # in the announce pause: the state it returns to
        self.now = 0
        self.wait = _STEP_MS
        self._load_name()

    # -- identity -------------------------------------------------------------------
    def _load_name(self):
        try:
            with open(self.hal.FS + "name.txt") as f:
                w = f.read().split()
            self.ident[0] = int(w[0]) & 7
            self.ident[1] = int(w[1]) & 255
            nm = w[2].encode()[:7] if len(w) > 2 else b""
        except (OSError, ValueError, IndexError):
            self.ident[0] = 0
            self.ident[1] = 0
            nm = b"robot"
        for i in range(len(nm)):
            self.ident[2 + i] = nm[i]
        self.nident = 2 + len(nm)

    def show_identity(self):
        c = COLOURS[self.ident[0]]
        for i in range(self.nl):
            self.guard.light(i, c[0], c[1], c[2])
        if self.caps & _C_DISPLAY:
            try:
                nm = bytes(self.ident[2:self.nident]).decode()
            except UnicodeError:  # a name cut inside a character: show the number only
                nm = ""
            self.hal.text(str(self.ident[1]) + " " + nm)

    def show_state(self, st):
        # a state the program runs in gives way to what the program has set itself; any
        # other state (a run's end, a lost link) takes the lights and the display back
        if st != RUNNING and st != MOVING_SOON:
            self.own = 0
        self.state = st
        row = STATES[st]
        if not self.own & 1:
            c = row[1]
            for i in range(self.nl):
                self.guard.light(i, c[0], c[1], c[2])
        if self.caps & _C_DISPLAY and not self.own & 2:
            self.hal.image(row[2], 5)

    def announce(self, now):
        # the profile's pause before the wheels turn shows as its own state, and the robot
        # says so at once (a BEAT with flag bit 2, value 4): robot, trace and screen agree on it
        b = self.back
        if self.guard.held(now) != (b != _NOPAUSE):
            if b == _NOPAUSE:
                self.back = self.state
                self.show_state(MOVING_SOON)
            else:
                self.back = _NOPAUSE
                self.show_state(RUNNING if b == 255 else b)
            self.beat(4)

    def beat(self, notice):
        p = self.pay
        p[0] = self.state
        p[1] = (1 if self.guard.moving() else 0) | (2 if self.linked else 0) | notice
        bad = self.dec.bad
        p[2] = (bad >> 8) & 255
        p[3] = bad & 255
        self.event(_BEAT, p, 4)

    # -- output ---------------------------------------------------------------------
    def send(self, kind, seq, pay, n):
        self.hal.write(P.out, P.encode(kind, seq, pay, n))

    def event(self, kind, pay, n):
        self.evseq = (self.evseq + 1) & 255
        self.send(kind, self.evseq, pay, n)

    def send_sample(self, seq, ev):
        self.hal.sample(self.sample, self.sub_mask or 0xFF)
        if ev:
            self.event(_SAMPLE, self.sample, 7)
        else:
            self.send(_SAMPLE, seq, self.sample, 7)

    # -- commands: each returns 0 (acknowledge) or a refusal reason -----------------------
    def c_hello(self, seq, a, n, now):
        if n < 1:
            return _R_ARGS
        p = self.pay
        p[0] = P.PROTO
        p[1], p[2], p[3] = FW
        p[4] = self.hal.BOARD
        p[5] = self.kit_id
        p[6] = self.caps >> 8
        p[7] = self.caps & 255
        self.send(_INFO, seq, p, 8)
        self.send(_IDENT, seq, self.ident, self.nident)
        return _R_VERSION if a[2] != P.PROTO else 0

    def c_unknown(self, seq, a, n, now):
        return _R_UNKNOWN

    def c_beat(self, seq, a, n, now):
        return 0

    def c_drive(self, seq, a, n, now):
        if not self.caps & _C_MOTORS:
            return _R_NOTHERE
        if n != 2 and n != 4:
            return _R_ARGS
        g = self.guard
        g.drive(_s8(a[2]), _s8(a[3]), now)
        ms = (a[4] << 8 | a[5]) if n == 4 else 0
        self.driving_timed = ms > 0
        # a timed drive keeps its full time: it counts from when the wheels start, after
        # the announce pause, not from the command
        t = now
        if g.held(now):
            t = g.go_at
        self.drive_until = ticks_add(t, ms)
        self.announce(now)
        return 0

    def c_stop(self, seq, a, n, now):
        self.guard.drive(0, 0, now)
        self.driving_timed = False
        self.announce(now)
        return 0

    def c_light(self, seq, a, n, now):
        if n != 4:
            return _R_ARGS
        i = a[2]
        if i == 255:
            for k in range(self.nl):
                self.guard.light(k, a[3], a[4], a[5])
        elif i < self.nl:
            self.guard.light(i, a[3], a[4], a[5])
        else:
            return _R_NOTHERE
        self.own |= 1
        return 0

    def c_display(self, seq, a, n, now):
        if not self.caps & _C_DISPLAY:
            return _R_NOTHERE
        if n < 1:
            return _R_ARGS
        mode = a[2]
        if mode == 0:
            self.hal.image(0, 0)
        elif mode == 1 and n == 6:
            lvl = a[7] if 0 < a[7] < 10 else 9
            self.hal.image((a[3] << 24 | a[4] << 16 | a[5] << 8 | a[6]) & 0x1FFFFFF, lvl)
        elif mode == 2 and n > 1:
            try:
                self.hal.text(bytes(a[3:2 + n]).decode())
            except UnicodeError:
                return _R_ARGS
        else:
            return _R_ARGS
        self.own |= 2
        return 0

    def c_tone(self, seq, a, n, now):
        if not self.caps & _C_TONE:
            return _R_NOTHERE
        if n != 4:
            return _R_ARGS
        pr = self.guard.prof
        if pr[FLAGS] & SOUND:  # a profile without sound keeps the robot quiet
            self.hal.tone(a[2] << 8 | a[3], a[4] << 8 | a[5], pr[VOLUME])
        return 0

    def c_profile(self, seq, a, n, now):
        if n != 6:
            return _R_ARGS
        self.guard.profile(a[2:8])
        return 0

    def c_subscribe(self, seq, a, n, now):
        if n != 4:
            return _R_ARGS
        self.sub_mask = a[2] << 8 | a[3]
        per = a[4] << 8 | a[5]
        self.sub_period = max(per, 20) if per else 0
        self.next_sample = now
        return 0

    def c_name(self, seq, a, n, now):
        if n < 3 or a[2] > 7:
            return _R_ARGS
        try:
            nm = bytes(a[4:2 + n]).decode()
        except UnicodeError:
            return _R_ARGS
        if " " in nm:
            return _R_ARGS
        with open(self.hal.FS + "name.txt", "w") as f:
            f.write("%d %d %s" % (a[2], a[3], nm))
        self._load_name()
        self.show_identity()
        return 0

    def c_config(self, seq, a, n, now):
        if n != 3 or a[2] != 1:
            return _R_ARGS
        self.failsafe = max(100, min(10000, a[3] << 8 | a[4]))
        return 0

    def c_read(self, seq, a, n, now):
        self.send_sample(seq, False)
        return 0

    def c_state(self, seq, a, n, now):
        if n != 1 or a[2] >= len(STATES):
            return _R_ARGS
        self.back = _NOPAUSE  # the host's state replaces a pause's
        self.show_state(a[2])
        return 0

    # the command handlers by kind (0 is never a command): plain functions in the class,
    # not bound methods made for each robot (RAM)
    handlers = (c_unknown, c_hello, c_beat, c_drive, c_stop, c_light, c_display, c_tone,
                c_profile, c_subscribe, c_name, c_config, c_read, c_state)

    # -- the loop -------------------------------------------------------------------
    def handle(self, m, now):
        a = self.dec.raw
        kind = a[0]
        seq = a[1]
        self.last_rx = now
        self.linked = True
        if 0 < kind <= _LAST_CMD:
            r = self.handlers[kind](self, seq, a, m - 4, now)
        else:
            r = _R_UNKNOWN
        if r:
            self.pay[0] = r
            self.send(_NAK, seq, self.pay, 1)
        else:
            self.send(_ACK, seq, self.pay, 0)

    def tick(self, now):
        g = self.guard
        if self.linked and ticks_diff(now, self.last_rx) >= self.failsafe - _STEP_MS:
            # the host has gone quiet: stop now and show one steady "waiting" state (the
            # check trips one loop step early, so the stop is never later than `failsafe`)
            self.linked = False
            self.driving_timed = False
            self.back = _NOPAUSE
            g.stop_now()
            # how the last program ended stays shown after its host has gone (a child
            # looks at the robot, not the screen); anything else becomes "waiting"
            st = self.state
            if st != FINISHED and st != NOT_YET and st != TIME_UP:
                self.show_state(WAITING)
        if self.driving_timed and ticks_diff(now, self.drive_until) >= 0:
            self.driving_timed = False
            g.drive(0, 0, now)
        if self.back != _NOPAUSE:
            self.announce(now)
        b = self.hal.buttons()
        if b != self.btn:
            ch = b ^ self.btn
            self.btn = b
            p = self.pay
            for i in range(2):
                if ch & (1 << i):
                    p[0] = i
                    p[1] = (b >> i) & 1
                    self.event(_BUTTON, p, 2)
        if self.sub_period and ticks_diff(now, self.next_sample) >= 0:
            self.next_sample = ticks_add(now, self.sub_period)
            self.send_sample(0, True)
        if ticks_diff(now, self.next_beat) >= 0:
            self.next_beat = ticks_add(now, _BEAT_MS)
            self.beat(0)
        g.step(now)

    def start(self):
        self.show_identity()
        self.now = self.hal.ticks()
        self.next_beat = self.now
        self.wait = _STEP_MS

    def turn(self):
        # one loop turn: wait for bytes (at most `wait` ms), handle every frame, keep time
        dec = self.dec
        rx = self.rx
        n = self.hal.recv(rx, self.wait)
        now = self.now = self.hal.ticks()
        # the clock's work first, the host's frames last: a reply is the turn's last act,
        # so the loop is straight back in recv for the host's next frame
        self.tick(now)
        dec.pos = 0
        m = dec.scan(rx, n)
        while m:
            self.handle(m, now)
            m = dec.scan(rx, n)
        # sleep until the next thing is due (recv still wakes at once for bytes): a fade or
        # ramp step, a sample, a heartbeat, the end of a timed drive, and the fail-safe, so
        # a lost link stops the motors by `failsafe` ms after the last frame at the latest
        w = _STEP_MS if self.guard.busy() else self.hal.IDLE_MS
        if self.sub_period:
            w = min(w, ticks_diff(self.next_sample, now))
        w = min(w, ticks_diff(self.next_beat, now))
        if self.driving_timed:
            w = min(w, ticks_diff(self.drive_until, now))
        if self.linked:
            w = min(w, self.failsafe - _STEP_MS - ticks_diff(now, self.last_rx))
        self.wait = max(0, w)


core = None


def _build(hal):
    # its own frame: once it returns, no stale slot keeps the parsed profile alive
    kit = dk_kit.load(hal.FS + "kit.txt")
    gc.collect()  # reading the profile leaves more garbage than the core will ever hold
    return Core(hal, kit)


def run(hal):
    # `core` is a global: a root every port's garbage collector sees. The loop lives in this
    # small function so that its frame stays on the C stack, and collects only between turns
    # (main.py turned automatic collection off): every GC_TURNS turns, as the HAL says.
    global core
    core = _build(hal)
    gc.collect()
    core.start()
    k = hal.GC_TURNS
    t = 0
    while True:
        core.turn()
        t += 1
        if t >= k:
            gc.collect()
            t = 0
