# Board HAL: a generic two-wheel ESP32 robot. Every pin comes from the kit profile (keys in
# firmware/kits/README.md; the example is kits/esp32_2wd.kit); the contract is
# firmware/HAL.md. Motors: an H-bridge driven with two PWM pins per motor (IN1/IN2, as on a
# DRV8833, L9110S, MX1508 or TB6612 with PWM tied high): PWM on the first pin drives
# forward, on the second backward, both low lets the wheel coast.
# The host talks over the USB REPL: sys.stdin.buffer polled with select, so Ctrl-C still
# reaches the REPL (keyboard interrupt is left on).
from micropython import const
from time import ticks_ms, ticks_diff, ticks_add, sleep_us
import select
import sys
from machine import ADC, PWM, Pin, time_pulse_us
import neopixel

import dk_kit

BOARD = 2
GC_TURNS = 8  # collect every 8 loop turns: the loop barely allocates
IDLE_MS = 20  # longest sleep with nothing due: buttons are polled: a press lasts longer
FS = ""

_PING_MS = const(60)  # HC-SR04: at least 60 ms between pings (old echoes fade out)
_ECHO_US = const(12000)  # about 2 m; longer or missing echoes read as "none"
_LED_HZ = const(1000)  # LED dimming well above 60 Hz: no visible flicker

_in = sys.stdin.buffer
_out = sys.stdout.buffer
_poll = select.poll()
_poll.register(sys.stdin, select.POLLIN)
_one = bytearray(1)
_wbuf = None  # type: bytearray | None
_wmv = memoryview(_one)
_mot = []  # type: list
_np = None  # type: neopixel.NeoPixel | None
_npix = 0
_leds = []  # type: list
_buzz = None  # type: PWM | None
_tone_end = ticks_ms()
_toning = False
_btn = None  # type: Pin | None
_ldr = None  # type: ADC | None
_line = []  # type: list
_dark = 1
_trig = None  # type: Pin | None
_echo = None  # type: Pin | None
_dist = 0xFFFF
_ping = ticks_ms()


def _pwm(p, hz):
    return PWM(Pin(p), freq=hz, duty_u16=0)


def init(kit):
    global _np, _npix, _leds, _buzz, _btn, _ldr, _line, _dark, _trig, _echo, _ping
    hz = dk_kit.num(kit, "motor_hz", 1000)
    for k in ("motor_left", "motor_right"):
        v = dk_kit.nums(kit, k)
        if len(v) == 2:
            _mot.append(_pwm(v[0], hz))
            _mot.append(_pwm(v[1], hz))
    motors(0, 0)
    _npix = dk_kit.num(kit, "pixels")
    p = dk_kit.num(kit, "pixel_pin", -1)
    if _npix and p >= 0:
        _np = neopixel.NeoPixel(Pin(p, Pin.OUT), _npix)
        _np.fill((0, 0, 0))
        _np.write()
    else:
        _npix = 0
    _leds = [_pwm(p, _LED_HZ) for p in dk_kit.nums(kit, "led_pins")]
    p = dk_kit.num(kit, "buzzer", -1)
    if p >= 0:
        _buzz = _pwm(p, 440)
    p = dk_kit.num(kit, "button", -1)
    if p >= 0:
        _btn = Pin(p, Pin.IN, Pin.PULL_UP)
    p = dk_kit.num(kit, "ldr", -1)
    if p >= 0:
        _ldr = ADC(Pin(p))
        _ldr.atten(ADC.ATTN_11DB)
    _line = [Pin(p, Pin.IN) for p in dk_kit.nums(kit, "line_pins")]
    _dark = dk_kit.num(kit, "line_dark", 1)
    v = dk_kit.nums(kit, "sonar")
    if len(v) == 2:
        _trig = Pin(v[0], Pin.OUT, value=0)
        _echo = Pin(v[1], Pin.IN)
    _ping = ticks_add(ticks_ms(), -_PING_MS)


def ticks():
    return ticks_ms()


def _ready(ms):
    for _ in _poll.ipoll(ms):
        return True
    return False


def recv(buf, wait_ms):
    global _toning
    if _toning and ticks_diff(ticks_ms(), _tone_end) >= 0:
        _toning = False
        if _buzz:
            _buzz.duty_u16(0)
    n = 0
    if _ready(wait_ms):
        while n < len(buf):
            if not _in.readinto(_one):
                break
            buf[n] = _one[0]
            n += 1
            if not _ready(0):
                break
    return n


def write(buf, n):
    global _wbuf, _wmv
    if buf is not _wbuf:
        _wbuf = buf
        _wmv = memoryview(buf)
    _out.write(_wmv[:n])


def _wheel(a, b, v):
    d = (v if v >= 0 else -v) * 65535 // 100
    a.duty_u16(d if v > 0 else 0)
    b.duty_u16(d if v < 0 else 0)


def motors(left, right):
    m = _mot
    if len(m) == 4:
        _wheel(m[0], m[1], left)
        _wheel(m[2], m[3], right)


def light(i, r, g, b):
    np = _np
    if i < _npix and np:
        np[i] = (r, g, b)
        return
    i -= _npix
    if i < len(_leds):
        _leds[i].duty_u16(max(r, g, b) * 257)


def show():
    if _np:
        _np.write()


def image(bits, level):
    pass  # no display on this kit


def text(s):
    pass


def tone(freq, ms, volume):
    global _tone_end, _toning
    bz = _buzz
    if not bz:
        return
    if freq <= 0 or ms <= 0 or volume <= 0:
        bz.duty_u16(0)
        _toning = False
        return
    bz.freq(freq)
    bz.duty_u16(volume * 128)  # 255 gives a 50 % square wave, the loudest
    _tone_end = ticks_add(ticks_ms(), ms)
    _toning = True


def _distance():
    global _dist, _ping
    t = _trig
    e = _echo
    if not (t and e):
        return 0xFFFF
    now = ticks_ms()
    if ticks_diff(now, _ping) >= _PING_MS:
        _ping = now
        t.value(1)
        sleep_us(10)
        t.value(0)
        try:
            us = time_pulse_us(e, 1, _ECHO_US)
        except OSError:  # older drivers raise ETIMEDOUT instead of returning -1/-2
            us = -1
        _dist = us * 10 // 59 if us > 0 else 0xFFFF
    return _dist


def _lines():
    if len(_line) != 2:
        return 0xFF
    d = _dark
    return (_line[0].value() == d) | (_line[1].value() == d) << 1


def sample(s, mask):
    d = _distance() if mask & 1 else 0xFFFF
    s[0] = d >> 8
    s[1] = d & 255
    s[2] = _lines() if mask & 2 else 0xFF
    s[3] = min(_ldr.read_u16() >> 8, 254) if _ldr and mask & 4 else 0xFF
    s[4] = buttons() if mask & 8 else 0
    s[5] = s[6] = 0x80  # no accelerometer


def buttons():
    return 1 if _btn and not _btn.value() else 0
