# dojokit radio bridge (firmware): a micro:bit on the laptop's USB that relays the host's
# frames to its paired robot over the micro:bit radio and the robot's frames back, unchanged.
# It never interprets a command. Each frame crosses the air as one authenticated packet
# (dk_radio: pair, counter, raw frame, tag); a packet from another pair, a replay or a
# corrupted one is dropped and counted, never relayed.
import gc

import dk_pair
import dk_proto as P
import dk_radio
from micropython import const

RX = const(64)
BRIDGE = const(0x0E)  # "who are you, bridge?": answered here, never relayed
INFO = const(0x40)
ACK = const(0x41)
IDENT = const(0x43)
BOARD = const(4)  # a radio bridge, in INFO


def _ident(path):
    # "colour number name" (name.txt, robot.txt) -> IDENT payload; robot 0 0 when none
    b = bytearray(2)
    try:
        f = open(path)
        w = f.read().split()
        f.close()
        b[0] = int(w[0]) & 7
        b[1] = int(w[1]) & 255
        b.extend(w[2].encode()[:7])
    except (OSError, ValueError, IndexError):
        pass
    return b


class Bridge:
    def __init__(self, hal, radio, auth, me=b"\0\0", robot=b"\0\0"):
        self.hal = hal
        self.me = me  # the bridge's own identity (IDENT payload)
        self.robot = robot  # the robot it drives
        self.radio = radio
        self.auth = auth  # sealing host -> robot, opening robot -> host
        self.dec = P.Decoder()
        self.rx = bytearray(RX)
        self.pkt = bytearray(dk_radio.MAXPKT)
        self.pay = bytearray(P.MAXPAY)
        self.sent = 0
        self.relayed = 0

    def turn(self, wait_ms):
        # serial -> air: every whole frame, as it came (its raw bytes, CRC and all)
        dec = self.dec
        n = self.hal.recv(self.rx, wait_ms)
        dec.pos = 0
        k = dec.scan(self.rx, n)
        while k:
            if dec.raw[0] == BRIDGE:
                self.answer(dec.raw[1])
            else:
                m = self.auth.seal(dec.raw, k, self.pkt)
                if m:
                    self.radio.send_bytes(self.pkt[:m])
                    self.sent += 1
            k = dec.scan(self.rx, n)
        # air -> serial: every packet that opens, as the frame it carries
        while True:
            p = self.radio.receive_bytes()
            if p is None:
                break
            k = self.auth.open(p, len(p))
            if k > 0:
                pay = self.pay
                for i in range(k - 4):
                    pay[i] = p[dk_radio.FRAME_AT + 2 + i]
                j = P.encode(p[dk_radio.FRAME_AT], p[dk_radio.FRAME_AT + 1], pay, k - 4)
                self.hal.write(P.out, j)
                self.relayed += 1

    def answer(self, seq):
        # INFO (board 4: a bridge), its own IDENT, its robot's IDENT, ACK: what `dojokit
        # kits` shows as "bridge for <robot>", even with the robot switched off
        p = self.pay
        p[0] = P.PROTO
        p[1], p[2], p[3] = P.FW
        p[4] = BOARD
        p[5] = p[6] = p[7] = 0
        self.hal.write(P.out, P.encode(INFO, seq, p, 8))
        for ident in (self.me, self.robot):
            self.hal.write(P.out, P.encode(IDENT, seq, ident, len(ident)))
        self.hal.write(P.out, P.encode(ACK, seq, p, 0))


bridge = None


def _build(hal, radio):
    # its own frame, so run()'s stays small (firmware/HAL.md, "Garbage collection")
    auth = dk_pair.start(hal, radio, dk_radio.HOST)
    fs = hal.FS
    return Bridge(hal, radio, auth, _ident(fs + "name.txt"), _ident(fs + "robot.txt"))


def run(hal, radio):
    # `bridge` is a global: a root every port's collector sees; collect between turns only
    global bridge
    bridge = _build(hal, radio)
    gc.collect()
    t = 0
    while True:
        bridge.turn(20)
        t += 1
        if t >= 16:  # a turn allocates (packets)
            gc.collect()
            t = 0
