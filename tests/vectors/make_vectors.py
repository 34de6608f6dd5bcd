"""Writes protocol.json, the shared wire vectors: run it after a deliberate protocol change
(then check the diff). Both codecs are tested against the file, never against this script."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "host"))
from dojokit.protocol import (
    Beat,
    Board,
    Button,
    Cap,
    Ident,
    Info,
    Kind,
    Reason,
    Sample,
    Sensor,
    config_failsafe,
    crc16,
    display_clear,
    display_image,
    display_text,
    drive,
    encode_frame,
    hello,
    light,
    name,
    pair,
    profile,
    state,
    subscribe,
    tone,
)

valid = []


def v(name, kind, seq, payload):
    b = encode_frame(kind, seq, payload)
    valid.append(
        {
            "name": name,
            "bytes": b.hex(),
            "text": b.decode("ascii"),
            "kind": int(kind),
            "seq": seq,
            "payload": payload.hex(),
        }
    )
    return b


K = Kind
hello_b = v("HELLO, protocol 2, seq 0", K.HELLO, 0, hello())
v("HEARTBEAT, empty payload", K.HEARTBEAT, 1, b"")
v("DRIVE forward at 50 until changed", K.DRIVE, 2, drive(50, 50))
v("DRIVE spin -100/100 for 1500 ms", K.DRIVE, 3, drive(-100, 100, 1500))
v("STOP, empty payload", K.STOP, 4, b"")
v("LIGHT all lights blue", K.LIGHT, 5, light(255, 0, 80, 255))
v("LIGHT payload bytes 0x03 0x04 0xFF", K.LIGHT, 6, light(0, 3, 4, 255))
v("DISPLAY clear", K.DISPLAY, 7, display_clear())
v("DISPLAY image (a tick) level 5", K.DISPLAY, 8, display_image(0b0000000001000101010001000, 5))
v("DISPLAY text 8 chars: max payload 9 bytes", K.DISPLAY, 9, display_text("Hi there"))
v("TONE 440 Hz for 250 ms", K.TONE, 10, tone(440, 250))
v("PROFILE calm", K.PROFILE, 11, profile(120, 100, 30, 60, 2, 0))
v(
    "SUBSCRIBE distance+line+buttons every 50 ms",
    K.SUBSCRIBE,
    12,
    subscribe(Sensor.DISTANCE | Sensor.LINE | Sensor.BUTTONS, 50),
)
v("NAME colour 2 number 7 'abcdefg': max payload", K.NAME, 13, name(2, 7, "abcdefg"))
v("CONFIG fail-safe 500 ms", K.CONFIG, 14, config_failsafe(500))
v("READ, empty payload", K.READ, 15, b"")
v("STATE waiting (4)", K.STATE, 16, state(4))
v("BRIDGE (who is this bridge?)", K.BRIDGE, 17, b"")
v("PAIR code blue, yellow, cyan (0 2 6)", K.PAIR, 18, pair((0, 2, 6)))
v(
    "INFO protocol 2, firmware 0.1.0, virtual board, kit 7, caps",
    K.INFO,
    0,
    Info(
        2,
        (0, 1, 0),
        Board.VIRTUAL,
        7,
        Cap.MOTORS | Cap.PIXELS | Cap.DISPLAY | Cap.TONE | Cap.BUTTONS | Cap.TILT,
    ).to_payload(),
)
v("IDENT colour 2 number 7 'robot'", K.IDENT, 0, Ident(2, 7, "robot").to_payload())
v("ACK, seq 255, empty payload", K.ACK, 255, b"")
v("NAK WRONG_VERSION, seq 0", K.NAK, 0, bytes([Reason.WRONG_VERSION]))
v("NAK NOT_ON_THIS_KIT, seq 3", K.NAK, 3, bytes([Reason.NOT_ON_THIS_KIT]))
v("NAK WRONG_CODE, 3 tries left, seq 18", K.NAK, 18, bytes([Reason.WRONG_CODE, 3]))
v("SAMPLE all known", K.SAMPLE, 42, Sample(250, True, False, 128, 1, -12, 45).to_payload())
v("SAMPLE all unknown", K.SAMPLE, 43, Sample(None, None, None, None, 0, None, None).to_payload())
v("BUTTON A pressed", K.BUTTON, 44, Button(0, True).to_payload())
v("BEAT waiting, linked, 3 damaged", K.BEAT, 45, Beat(4, False, True, 3).to_payload())
v("kind 0x00 seq 0 empty payload: all-zero header (framing-valid, unknown kind)", 0, 0, b"")
v("kind 0xFF seq 255, 9 bytes 0xFF", 0xFF, 255, b"\xff" * 9)
v("kind 0x7F seq 128, 9 bytes 0x00", 0x7F, 128, b"\x00" * 9)
v("payload 0x03 0x04 alternating, 9 bytes", 0x03, 0x04, bytes([3, 4] * 4 + [3]))
v("payload holding '~', '\\n', '\\r' bytes", K.DISPLAY, 200, b"\x02~\n\r")


def frame_obj(kind, seq, payload):
    return {"kind": int(kind), "seq": seq, "payload": payload.hex()}


streams = []


def s(name, data, damaged, frames=()):
    streams.append(
        {
            "name": name,
            "bytes": data.hex(),
            "damaged": damaged,
            "frames": [frame_obj(*f) for f in frames],
        }
    )


H = (K.HELLO, 0, hello())
hb = hello_b


def digit_add(frame, i, delta):
    b = bytearray(frame)
    b[i] = b[i] + delta
    return bytes(b)


s("bad CRC: one digit changed", digit_add(hb, 3, 1), 1)
raw = bytes([K.HELLO, 0, 2])
c = crc16(raw)


def spell(rawb):
    # 6-bit text of arbitrary raw bytes (no CRC added)
    bits = int.from_bytes(rawb, "big")
    nb = len(rawb) * 8
    nc = (nb + 5) // 6
    bits <<= nc * 6 - nb
    return bytes(0x30 + ((bits >> (6 * (nc - 1 - i))) & 63) for i in range(nc))


assert b"~" + spell(raw + c.to_bytes(2, "big")) + b"\n" == hb
s("CRC little-endian", b"~" + spell(raw + c.to_bytes(2, "little")) + b"\n", 1)
s("no CRC at all (kind, seq, payload only)", b"~" + spell(raw) + b"\n", 1)
s("non-zero padding bits (same bytes, CRC right)", digit_add(hb, len(hb) - 2, 1), 1)
f8 = encode_frame(K.DISPLAY, 9, display_text("Hi ther"))  # 8-byte payload: 16 digits
assert len(f8) == 18
s("non-canonical length: 16 digits + one '0' digit (bytes and CRC right)", f8[:-1] + b"0\n", 1)
s("non-canonical length: '~hello' (5 digits)", b"~hello\n", 1)
s("empty frame '~\\n'", b"~\n", 1)
s("too short: 4 zero digits", b"~0000\n", 1)
s("four zero bytes (bad CRC)", b"~000000\n", 1)
s("stray space inside a frame", hb[:4] + b" " + hb[4:], 1)
s("stray 'p' (0x70, just past the alphabet) inside a frame", hb[:4] + b"p" + hb[4:], 1)
s("Ctrl-C (0x03) inside a frame", hb[:4] + b"\x03" + hb[4:], 1)
raw10 = bytes([K.DISPLAY, 1]) + b"\x02" + b"toolong!!"
over = b"~" + spell(raw10 + crc16(raw10).to_bytes(2, "big")) + b"\n"
assert len(over) == 21
s("overlong: 19 digits (10-byte payload, CRC right)", over, 1)
s("overlong: 40 digits", b"~" + b"0" * 40 + b"\n", 1)
s("truncated by a new '~', then a good frame", hb[:5] + hb, 1, [H])
s("'~~~' then a good frame", b"~~" + hb, 2, [H])
s("frame split by a line end, then the rest", hb[:5] + b"\n" + hb[5:], 1)
banner = (
    b"MPY: soft reboot\r\nMicroPython v1.27.0 on 2025-12-09; BBC micro:bit v2 with "
    b'nRF52833\r\nType "help()" for more information.\r\n>>> '
)
s("noise: MicroPython boot banner", banner, 0)
tb = (
    b'Traceback (most recent call last):\r\n  File "main.py", line 9, in <module>\r\n'
    b'  File "dk_core.py", line 311, in run\r\nKeyboardInterrupt: \r\n'
)
s("noise: a MicroPython traceback", tb, 0)
s("noise: raw REPL chatter with 0x01 0x04", b"raw REPL; CTRL-B to exit\r\n>OK\x04\x04>", 0)
s("noise: digits and binary without '~'", b"0123456789:;<=>?@ABCDEFGHIJKLMNOo\x00\x03\x04\xff\n", 0)
s("banner then two frames with no line end between", banner + hb + hb, 0, [H, H])
s("good frame ending '\\r\\n'", hb[:-1] + b"\r\n", 0, [H])
s("good frame ending '\\r'", hb[:-1] + b"\r", 0, [H])
s("print() output between two good frames", hb + b"speed 50\r\n" + hb, 0, [H, H])
s("good frame then an unfinished one (no line end yet)", hb + hb[:5], 0, [H])
streams = [x for x in streams]
vecs = valid + streams
with open(Path(__file__).with_name("protocol.json"), "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(x, ensure_ascii=True) for x in vecs) + "\n]\n")
print(len(valid), len(streams))
