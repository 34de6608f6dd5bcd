# dojokit radio packets (firmware side): authenticate and check what goes over the micro:bit
# radio. Mirror of host/dojokit/link/radio_packet.py; docs/security.md has the threat model.
# packet = pair (1) | counter (4, big-endian) | raw frame (4..13) | tag (4)
# tag = CBC-MAC, Speck32/64 (16-bit words: every value stays a small int on the micro:bit),
# over len(frame) | direction | pair | counter | frame | zero padding to 4 bytes.
# No allocation per packet: round keys, message and tag live in buffers made once; counters
# are kept as two 16-bit halves (a 32-bit int would be a heap int on the micro:bit).
from micropython import const

HOST = const(0)  # direction of host -> robot packets
ROBOT = const(1)  # robot -> host
FRAME_AT = const(5)
_MINPKT = const(13)  # 5 + 4-byte frame + 4
MAXPKT = const(22)  # 5 + 13-byte frame + 4
_WINDOW = const(8)  # a late packet up to 8 behind the highest counter is still taken
# open() returns minus these when it drops a packet (index into Auth.drops)
_D_SIZE = const(1)
_D_PAIR = const(2)
_D_TAG = const(3)
_D_REPLAY = const(4)


class Auth:
    # seal(frame, n, out) -> packet length in out (0: not a 4-13 byte frame, or the
    # counter is used up: pair again);
    # open(pkt, n) -> frame length (the frame is pkt[FRAME_AT:FRAME_AT + length]) or
    # -D_* when dropped; drops[D_*] counts them. After boot the first valid packet sets
    # the receive floor (docs/security.md says what that leaves open).
    def __init__(self, rk, pair, direction_out):
        self.rk = rk  # round keys (dk_pair.schedule)
        self.pair = pair
        self.out = direction_out
        self.hi = 0  # next counter to send: hi << 16 | lo
        self.lo = 1
        self.drops = [0, 0, 0, 0, 0]
        self.path = ""  # where the counter is kept (dk_pair.resume; "": never kept)
        self.kept = 0x10000
        self._m = bytearray(20)  # the MAC's message: 7 + 13 bytes at most, whole blocks
        self._t = bytearray(4)
        # what was received: nothing yet (a board forgets it at a reboot; no floor is kept,
        # see docs/security.md), so the first valid packet sets the floor
        self.seen = False
        self.rhi = 0  # highest counter taken
        self.rlo = 0
        self.bits = 0  # bit i: counter highest - 1 - i was taken

    def _mac(self, pkt, nf, d):
        # tag of pkt[0:5 + nf] sent in direction d, into self._t
        m = self._m
        m[0] = nf
        m[1] = d
        e = nf + 7
        for i in range(2, e):
            m[i] = pkt[i - 2]
        while e & 3:
            m[e] = 0
            e += 1
        for i in range(0, e, 4):
            if i:  # CBC: chain the previous block's cipher text in
                for j in range(i, i + 4):
                    m[j] ^= m[j - 4]
            self.encrypt(m, i)
        t = self._t
        for j in range(4):
            t[j] = m[e - 4 + j]

    def keep_hi(self):
        f = open(self.path, "w")
        f.write("%d" % (self.hi + 1))
        f.close()
        self.kept = self.hi + 1

    def encrypt(self, b, i):
        # Speck32/64 on the block b[i:i + 4] (words x, y big-endian), in place
        x = b[i] << 8 | b[i + 1]
        y = b[i + 2] << 8 | b[i + 3]
        for k in self.rk:
            x = (((x >> 7 | x << 9) & 0xFFFF) + y & 0xFFFF) ^ k
            y = ((y << 2 | y >> 14) & 0xFFFF) ^ x
        b[i] = x >> 8
        b[i + 1] = x & 255
        b[i + 2] = y >> 8
        b[i + 3] = y & 255

    def seal(self, frame, n, out):
        hi = self.hi
        lo = self.lo
        if hi > 0xFFFF or n < 4 or n > 13:
            return 0
        out[0] = self.pair
        out[1] = hi >> 8
        out[2] = hi & 255
        out[3] = lo >> 8
        out[4] = lo & 255
        for i in range(n):
            out[FRAME_AT + i] = frame[i]
        lo += 1
        if lo > 0xFFFF:
            lo = 0
            hi += 1
        if hi == 0xFFFF and lo == 0xFFFF:
            hi = 0x10000  # 2**32 - 1 is never sent: the host side stops there too
        self.hi = hi
        self.lo = lo
        if hi >= self.kept and self.path:
            self.keep_hi()
        self._mac(out, n, self.out)
        t = self._t
        j = FRAME_AT + n
        for i in range(4):
            out[j + i] = t[i]
        return j + 4

    def open(self, pkt, n):
        why = _D_SIZE
        if _MINPKT <= n <= MAXPKT:
            why = _D_PAIR
            if pkt[0] == self.pair:
                self._mac(pkt, n - 9, 1 - self.out)
                t = self._t
                j = n - 4
                why = _D_TAG
                if t[0] == pkt[j] and t[1] == pkt[j + 1] and t[2] == pkt[j + 2] \
                        and t[3] == pkt[j + 3]:
                    why = self._fresh(pkt[1] << 8 | pkt[2], pkt[3] << 8 | pkt[4])
                    if not why:
                        return n - 9
        self.drops[why] += 1
        return -why

    def _fresh(self, hi, lo):
        # strictly above the highest, or a not-yet-taken one of the _WINDOW just below it
        if not self.seen:
            self.seen = True
            d = _WINDOW + 1
        else:
            dh = hi - self.rhi
            if dh > 1:
                d = _WINDOW + 1
            elif dh < -1:
                return _D_REPLAY
            else:
                d = dh * 65536 + lo - self.rlo  # |d| < 2**17: a small int
        if d > 0:
            self.bits = ((self.bits << d) | (1 << (d - 1))) & 0xFF if d <= _WINDOW else 0
            self.rhi = hi
            self.rlo = lo
            return 0
        b = -d - 1
        if b < 0 or b >= _WINDOW or self.bits >> b & 1:
            return _D_REPLAY
        self.bits |= 1 << b
        return 0
