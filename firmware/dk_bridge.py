# dojokit radio bridge (firmware): a micro:bit on the laptop's USB that relays the host's
# frames to its paired robot over the micro:bit radio and the robot's frames back, unchanged.
# It never interprets a command. Each frame crosses the air as one authenticated packet
# (dk_radio: pair, counter, raw frame, tag); a packet from another pair, a replay or a
# corrupted one is dropped and counted, never relayed.
import gc

import dk_proto as P
import dk_radio
from micropython import const

RX = const(64)


class Bridge:
    def __init__(self, hal, radio, auth):
        self.hal = hal
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


bridge = None


def _build(hal, radio, path):
    # its own frame, so run()'s stays small (firmware/HAL.md, "Garbage collection")
    channel, group, pair, key = dk_radio.load_pair(path)
    radio.config(channel=channel, group=group, length=32, queue=3)
    radio.on()
    return Bridge(hal, radio, dk_radio.Auth(key, pair, dk_radio.HOST))


def run(hal, radio, path):
    # `bridge` is a global: a root every port's collector sees; collect between turns only
    global bridge
    bridge = _build(hal, radio, path)
    gc.collect()
    t = 0
    while True:
        bridge.turn(20)
        t += 1
        if t >= 16:  # a turn allocates (packets)
            gc.collect()
            t = 0
