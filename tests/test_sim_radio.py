"""The simulated radio: the air between simulated micro:bits (dojokit.sim.radio) and the
micro:bit's `radio` module inside the simulator's MicroPython (sim/radio_mp.py).

First the medium on the host alone (fast): broadcast within channel, address, group and data
rate; the board's limits (length, a byte-sized queue of 3 full packets, on/off, config checks);
seeded loss, duplication, reordering and corruption with their rates and their repeatability.
Then real MicroPython programs on simulated boards talking over it."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from dojokit.sim.guest import FirmwareGuest
from dojokit.sim.radio import OVERHEAD, RadioError, RadioMedium

TIMEOUT = 30  # a busy two-core machine: only ever waited for in full on failure


def on_air(medium: RadioMedium, *names: str, **config: int):
    radios = [medium.attach(n) for n in names]
    for r in radios:
        r.on()
        if config:
            r.config(**config)
    return radios


def drain(radio) -> list[bytes]:
    got = []
    while (m := radio.receive_bytes()) is not None:
        got.append(m)
    return got


# -- the medium on the host ------------------------------------------------------------------
def test_a_packet_reaches_every_other_radio_on_the_same_channel_and_group():
    medium = RadioMedium()
    a, b, c = on_air(medium, "a", "b", "c")
    a.send_bytes(b"hello")
    assert drain(b) == [b"hello"] and drain(c) == [b"hello"]
    assert drain(a) == []  # a radio does not hear itself
    assert medium.counts.sent == 1 and medium.counts.delivered == 2


@pytest.mark.parametrize("setting", [{"group": 6}, {"channel": 8}, {"address": 0x12345678},
                                     {"data_rate": 1}])
def test_a_radio_set_apart_hears_nothing(setting):
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b", group=5)
    b.config(**setting)
    a.send_bytes(b"for group 5")
    b.send_bytes(b"from elsewhere")
    assert drain(b) == [] and drain(a) == []
    b.config(**{"group": 5, "channel": 7, "address": 0x75626974, "data_rate": 0})
    a.send_bytes(b"now")
    assert drain(b) == [b"now"]


def test_a_radio_that_is_off_hears_nothing_and_cannot_send_or_read():
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b")
    b.off()
    a.send_bytes(b"anyone?")
    with pytest.raises(ValueError, match="radio is not enabled"):
        b.receive_bytes()
    with pytest.raises(ValueError, match="radio is not enabled"):
        b.send_bytes(b"x")
    b.on()
    assert drain(b) == []  # what was sent while it was off is gone
    assert medium.counts.delivered == 0


def test_the_queue_holds_three_full_packets_and_drops_the_fourth():
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b")
    for i in range(5):
        a.send_bytes(bytes([i]) * 32)
    assert b.waiting == 3
    assert b.counts.dropped == 2 and medium.counts.dropped == 2
    assert drain(b) == [bytes([i]) * 32 for i in range(3)]
    a.send_bytes(b"room again")
    assert drain(b) == [b"room again"]


def test_the_queue_is_bytes_like_the_boards_so_short_packets_fit_more():
    # the board's receive buffer is queue * (length + 6) bytes (drv_radio.c): 22-byte
    # packets (the auth layer's largest) fit four times in the default 3 * 38 bytes
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b")
    for i in range(6):
        a.send_bytes(bytes([i]) * 22)
    assert b.waiting == 3 * (32 + OVERHEAD) // (22 + OVERHEAD) == 4
    assert b.counts.dropped == 2
    b.config(queue=1)  # a new buffer: emptied, as the board reallocates it
    assert b.waiting == 0
    for i in range(3):
        a.send_bytes(bytes([i]))
    assert b.waiting == 3 and drain(b) == [b"\x00", b"\x01", b"\x02"]


def test_a_message_longer_than_length_is_cut_as_the_board_cuts_it():
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b")
    a.send_bytes(bytes(range(40)))
    assert drain(b) == [bytes(range(32))]
    a.config(length=251)
    b.config(length=251)
    a.send_bytes(bytes(range(251)) + b"!")
    assert drain(b) == [bytes(range(251))]
    b.config(length=10)  # a receiver keeps only its own length
    a.send_bytes(bytes(range(20)))
    assert drain(b) == [bytes(range(10))]


@pytest.mark.parametrize(("setting", "message"), [
    ({"length": 252}, "value out of range for argument 'length'"),
    ({"length": 0}, "value out of range for argument 'length'"),
    ({"channel": 84}, "value out of range for argument 'channel'"),
    ({"group": 256}, "value out of range for argument 'group'"),
    ({"queue": 0}, "value out of range for argument 'queue'"),
    ({"power": 9}, "value out of range for argument 'power'"),
    ({"colour": 1}, "unknown argument 'colour'"),
])
def test_config_refuses_what_the_board_refuses_and_changes_nothing(setting, message):
    medium = RadioMedium()
    (a,) = on_air(medium, "a")
    a.config(group=3)
    with pytest.raises(ValueError, match=message):
        a.config(**({"power": 2} | setting))
    assert a.settings["power"] == 6 and a.settings["group"] == 3
    a.reset()
    assert a.settings == {"length": 32, "queue": 3, "channel": 7, "power": 6,
                          "address": 0x75626974, "group": 0, "data_rate": 0}


def test_changing_group_while_on_keeps_the_queue_turning_on_empties_it():
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b")
    a.send_bytes(b"1")
    b.config(group=2)
    assert b.waiting == 1
    b.on()
    assert b.waiting == 0


def test_receive_full_and_text_packets_as_on_the_board():
    now = [1234]
    medium = RadioMedium(rssi=-61)
    a, b = on_air(medium, "a", "b")
    b.now_us = lambda: now[0]
    a.send("hé")
    assert b.receive_full() == (b"\x01\x00\x01h\xc3\xa9", -61, 1234)
    a.send("hé")
    assert b.receive() == "hé"
    a.send_bytes(b"raw")
    with pytest.raises(RadioError, match="received packet is not a string"):
        b.receive()
    buf = bytearray(2)
    a.send_bytes(b"abcd")
    assert b.receive_bytes_into(buf) == 4 and buf == b"ab"
    assert b.receive_full() is None


def flood(medium: RadioMedium, n: int = 2000) -> list[bytes]:
    a, b = on_air(medium, "a", "b", queue=254, length=8)
    got = []
    for i in range(n):
        a.send_bytes(i.to_bytes(4, "big"))
        got += drain(b)
    medium.flush()
    return got + drain(b)


@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_loss_follows_its_rate(rate):
    medium = RadioMedium(seed=7, loss=rate)
    got = flood(medium)
    assert abs((2000 - len(got)) / 2000 - rate) < 0.04
    assert medium.counts.lost == 2000 - len(got)
    assert got == sorted(got)  # loss alone never reorders


def test_duplication_delivers_some_packets_twice():
    medium = RadioMedium(seed=3, duplicate=0.2)
    got = flood(medium)
    twice = len(got) - len(set(got))
    assert abs(twice / 2000 - 0.2) < 0.04 and twice == medium.counts.duplicated
    assert sorted(set(got)) == [i.to_bytes(4, "big") for i in range(2000)]


def test_reordering_holds_a_packet_back_until_after_the_next():
    medium = RadioMedium(seed=5, reorder=0.2)
    got = [int.from_bytes(m, "big") for m in flood(medium)]
    assert sorted(got) == list(range(2000))  # nothing lost, nothing twice
    swaps = sum(1 for x, y in itertools.pairwise(got) if x > y)
    assert swaps == medium.counts.reordered
    assert abs(swaps / 2000 - 0.2 * 0.8) < 0.04  # (a packet after a held one goes through)
    assert all(abs(x - i) <= 1 for i, x in enumerate(got))  # only ever by one place


def test_a_held_back_packet_waits_for_flush_when_nothing_follows():
    medium = RadioMedium(seed=0, reorder=1.0)
    a, b = on_air(medium, "a", "b")
    a.send_bytes(b"first")
    assert drain(b) == []
    a.send_bytes(b"second")
    assert drain(b) == [b"second", b"first"]
    a.send_bytes(b"third")
    medium.flush()
    assert drain(b) == [b"third"]


def test_corruption_flips_exactly_one_bit():
    medium = RadioMedium(seed=11, corrupt=0.25)
    got = flood(medium)
    sent = [i.to_bytes(4, "big") for i in range(2000)]
    flipped = [bin(int.from_bytes(g, "big") ^ int.from_bytes(s, "big")).count("1")
               for g, s in zip(got, sent, strict=True)]
    assert set(flipped) == {0, 1}
    assert abs(sum(flipped) / 2000 - 0.25) < 0.04 and sum(flipped) == medium.counts.corrupted


def faulty(seed: int) -> RadioMedium:
    return RadioMedium(seed=seed, loss=0.1, duplicate=0.05, reorder=0.05, corrupt=0.05)


def test_the_same_seed_gives_the_same_deliveries_and_another_seed_others():
    runs = [flood(faulty(seed), 500) for seed in (1, 1, 2)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_the_faults_do_not_depend_on_how_senders_interleave():
    # boards on threads send in any order: each receiver's faults follow each sender's
    # own packet count, so the seed decides them all the same
    def run(order: str) -> dict[str, list[bytes]]:
        medium = faulty(9)
        radios = dict(zip("abc", on_air(medium, "a", "b", "c", queue=254), strict=True))
        counters = {"a": 0, "b": 0}
        for who in order:
            radios[who].send_bytes(b"%s%d" % (who.encode(), counters[who]))
            counters[who] += 1
        medium.flush()
        got = drain(radios["c"])
        return {w: [m for m in got if m[:1] == w.encode()] for w in "ab"}

    assert run("ab" * 100) == run("a" * 100 + "b" * 100)


def test_virtual_time_deliveries_wait_for_the_hook():
    pending = []
    medium = RadioMedium(defer=pending.append)
    a, b = on_air(medium, "a", "b")
    a.send_bytes(b"later")
    assert drain(b) == [] and len(pending) == 1
    pending.pop()()
    assert drain(b) == [b"later"]


def test_every_byte_value_crosses_a_host_call_as_text():
    medium = RadioMedium()
    a, b = on_air(medium, "a", "b", length=251)
    data = bytes(range(256))[:251]
    assert a.guest_call(b"s" + data) == b""
    reply = b.guest_call(b"g")
    assert reply.decode("utf-8") == "=" + data.decode("latin-1")
    assert len(reply) <= 512  # a host call's reply buffer (guest.py)
    assert b.guest_call(b"g") == b"-"
    assert b.guest_call(b"clength=300") == b"!value out of range for argument 'length'"


# -- the `radio` module inside the simulator's MicroPython -----------------------------------
@pytest.fixture
def boards(tmp_path):
    """Simulated micro:bits with a radio, each running its own main.py."""
    made: list[FirmwareGuest] = []

    def make(medium: RadioMedium, name: str, code: str,
             folder: str | None = None) -> FirmwareGuest:
        flash = tmp_path / (folder or name)
        flash.mkdir()
        (flash / "main.py").write_text(code)
        guest = FirmwareGuest(flash=flash, repl=True, radio=medium.attach(name))
        guest.start()
        made.append(guest)
        return guest

    yield make
    for guest in made:
        guest.stop()


def until(guest: FirmwareGuest, text: bytes) -> str:
    deadline = time.monotonic() + TIMEOUT
    while text not in guest.console:
        if time.monotonic() > deadline or not guest.running:
            raise AssertionError(f"no {text!r} from the board; got {bytes(guest.console)!r}")
        time.sleep(0.01)
    return guest.console.decode("utf-8", "replace")


def go(guest: FirmwareGuest) -> None:
    assert guest.flash is not None
    (guest.flash / "go").write_text("")


# a listener: sets itself up, says so, waits for the test's "go" file (so it reads only
# once every packet has been sent), then prints each packet as a list of byte values
LISTEN = """import radio
import time
{setup}
print("ready")
while True:
    try:
        open("go").close()
        break
    except OSError:
        time.sleep_ms(10)
while True:
    try:
        m = radio.receive_bytes()
    except ValueError as e:
        print("error:", e)
        break
    if m is None:
        break
    print("got", list(m))
print("done")
"""


def heard(guest: FirmwareGuest) -> list[list[int]]:
    text = until(guest, b"done")
    return [eval(line[4:]) for line in text.splitlines() if line.startswith("got ")]


def test_boards_hear_a_broadcast_on_their_channel_and_group_only(boards):
    medium = RadioMedium()
    listeners = {
        "same": boards(medium, "same", LISTEN.format(setup="radio.config(group=5)")),
        "also": boards(medium, "also", LISTEN.format(setup="radio.config(group=5)")),
        "group": boards(medium, "group", LISTEN.format(setup="radio.config(group=6)")),
        "channel": boards(medium, "channel",
                          LISTEN.format(setup="radio.config(group=5, channel=9)")),
        "off": boards(medium, "off", LISTEN.format(setup="radio.config(group=5)\nradio.off()")),
    }
    for guest in listeners.values():
        until(guest, b"ready")
    sender = boards(medium, "sender", "import radio\nradio.config(group=5)\n"
                    "radio.send_bytes(b'hi')\nradio.send_bytes(bytes([0, 128, 255]))\n"
                    "radio.send('text')\nprint('sent')\n")
    until(sender, b"sent")
    for guest in listeners.values():
        go(guest)
    expected = [list(b"hi"), [0, 128, 255], list(b"\x01\x00\x01text")]
    assert heard(listeners["same"]) == expected
    assert heard(listeners["also"]) == expected
    assert heard(listeners["group"]) == [] and heard(listeners["channel"]) == []
    assert "error: radio is not enabled" in until(listeners["off"], b"done")
    assert medium.counts.sent == 3 and medium.counts.delivered == 6


def test_a_boards_queue_keeps_three_and_its_limits_are_the_boards(boards):
    medium = RadioMedium()
    listener = boards(medium, "listener", LISTEN.format(setup=""))
    until(listener, b"ready")
    sender = boards(medium, "sender", """import radio
for i in range(5):
    radio.send_bytes(bytes([i, 200]) + bytes(30))
try:
    radio.config(length=252)
except ValueError as e:
    print("refused:", e)
radio.config(length=40)
radio.send_bytes(bytes(40))
radio.off()
try:
    radio.send_bytes(b"x")
except ValueError as e:
    print("off:", e)
print("sent")
""")
    text = until(sender, b"sent")
    assert "refused: value out of range for argument 'length'" in text
    assert "off: radio is not enabled" in text
    go(listener)
    # three full packets fill its queue; the other two and the 40-byte one (cut to its
    # own 32 bytes, it would not fit either) are dropped and counted
    assert heard(listener) == [[i, 200] + [0] * 30 for i in range(3)]
    assert listener.radio is not None and listener.radio.counts.dropped == 3


def test_a_board_receives_corrupted_duplicated_packets_as_the_seed_says(boards):
    # the host's radio speaks to a board: the board's module reads what the medium's
    # faults made of the packets, byte for byte
    runs: list[int] = []

    def once() -> tuple[list[list[int]], list[tuple[str, str, bytes]]]:
        medium = RadioMedium(seed=4, duplicate=0.3, corrupt=0.3)
        medium.record = True
        runs.append(1)
        # the same name each run (the faults follow the names), its own flash folder
        listener = boards(medium, "listener",
                          LISTEN.format(setup="radio.config(queue=40, length=8)"),
                          folder=f"listener{len(runs)}")
        until(listener, b"ready")
        host = medium.attach("host")
        host.on()
        for i in range(20):
            host.send_bytes(bytes([i, 255 - i]))
        go(listener)
        return heard(listener), medium.log

    got, log = once()
    assert got == [list(data) for _, _, data in log]
    assert len(got) > 20 and any(m not in ([i, 255 - i] for i in range(20)) for m in got)
    again, _ = once()
    assert again == got


def test_a_packet_ends_the_firmwares_wait_for_input(boards):
    # the firmware sleeps in its recv host call (hal_virtual) until input comes: a radio
    # packet is input too, so a robot on radio answers without waiting out its sleep
    medium = RadioMedium()
    board = boards(medium, "robot", """import radio
import host
import time
print("ready")
t = time.ticks_ms()
host.call("recv", "20000 16 -1 0")
print("woke", time.ticks_diff(time.ticks_ms(), t), radio.receive_bytes())
""")
    until(board, b"ready")
    (laptop,) = on_air(medium, "laptop")
    laptop.send_bytes(b"go")
    text = until(board, b"woke")
    waited = int(text.split("woke ")[1].split()[0])
    assert waited < 10000 and "b'go'" in text


def test_a_powered_off_board_hears_nothing(boards):
    medium = RadioMedium()
    listener = boards(medium, "listener", LISTEN.format(setup=""))
    until(listener, b"ready")
    assert listener.radio is not None and listener.radio.is_on  # `import radio` turns it on
    listener.stop()
    (sender,) = on_air(medium, "host")
    sender.send_bytes(b"anyone?")
    assert medium.counts.delivered == 0 and not listener.radio.is_on


def test_a_board_without_a_radio_boots_as_before(tmp_path):
    flash = tmp_path / "plain"
    flash.mkdir()
    (flash / "main.py").write_text("import radio\n")
    guest = FirmwareGuest(flash=flash, repl=True)
    guest.start()
    try:
        text = until(guest, b">>> ")
    finally:
        guest.stop()
    assert "ImportError" in text and "radio_mp" not in text


def test_the_guest_module_stays_small():
    # it shares the board's 64 KiB heap with the firmware
    source = Path(__file__).resolve().parents[1] / "host/dojokit/sim/radio_mp.py"
    assert len(source.read_bytes()) < 3000
