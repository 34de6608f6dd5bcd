# dojokit wire codec (firmware side). The encoding is specified in docs/protocol.md.
# A frame is "~" + 6-bit text of [kind, seq, payload..., crc16] + "\n": only bytes
# 0x30-0x6F between the markers, so never 0x03/0x04 (Ctrl-C/Ctrl-D stay free for the REPL).
# No allocation per frame: the decoder and encoder reuse module-level buffers.
from micropython import const

PROTO = const(1)
SOF = const(0x7E)  # "~"
EOL = const(0x0A)  # "\n" ("\r" also ends a frame)
BASE = const(0x30)  # "0": 6-bit digit d is sent as BASE + d
MAXRAW = const(13)  # kind + seq + 9 payload bytes + 2 crc bytes: 20 bytes on the wire
MAXCHARS = const(18)
MAXPAY = const(9)

_T = (0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
      0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF)


def crc16(buf, n):
    # CRC-16/CCITT-FALSE, a nibble at a time (16-entry table: small and fast enough)
    c = 0xFFFF
    t = _T
    for i in range(n):
        b = buf[i]
        c = ((c << 4) & 0xFFFF) ^ t[(c >> 12) ^ (b >> 4)]
        c = ((c << 4) & 0xFFFF) ^ t[(c >> 12) ^ (b & 15)]
    return c


class Decoder:
    # Feed bytes one at a time; feed() returns the raw length of a good frame (>= 4),
    # else 0. Bytes outside frames (banners, prints) are ignored; broken frames counted.
    def __init__(self):
        self.raw = bytearray(MAXRAW)
        self.n = 0
        self.bad = 0
        self._in = False
        self._chars = 0
        self._acc = 0
        self._bits = 0

    def feed(self, b):
        if b == SOF:
            if self._in:
                self.bad += 1
            self._in = True
            self._chars = 0
            self._acc = 0
            self._bits = 0
            self.n = 0
            return 0
        if not self._in:
            return 0
        if b == EOL or b == 13:
            self._in = False
            n = self.n
            # a valid length leaves fewer than 6 spare bits, all zero
            if n >= 4 and self._acc == 0 and self._chars == (n * 8 + 5) // 6:
                c = crc16(self.raw, n - 2)
                if self.raw[n - 2] == c >> 8 and self.raw[n - 1] == c & 255:
                    return n
            self.bad += 1
            return 0
        d = b - BASE
        if d < 0 or d > 63 or self._chars >= MAXCHARS:
            self._in = False
            self.bad += 1
            return 0
        self._chars += 1
        acc = (self._acc << 6) | d
        bits = self._bits + 6
        if bits >= 8:
            bits -= 8
            self.raw[self.n] = acc >> bits
            self.n += 1
            acc &= (1 << bits) - 1
        self._acc = acc
        self._bits = bits
        return 0


_raw = bytearray(MAXRAW)
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
    o[0] = SOF
    j = 1
    acc = 0
    bits = 0
    for i in range(m):
        acc = (acc << 8) | r[i]
        bits += 8
        while bits >= 6:
            bits -= 6
            o[j] = BASE + ((acc >> bits) & 63)
            j += 1
        acc &= (1 << bits) - 1
    if bits:
        o[j] = BASE + ((acc << (6 - bits)) & 63)
        j += 1
    o[j] = EOL
    return j + 1
