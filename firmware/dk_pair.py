# dojokit pairing at boot (firmware): reads pair.txt, which the flasher writes on a robot and
# its bridge alike ("channel group pair key", key as 16 hex digits), puts the radio on the
# pair's channel and group and makes the pair's Auth (dk_radio). Boot only: a robot's
# main.py drops this module once the radio is set up, so its code leaves the heap, where a
# paired micro:bit robot has nothing to spare (bench/memory.py).
import dk_radio as R
from micropython import const

_ROUNDS = const(22)  # Speck32/64


def schedule(key):
    # Speck32/64's round keys from the 8-byte key
    rk = [0] * _ROUNDS
    k = key[6] << 8 | key[7]
    ls = [0] * _ROUNDS
    ls[0] = key[4] << 8 | key[5]
    ls[1] = key[2] << 8 | key[3]
    ls[2] = key[0] << 8 | key[1]
    for i in range(_ROUNDS):
        rk[i] = k
        x = ls[i]
        x = (((x >> 7 | x << 9) & 0xFFFF) + k & 0xFFFF) ^ i
        if i + 3 < _ROUNDS:
            ls[i + 3] = x
        k = ((k << 2 | k >> 14) & 0xFFFF) ^ x
    return rk


def resume(auth, path):
    # A sender's counter must never go back, or its peer, still running, drops every
    # packet as a replay (a bridge unplugged and plugged in again, a robot whose battery
    # was changed). The counter's upper half is kept in a file: each boot starts above the
    # last boot's, and Auth.keep_hi rewrites the file when the counter passes it (every
    # 65,536 packets), so a board's flash is written at boot and rarely after.
    e = 0
    try:
        f = open(path)
        e = int(f.read().split()[0])
        f.close()
    except (OSError, ValueError, IndexError):
        pass
    auth.hi = e + 1
    auth.lo = 0
    auth.path = path
    auth.keep_hi()


def read(path):
    # pair.txt -> (channel, group, pair, key bytes)
    f = open(path)
    w = f.read().split()
    f.close()
    key = bytearray(8)
    for i in range(8):
        key[i] = int(w[3][2 * i:2 * i + 2], 16)
    return int(w[0]), int(w[1]), int(w[2]), key


def start(hal, radio, direction):
    # the pair's Auth (sealing in `direction`), the radio on the pair's channel and group
    channel, group, pair, key = read(hal.FS + "pair.txt")
    radio.config(channel=channel, group=group, length=32, queue=3)
    radio.on()
    auth = R.Auth(schedule(key), pair, direction)
    resume(auth, hal.FS + "ctr.txt")  # never below the last boot's counter
    return auth


def robot(hal):
    # a paired robot's HAL: recv and write go through the radio as well (dk_radiolink)
    import dk_radiolink as L
    import radio  # the board's (built in on a micro:bit)

    b = L._b
    b["auth"] = start(hal, radio, R.ROBOT)
    b["radio"] = radio
    b["recv"] = hal.recv
    b["write"] = hal.write
    b["ticks"] = hal.ticks
    hal.recv = L.recv
    hal.write = L.write
    # a turn on the radio makes garbage (each packet in or out is a new object): collect
    # every L.GC_TURNS turns, or the garbage of a few turns takes the heap over 24 KB
    if hal.GC_TURNS > L.GC_TURNS:
        hal.GC_TURNS = L.GC_TURNS
    return hal
