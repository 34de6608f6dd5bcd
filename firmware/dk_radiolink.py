# dojokit robot's radio transport (firmware): a paired micro:bit robot (pair.txt on the
# board) talks to its laptop through the radio bridge as well as over USB serial. This sits
# in front of the board's HAL with the same names, so the core does not change: recv() adds
# the frames of the pair's packets to the serial bytes, write() sends a frame the way the
# last frame came (serial or radio). Packets of another pair, replays and corrupted ones are
# dropped by dk_radio and never reach the core, so the fail-safe (no valid frame for 500 ms:
# stop, "waiting") holds on the radio as on serial.
#
# Exactly once: the laptop sends a command again when its reply was lost. The last few
# commands (their raw bytes) and the replies written for them are kept; a command seen
# again within REPEAT_MS is not handed to the core a second time, its replies are sent
# again. (A new session starts its sequence numbers at random, so it never looks like the
# last one's repeats.)
import dk_proto as P
import dk_radio
from micropython import const
from time import ticks_diff

POLL_MS = const(20)  # the radio cannot wake recv on a board: look at least this often
KEEP = const(4)  # commands remembered for repeats
REPLIES = const(3)  # replies kept for each (HELLO: INFO, IDENT, ACK)
SLOT = const(13)  # a raw frame's most bytes
GC_TURNS = const(4)
REPEAT_MS = const(2000)  # a command again later than this is a new one (a new session)
_REPLY_KINDS = (0x40, 0x41, 0x42, 0x43, 0x44)  # INFO ACK NAK IDENT SAMPLE (to READ)
_HAL = ("BOARD", "GC_TURNS", "IDLE_MS", "FS", "init", "ticks", "motors", "light", "show",
        "image", "text", "tone", "sample", "buttons")


class RadioLink:
    def __init__(self, hal, radio, auth):
        for name in _HAL:  # the board's own functions, called directly by the core
            setattr(self, name, getattr(hal, name))
        # a turn on the radio makes garbage (each packet is a new bytes object) and turns
        # come every POLL_MS: collect more often, so the peak heap stays the serial one's
        self.GC_TURNS = min(hal.GC_TURNS, GC_TURNS)
        self.hal = hal
        self.radio = radio
        self.auth = auth  # sealing robot -> host, opening host -> robot
        self.via_radio = False  # where the last valid frame came from
        self.odec = P.Decoder()
        self.pkt = bytearray(dk_radio.MAXPKT)
        self.pay = bytearray(P.MAXPAY)
        self.tmp = bytearray(SLOT)
        # ring of the last KEEP commands: raw bytes, length, replies (REPLIES raw frames)
        self.cmd = bytearray(KEEP * SLOT)
        self.cn = bytearray(KEEP)
        self.rep = bytearray(KEEP * REPLIES * SLOT)
        self.rn = bytearray(KEEP * REPLIES)
        self.at = [0] * KEEP  # when each kept command came (ticks)
        self.next = 0
        self.repeats = 0

    def recv(self, buf, wait_ms):
        n = self.hal.recv(buf, POLL_MS if wait_ms > POLL_MS else wait_ms)
        if n:
            self.via_radio = False
        radio = self.radio
        while n + P.MAXCHARS + 2 <= len(buf):
            p = radio.receive_bytes()
            if p is None:
                break
            k = self.auth.open(p, len(p))
            if k <= 0:
                continue
            self.via_radio = True
            if self._again(p, k):
                continue
            pay = self.pay
            for i in range(k - 4):
                pay[i] = p[dk_radio.FRAME_AT + 2 + i]
            j = P.encode(p[dk_radio.FRAME_AT], p[dk_radio.FRAME_AT + 1], pay, k - 4)
            out = P.out
            for i in range(j):
                buf[n + i] = out[i]
            n += j
        return n

    def _again(self, p, k):
        # a command seen among the last KEEP: send its replies again, do not hand it on
        cmd = self.cmd
        at = dk_radio.FRAME_AT
        now = self.hal.ticks()
        for s in range(KEEP):
            if self.cn[s] != k or ticks_diff(now, self.at[s]) > REPEAT_MS:
                continue
            b = s * SLOT
            same = True
            for i in range(k):
                if cmd[b + i] != p[at + i]:
                    same = False
                    break
            if same:
                self.repeats += 1
                for r in range(REPLIES):
                    m = self.rn[s * REPLIES + r]
                    if m:
                        self._send_raw(self.rep, (s * REPLIES + r) * SLOT, m)
                return True
        s = self.next  # a new command: it takes the oldest slot
        self.next = (s + 1) % KEEP
        b = s * SLOT
        for i in range(k):
            cmd[b + i] = p[at + i]
        self.cn[s] = k
        self.at[s] = now
        for r in range(REPLIES):
            self.rn[s * REPLIES + r] = 0
        return False

    def write(self, buf, n):
        if not self.via_radio:
            self.hal.write(buf, n)
            return
        d = self.odec
        d.pos = 0
        k = d.scan(buf, n)
        while k:
            self._keep_reply(d.raw, k)
            self._send_raw(d.raw, 0, k)
            k = d.scan(buf, n)

    def _keep_reply(self, raw, k):
        if raw[0] not in _REPLY_KINDS:
            return
        for s in range(KEEP):  # the command with this seq, if it is one of ours
            if self.cn[s] and self.cmd[s * SLOT + 1] == raw[1]:
                for r in range(REPLIES):
                    i = s * REPLIES + r
                    if not self.rn[i]:
                        b = i * SLOT
                        for j in range(k):
                            self.rep[b + j] = raw[j]
                        self.rn[i] = k
                        return
                return

    def _send_raw(self, src, at, k):
        frame = src
        if at:  # a kept reply: seal() reads the frame from the start of a buffer
            frame = self.tmp
            for i in range(k):
                frame[i] = src[at + i]
        m = self.auth.seal(frame, k, self.pkt)
        if m:
            self.radio.send_bytes(self.pkt[:m])


def wrap(hal, path):
    import radio

    channel, group, pair, key = dk_radio.load_pair(path)
    radio.config(channel=channel, group=group, length=32, queue=3)
    radio.on()
    auth = dk_radio.Auth(key, pair, dk_radio.ROBOT)
    auth.resume(hal.FS + "ctr.txt")  # never below the last boot's counter
    return RadioLink(hal, radio, auth)
