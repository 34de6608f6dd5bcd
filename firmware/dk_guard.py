# Sensory guard: every light and motor output passes here, whatever the program asks.
# Lights: brightness cap, a minimum hold between changes (so no more than 3 flashes in any
# second; stricter profiles hold longer), fades, and a long hold for saturated red.
# Motors: speed cap (a ceiling, not a scale), acceleration ramp, optional pause before
# moving from standstill (announce); a timed drive counts its time from the end of that pause.
from micropython import const
from time import ticks_add, ticks_diff

_MIN_HOLD = const(170)  # ms between light changes: 6 changes (3 flashes) need > 1000 ms
_RED_HOLD = const(2000)  # ms: a change to or from saturated red never repeats faster
_ANNOUNCE_MS = const(600)

# profile fields, in the order of the PROFILE command's payload
_CAP = const(0)  # brightness cap 0-255
_HOLD = const(1)  # minimum time between light changes, in 10 ms
_FADE = const(2)  # fade time, in 10 ms
_MOTOR = const(3)  # motor speed cap, percent
FLAGS = const(4)  # bit 0 sound on, bit 1 announce before moving
VOLUME = const(5)  # 0-255
SOUND = const(1)
_ANNOUNCE = const(2)

CALM = (120, 100, 30, 60, _ANNOUNCE, 0)  # the default until a host says otherwise


def _red(c, i):
    # saturated red: R / (R + G + B) >= 0.8 (WCAG's red flash rule)
    r = c[i]
    return r and r * 5 >= (r + c[i + 1] + c[i + 2]) * 4


class Guard:
    def __init__(self, hal, nlights):
        self.hal = hal
        self.n = nlights
        k = nlights * 3
        self.want = bytearray(k)  # latest request, already capped
        self.shown = bytearray(k)  # what the light shows now
        self.frm = bytearray(k)  # fade start colour
        self.to = bytearray(k)  # fade end colour
        self.t0 = [0] * nlights  # when the current change started
        self.fading = bytearray(nlights)
        self.changed = bytearray(nlights)  # 1 once a light has changed at least once
        self.prof = bytearray(CALM)
        self.ml = 0  # motors: wanted and shown speeds, -100..100
        self.mr = 0
        self.sl = 0
        self.sr = 0
        self.tm = 0  # last motor step time
        self.go_at = 0  # announce: motors wait until this time
        self.waiting = False
        self.pending = False  # some light wants a change, is held or is fading

    def profile(self, p):
        # a profile can only be as strict as the firmware's own floor or stricter
        for i in range(6):
            self.prof[i] = p[i]
        # A change is seen anywhere within its fade, so seven changes may not fit in one
        # second plus one fade: hold > (1000 + fade) / 6, and never under _MIN_HOLD.
        least = max(_MIN_HOLD, (1000 + self.prof[_FADE] * 10) // 6 + 1)
        if self.prof[_HOLD] * 10 < least:
            self.prof[_HOLD] = (least + 9) // 10
        if self.prof[_MOTOR] > 100:
            self.prof[_MOTOR] = 100
        for i in range(self.n):
            self.light(i, self.want[i * 3], self.want[i * 3 + 1], self.want[i * 3 + 2])

    def light(self, i, r, g, b):
        m = max(r, g, b)
        cap = self.prof[_CAP]
        if m > cap:
            r = r * cap // m
            g = g * cap // m
            b = b * cap // m
        j = i * 3
        w = self.want
        w[j] = r
        w[j + 1] = g
        w[j + 2] = b
        self.pending = True

    def drive(self, left, right, now):
        # The cap is a ceiling, not a scale: a speed under it is driven as asked. When the
        # faster wheel is over it, both wheels slow by the same ratio, so a curve keeps its
        # shape (100/50 under 60 drives 60/30) and a straight line stays straight.
        left = max(-100, min(100, left))
        right = max(-100, min(100, right))
        cap = self.prof[_MOTOR]
        m = max(left, -left, right, -right)
        if m > cap:  # v * cap / m, rounded toward zero: backwards as fast as forwards
            left = (left * cap + (m - 1 if left < 0 else 0)) // m
            right = (right * cap + (m - 1 if right < 0 else 0)) // m
        if (left or right) and not (self.sl or self.sr or self.ml or self.mr):
            if self.prof[FLAGS] & _ANNOUNCE:
                self.go_at = ticks_add(now, _ANNOUNCE_MS)
            else:
                self.go_at = now
        self.ml = left
        self.mr = right

    def stop_now(self):
        # stopping is never ramped: it is the safe direction
        self.ml = self.mr = self.sl = self.sr = 0
        self.hal.motors(0, 0)

    def _hold(self, j):
        h = self.prof[_HOLD] * 10
        if _red(self.to, j) or _red(self.want, j):
            return max(h, _RED_HOLD)
        return h

    def step(self, now):
        if self.pending:
            self.pending = self._lights(now)
        self._motors(now)

    def _lights(self, now):
        # returns True while some light still has work to do (a fade, a held change)
        hal = self.hal
        out = False
        busy = False
        w = self.want
        s = self.shown
        fade = self.prof[_FADE] * 10
        for i in range(self.n):
            j = i * 3
            if self.fading[i]:
                busy = True
                dt = ticks_diff(now, self.t0[i])
                if dt >= fade:
                    self.fading[i] = 0
                    s[j] = self.to[j]
                    s[j + 1] = self.to[j + 1]
                    s[j + 2] = self.to[j + 2]
                else:
                    for k in range(j, j + 3):
                        s[k] = self.frm[k] + (self.to[k] - self.frm[k]) * dt // fade
                hal.light(i, s[j], s[j + 1], s[j + 2])
                out = True
            elif w[j] != self.to[j] or w[j + 1] != self.to[j + 1] or w[j + 2] != self.to[j + 2]:
                busy = True
                if self.changed[i] and ticks_diff(now, self.t0[i]) < self._hold(j):
                    continue
                self.changed[i] = 1
                self.t0[i] = now
                for k in range(j, j + 3):
                    self.frm[k] = s[k]
                    self.to[k] = w[k]
                if fade:
                    self.fading[i] = 1
                else:
                    s[j] = w[j]
                    s[j + 1] = w[j + 1]
                    s[j + 2] = w[j + 2]
                    hal.light(i, s[j], s[j + 1], s[j + 2])
                    out = True
        if out:
            hal.show()
        return busy

    def _motors(self, now):
        ml = self.ml
        mr = self.mr
        if not (ml or mr or self.sl or self.sr):  # standing still and asked to: nothing to do
            self.tm = now
            return
        if ml or mr:
            if ticks_diff(now, self.go_at) < 0:
                ml = mr = 0
            elif ticks_diff(self.tm, self.go_at) < 0:
                # the ramp starts when the pause ends, as it does from a command: a timed
                # drive then moves the same under every profile
                self.tm = self.go_at
        dt = ticks_diff(now, self.tm)
        self.tm = now
        # full speed is reached in 250 ms; slowing down and stopping are immediate
        a = dt * 100 // 250 if dt > 0 else 0
        sl = _toward(self.sl, ml, a)
        sr = _toward(self.sr, mr, a)
        if sl != self.sl or sr != self.sr:
            self.sl = sl
            self.sr = sr
            self.hal.motors(sl, sr)

    def held(self, now):
        # wheels asked to turn, still in the announce pause
        return bool(self.ml or self.mr) and ticks_diff(now, self.go_at) < 0

    def moving(self):
        return bool(self.sl or self.sr or self.ml or self.mr)

    def busy(self):
        # a light still fading or held, or wheels still ramping or waiting to go
        return self.pending or self.sl != self.ml or self.sr != self.mr


def _toward(cur, want, a):
    if want == 0 or (cur > 0 and want < cur and want > 0) or (cur < 0 and want > cur and want < 0):
        return want
    if (cur > 0 and want < 0) or (cur < 0 and want > 0):
        return 0
    if want > cur:
        return min(want, cur + a)
    return max(want, cur - a)
