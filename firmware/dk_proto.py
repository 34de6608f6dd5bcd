# dojokit wire codec (firmware side). The encoding is specified in docs/protocol.md.
# A frame is "~" + 6-bit text of [kind, seq, payload..., crc16] + "\n": only bytes
# 0x30-0x6F between the markers, so never 0x03/0x04 (Ctrl-C/Ctrl-D stay free for the REPL).
# No allocation per frame: the decoder and encoder reuse module-level buffers.
from micropython import const

PROTO = const(2)
FW = (0, 1, 0)  # the firmware's version (robot and bridge), reported in INFO
_SOF = const(0x7E)  # "~"
_EOL = const(0x0A)  # "\n" ("\r" also ends a frame)
_BASE = const(0x30)  # "0": 6-bit digit d is sent as _BASE + d
_MAXRAW = const(13)  # kind + seq + 9 payload bytes + 2 crc bytes: 20 bytes on the wire
MAXCHARS = const(18)
MAXPAY = const(9)

_T = (0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
      0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF)


def crc16(buf, n):
    # CRC-16/GENIBUS, a nibble at a time (16-entry table: small and fast enough)
    c = 0xFFFF
    t = _T
    for i in range(n):
        b = buf[i]
        c = ((c << 4) & 0xFFFF) ^ t[(c >> 12) ^ (b >> 4)]
        c = ((c << 4) & 0xFFFF) ^ t[(c >> 12) ^ (b & 15)]
    return c ^ 0xFFFF


class Decoder:
    # scan(buf, n) reads buf[pos:n] and stops after each good frame, returning its raw
    # length (>= 4; the frame is in `raw`, `pos` is just past it), or 0 when buf is used
    # up. Frames may span calls. Bytes outside frames (banners, prints) are ignored; broken
    # frames are counted in `bad`. The byte loop works on locals: it is the hot path.
    def __init__(self):
        self.raw = bytearray(_MAXRAW)
        self.pos = 0
        self.n = 0
        self.bad = 0
        self._in = False
        self._chars = 0
        self._acc = 0
        self._bits = 0
        self._one = bytearray(1)

    def feed(self, b):
        # one byte; same result as scan
        self._one[0] = b
        self.pos = 0
        return self.scan(self._one, 1)

    def scan(self, buf, n):
        raw = self.raw
        i = self.pos
        inside = self._in
        chars = self._chars
        acc = self._acc
        bits = self._bits
        k = self.n
        got = 0
        while i < n:
            b = buf[i]
            i += 1
            if b == _SOF:
                if inside:
                    self.bad += 1
                inside = True
                chars = acc = bits = k = 0
            elif not inside:
                pass
            elif b == _EOL or b == 13:
                inside = False
                # a valid length leaves fewer than 6 spare bits, all zero
                if k >= 4 and acc == 0 and chars == (k * 8 + 5) // 6:
                    c = crc16(raw, k - 2)
                    if raw[k - 2] == c >> 8 and raw[k - 1] == c & 255:
                        got = k
                        break
                self.bad += 1
            elif _BASE <= b < _BASE + 64 and chars < MAXCHARS:
                chars += 1
                acc = (acc << 6) | (b - _BASE)
                bits += 6
                if bits >= 8:
                    bits -= 8
                    raw[k] = acc >> bits
                    k += 1
                    acc &= (1 << bits) - 1
            else:
                inside = False
                self.bad += 1
        self.pos = i
        self._in = inside
        self._chars = chars
        self._acc = acc
        self._bits = bits
        self.n = k
        return got


_raw = bytearray(_MAXRAW)
out = bytearray(MAXCHARS + 2)


def encode(kind, seq, pay, n):
    # Encode into `out`; returns the frame length. pay: any indexable of n <= 9 bytes.
    r = _raw
    r[0] = kind
    r[1] = seq & 255
    for i in range(n):
        r[2 + i] = pay[i]
    m = n + 2
    c = crc16(r, m)
    r[m] = c >> 8
    r[m + 1] = c & 255
    m += 2
    o = out
    o[0] = _SOF
    j = 1
    # three raw bytes make four digits; a tail of 1 or 2 bytes makes 2 or 3, zero-padded
    full = m - m % 3
    for i in range(0, full, 3):
        v = r[i] << 16 | r[i + 1] << 8 | r[i + 2]
        o[j] = _BASE + (v >> 18)
        o[j + 1] = _BASE + (v >> 12 & 63)
        o[j + 2] = _BASE + (v >> 6 & 63)
        o[j + 3] = _BASE + (v & 63)
        j += 4
    t = m - full
    if t:
        v = r[full] << 16 | (r[full + 1] << 8 if t == 2 else 0)
        o[j] = _BASE + (v >> 18)
        o[j + 1] = _BASE + (v >> 12 & 63)
        j += 2
        if t == 2:
            o[j] = _BASE + (v >> 6 & 63)
            j += 1
    o[j] = _EOL
    return j + 1
