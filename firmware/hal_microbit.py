# Board HAL: a micro:bit V2 (MicroPython for micro:bit 2.x, core 1.18) on a robot kit with
# an I2C controller at 0x10 (DFRobot Maqueen Lite, Maqueen Plus V2, ELECFREAKS Cutebot).
# Kit differences come from the kit profile (keys in firmware/kits/README.md); the contract
# is firmware/HAL.md. RAM is tight: I2C and image buffers are made once, here.
# USB serial is also the REPL: Ctrl-C keeps working (keyboard interrupt is left on).
from micropython import const
from time import ticks_ms, ticks_diff, ticks_add, sleep_ms, sleep_us
from math import asin, sqrt
import machine
import microbit
from microbit import display, i2c, uart, button_a, button_b, accelerometer, Image
import music
import neopixel

import dk_kit

BOARD = 1
GC_TURNS = 8  # collect every 8 loop turns: the loop barely allocates
IDLE_MS = 20  # longest sleep with nothing due: buttons are polled: a press lasts longer
FS = ""

_DRIVERS = ("maqueen", "maqueen_plus", "cutebot")
_PLUS = const(1)
_CUTEBOT = const(2)
_PING_MS = const(60)  # HC-SR04: at least 60 ms between pings (old echoes fade out)
_ECHO_US = const(12000)  # about 2 m; longer or missing echoes read as "none"
_ON = const(32)  # an on/off LED shows "on" from this brightness (0-255)
_PWM_US = const(1000)  # LED dimming at 1 kHz: no visible flicker

_drv = 0
_addr = 0x10
_np = None  # type: neopixel.NeoPixel | None
_npix = 0
_leds = []  # type: list
_ledkind = 0  # 0: one-colour LEDs on PWM pins, 1: on/off LEDs on I2C regs, 2: RGB on I2C regs
_pwm = bytearray(0)  # per PWM LED: 1 while its pin runs in analog mode (period set)
_line = []  # type: list
_dark = 1
_lreg = -1  # line state register (maqueen_plus), else -1
_lbits = (3, 1)
_trig = None  # type: microbit.MicroBitDigitalPin | None
_echo = None  # type: microbit.MicroBitDigitalPin | None
_dist = 0xFFFF
_ping = ticks_ms()
_tilt = (1, 3)
_b1 = bytearray(1)
_b2 = bytearray(2)
_b3 = bytearray(3)
_b4 = bytearray(4)
_b5 = bytearray(5)
_img = bytearray(25)
_wbuf = None  # type: bytearray | None
_wmv = memoryview(_b1)


def _pin(n):
    return getattr(microbit, "pin%d" % n)


def _reg(r):
    # read one byte register of the controller (caller catches OSError)
    _b1[0] = r
    i2c.write(_addr, _b1)
    return i2c.read(_addr, 1)[0]


def init(kit):
    global _drv, _addr, _np, _npix, _leds, _ledkind, _line, _dark, _lreg, _lbits
    global _trig, _echo, _ping, _tilt, _pwm
    uart.init(baudrate=115200)  # with no baudrate, init() switches to 9600
    d = kit.get("driver", ("maqueen",))[0]
    _drv = _DRIVERS.index(d) if d in _DRIVERS else 0
    _addr = dk_kit.num(kit, "i2c_addr", 0x10)
    if _drv == _PLUS:
        try:
            _b2[0] = 0x49
            _b2[1] = 1
            i2c.write(_addr, _b2)
            sleep_ms(100)
            for _ in range(20):  # wait (at most 2 s) until the controller reports a version
                if _reg(0x32):
                    break
                sleep_ms(100)
        except OSError:
            pass
    motors(0, 0)  # the controller keeps its last speed across a reset
    _npix = dk_kit.num(kit, "pixels")
    if _npix:
        _np = neopixel.NeoPixel(_pin(dk_kit.num(kit, "pixel_pin", 15)), _npix)
        _np.fill((0, 0, 0))
        _np.write()
    v = dk_kit.nums(kit, "led_pins")
    if v:
        _pwm = bytearray(len(v))
        _leds = [_pin(p) for p in v]
        for p in _leds:
            p.write_digital(0)
    else:
        v = dk_kit.nums(kit, "led_regs")
        _ledkind = 1
        if not v:
            v = dk_kit.nums(kit, "rgb_regs")
            _ledkind = 2
        _leds = v
    for i in range(len(_leds)):
        light(_npix + i, 0, 0, 0)
    v = dk_kit.nums(kit, "line_reg")
    if v:
        _lreg = v[0]
        _lbits = (v[1], v[2])
    else:
        _line = [_pin(p) for p in dk_kit.nums(kit, "line_pins")]
        for p in _line:
            p.set_pull(p.NO_PULL)
    _dark = dk_kit.num(kit, "line_dark", 1)
    v = dk_kit.nums(kit, "sonar")
    if v:
        _trig = _pin(v[0])
        _echo = _pin(v[1])
        _trig.write_digital(0)
    _ping = ticks_add(ticks_ms(), -_PING_MS)
    v = dk_kit.nums(kit, "tilt_axes")
    if len(v) == 2:
        _tilt = (v[0], v[1])


def ticks():
    return ticks_ms()


def recv(buf, wait_ms):
    if not uart.any():
        t0 = ticks_ms()
        while not uart.any():
            if ticks_diff(ticks_ms(), t0) >= wait_ms:
                return 0
            sleep_ms(1)
    return uart.readinto(buf) or 0


def write(buf, n):
    global _wbuf, _wmv
    if buf is not _wbuf:
        _wbuf = buf
        _wmv = memoryview(buf)
    uart.write(_wmv[:n])


def _wheel(b, i, v, fwd, back, top):
    # direction and speed bytes of one wheel at b[i], b[i + 1]
    b[i] = fwd if v >= 0 else back
    b[i + 1] = (v if v >= 0 else -v) * top // 100


def motors(left, right):
    try:
        if _drv == _PLUS:  # both wheels in one write, so they start together
            b = _b5
            b[0] = 0
            _wheel(b, 1, left, 0, 1, 255)
            _wheel(b, 3, right, 0, 1, 255)
            i2c.write(_addr, b)
        elif _drv == _CUTEBOT:
            b = _b4
            b[3] = 0
            b[0] = 1
            _wheel(b, 1, left, 2, 1, 100)
            i2c.write(_addr, b)
            b[0] = 2
            _wheel(b, 1, right, 2, 1, 100)
            i2c.write(_addr, b)
        else:
            b = _b3
            b[0] = 0
            _wheel(b, 1, left, 0, 1, 255)
            i2c.write(_addr, b)
            b[0] = 2
            _wheel(b, 1, right, 0, 1, 255)
            i2c.write(_addr, b)
    except OSError:
        pass  # controller off (battery switch): nothing to drive


def light(i, r, g, b):
    np = _np
    if i < _npix and np:
        np[i] = (r, g, b)
        return
    i -= _npix
    if i >= len(_leds):
        return
    m = max(r, g, b)
    try:
        if _ledkind == 0:
            p = _leds[i]
            if m:
                p.write_analog(m * 1023 // 255)
                if not _pwm[i]:
                    p.set_analog_period_microseconds(_PWM_US)
                    _pwm[i] = 1
            else:
                p.write_digital(0)
                _pwm[i] = 0
        elif _ledkind == 1:
            _b2[0] = _leds[i]
            _b2[1] = 1 if m >= _ON else 0
            i2c.write(_addr, _b2)
        else:
            c = _b4
            c[0] = _leds[i]
            c[1] = r
            c[2] = g
            c[3] = b
            i2c.write(_addr, c)
    except (OSError, ValueError):
        pass


def show():
    if _np:
        _np.write()


def image(bits, level):
    if not level:
        display.clear()
        return
    m = _img
    for k in range(25):
        m[k] = level if (bits >> (24 - k)) & 1 else 0
    display.show(Image(5, 5, m))


def text(s):
    display.scroll(s, wait=False)


def tone(freq, ms, volume):
    if freq <= 0 or ms <= 0 or volume <= 0:
        music.stop()
        return
    microbit.set_volume(volume)
    music.pitch(freq, ms, wait=False)


def _distance():
    global _dist, _ping
    t = _trig
    e = _echo
    if not (t and e):
        return 0xFFFF
    now = ticks_ms()
    if ticks_diff(now, _ping) >= _PING_MS:
        _ping = now
        t.write_digital(1)
        sleep_us(10)
        t.write_digital(0)
        try:
            us = machine.time_pulse_us(e, 1, _ECHO_US)
        except OSError:
            us = -1
        _dist = us * 10 // 59 if us > 0 else 0xFFFF
    return _dist


def _lines():
    try:
        if _lreg >= 0:
            v = _reg(_lreg)
            return (v >> _lbits[0]) & 1 | ((v >> _lbits[1]) & 1) << 1
        if len(_line) == 2:
            d = _dark
            return (_line[0].read_digital() == d) | (_line[1].read_digital() == d) << 1
    except OSError:
        pass
    return 0xFF


def _deg(a, g):
    # tilt of one axis in degrees from its share of gravity, as a byte (int8)
    v = a / g
    return int(asin(max(-1.0, min(1.0, v))) * 57.29578) & 255


def sample(s, mask):
    d = _distance() if mask & 1 else 0xFFFF
    s[0] = d >> 8
    s[1] = d & 255
    s[2] = _lines() if mask & 2 else 0xFF
    s[3] = min(display.read_light_level(), 254) if mask & 4 else 0xFF
    s[4] = buttons() if mask & 8 else 0
    s[5] = s[6] = 0x80
    if mask & 16:
        a = accelerometer.get_values()
        g = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) or 1.0
        for k in range(2):
            x = _tilt[k]
            s[5 + k] = _deg(a[x - 1] if x > 0 else -a[-x - 1], g)


def buttons():
    return (1 if button_a.is_pressed() else 0) | (2 if button_b.is_pressed() else 0)
