# The micro:bit `radio` module for the memory benchmark (MicroPython): it stands in for the
# built-in one on a paired robot, so the firmware's radio transport (dk_radiolink) gets the
# benchmark HAL's command stream as sealed packets, one per loop turn, as a bridge sends
# them, each one new object as the built-in receive_bytes() makes. Among them: one in 7
# corrupted (dropped, counted) and one in 11 sent twice (a resend: new counter, same frame,
# answered from the transport's ring, not run again).
# Packets are sealed with the robot's own Auth, turned round for a moment (the bridge's
# direction, the bridge's counter): a second Auth here would count about 0.5 KB of heap
# that a board's built-in radio module does not take.
import dk_radio
import dk_radiolink as L
import hal_virtual as H

H.RADIO = True  # the HAL stops feeding the serial line
_pkt = bytearray(dk_radio.MAXPKT)
_again = 0
_lo = 0  # the bridge's counter
replies = 0  # packets the robot sent back: its replies came over the radio


def config(**kw):
    pass


def on():
    pass


def send_bytes(b):
    global replies
    replies += 1


def receive_bytes():
    global _again, _lo
    if not H.give:
        return None
    H.give = False
    if _again:
        _again = 0
    else:
        if not H.next_frame():
            return None
        _again = H.sent % 11 == 5
    a = L._b["auth"]
    hi, lo = a.hi, a.lo
    a.out, a.hi, a.lo = dk_radio.HOST, 0, _lo
    m = a.seal(H.pending, H.npend, _pkt)
    _lo = a.lo
    a.out, a.hi, a.lo = dk_radio.ROBOT, hi, lo
    if H.sent % 7 == 3 and not _again:
        _pkt[m - 1] ^= 1  # corrupted on the way: the tag no longer matches
    return _pkt[:m]  # one new object a packet, as the built-in module makes
