"""A micro:bit robot driven through its radio bridge, end to end: both boards run their own
firmware under the simulator's MicroPython (the robot its build with the radio transport,
firmware/dk_radiolink.py; the bridge firmware/dk_bridge.py), the radio between them is the
simulated one with seeded loss, and the laptop names the robot `radio:NAME`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dojokit.cli.main import main
from dojokit.kits.build import build
from dojokit.link import Link
from dojokit.link.errors import LinkError
from dojokit.link.radio_transport import RadioTransport
from dojokit.protocol import Kind
from dojokit.robot import Robot
from dojokit.sim.radio import RadioMedium
from dojokit.sim.served import RadioPair, serve, serve_radio

PROGRAM = Path(__file__).parents[1] / "themeboxes/lighthouse/programs/beacon/model.json"


@pytest.fixture
def room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DOJOKIT_SIM_PORTS", str(tmp_path / "tty*"))
    monkeypatch.setenv("DOJOKIT_LANG", "en")
    yield tmp_path


@pytest.fixture
def pairs() -> Iterator[list[RadioPair]]:
    made: list[RadioPair] = []
    yield made
    for p in made:
        p.close()


def radio_robot(port: Path, name: str, **link: float) -> Robot:
    """A Robot on `radio:NAME` through the bridge on `port` (not yet connected)."""
    return Robot(Link(RadioTransport(name, ports=[str(port)]), **link))


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def events(path: Path) -> list[tuple[str, str]]:
    return [(e["kind"], json.dumps({k: v for k, v in e.items() if k != "t"}, sort_keys=True))
            for e in json.loads(path.read_text())["events"]]


def test_ping_check_and_a_program_over_the_radio_as_over_serial(
        room: Path, pairs: list[RadioPair], capsys) -> None:  # type: ignore[no-untyped-def]
    pairs.append(serve_radio(room / "ttyR", room / "radio", name=(2, 5, "kiwi"), loss=0.1,
                             seed=4))
    (room / "fs").mkdir()
    for name, data in build("virtual", "sim", (2, 5, "kiwi")).items():
        (room / "fs" / name).write_bytes(data)
    served = serve(room / "serial", room / "fs")  # the same firmware on its USB cable
    try:
        time.sleep(1.0)
        code, out, err = run_cli(capsys, "kits")
        bridge_row = next(line for line in out.splitlines() if str(room / "ttyR") in line)
        assert "bridge for kiwi 5 (yellow)" in bridge_row and "ready" in bridge_row
        code, out, err = run_cli(capsys, "ping", "radio:kiwi", "--count", "20")
        assert code == 0 and "Robot kiwi, number 5" in out, out + err
        code, out, err = run_cli(capsys, "check", "radio:kiwi")
        assert code == 0 and "everything answered" in out, out + err
        code, out, err = run_cli(capsys, "run", str(PROGRAM), "--kit", "radio:kiwi",
                                 "--timeout", "10", "--trace", str(room / "radio.json"))
        assert code == 0, out + err
        code, out, err = run_cli(capsys, "run", str(PROGRAM), "--kit",
                                 f"serial:{room / 'serial'}", "--timeout", "10", "--trace",
                                 str(room / "serial.json"))
        assert code == 0, out + err
        assert events(room / "radio.json") == events(room / "serial.json")
        assert pairs[0].medium.counts.lost > 0  # the air did lose packets meanwhile
    finally:
        served.close()


def test_at_ten_percent_loss_every_command_is_applied_once_in_order(
        room: Path, pairs: list[RadioPair]) -> None:
    pair = serve_radio(room / "ttyR", room / "radio", name=(1, 3, "mango"), loss=0.1, seed=9)
    pairs.append(pair)
    images = [(1 << (i % 25)) | (1 << 24 - (i * 7) % 25) for i in range(60)]

    async def drive() -> None:
        robot = radio_robot(room / "ttyR", "mango")
        await robot.link.connect()
        try:
            for bits in images:
                await robot.display_image(bits, 5)
        finally:
            await robot.close()

    asyncio.run(drive())
    shown = [o.value[0] for o in pair.robot.board.outputs("image")]
    assert shown[-len(images):] == images  # all of them, once each, in the order sent
    assert pair.medium.counts.lost >= 5


def test_the_robot_stops_when_its_bridge_is_unplugged(room: Path,
                                                     pairs: list[RadioPair]) -> None:
    pair = serve_radio(room / "ttyR", room / "radio", name=(1, 3, "mango"))
    pairs.append(pair)

    unplugged: list[int] = []

    async def drive() -> None:
        robot = radio_robot(room / "ttyR", "mango")
        await robot.link.connect()
        await robot.drive(40, 40)
        await asyncio.sleep(1.5)  # the calm profile's pause before the wheels turn, and more
        unplugged.append(pair.robot.guest.clock.now_ms())  # the robot's own clock
        pair.bridge.stop()  # the bridge is pulled out of the laptop
        await asyncio.sleep(1.5)
        await robot.link.close()

    asyncio.run(drive())
    moves = pair.robot.board.outputs("motors")
    before = [o for o in moves if o.t_ms <= unplugged[0]]
    assert before and before[-1].value != (0, 0), (unplugged, moves)  # driving when it went
    stop = moves[-1]
    assert stop.value == (0, 0) and stop.t_ms > unplugged[0]
    # no valid packet for 500 ms: the wheels stop (a turn looks at the radio every 20 ms)
    assert stop.t_ms - unplugged[0] <= 500 + 40, stop.t_ms - unplugged[0]


def test_a_bridge_plugged_in_again_and_a_robot_switched_on_again_still_work(
        room: Path, pairs: list[RadioPair]) -> None:
    """Each board's packet counter goes on from where it was (ctr.txt), so its peer, still
    running, does not take the new packets for replays."""
    pair = serve_radio(room / "ttyR", room / "radio", name=(1, 3, "mango"))
    pairs.append(pair)

    async def show(bits: int, times: int = 1) -> None:
        robot = radio_robot(room / "ttyR", "mango")
        await robot.link.connect()
        try:
            for _ in range(times):
                await robot.link.command(Kind.HEARTBEAT)
            await robot.display_image(bits, 5)
        finally:
            await robot.close()

    asyncio.run(show(3, times=150))  # a session long enough that a counter going back
    # to 1 would be taken for replays for longer than a connection waits
    for board in (pair.bridge, pair.robot):  # unplugged and back; then a battery change
        board.hard_reset()
        time.sleep(0.8)
        asyncio.run(show(5))
    images = [o.value[0] for o in pair.robot.board.outputs("image")]
    assert images.count(5) >= 1 and images.index(3) < len(images) - 1 - images[::-1].index(5)


def test_a_bridge_with_the_wrong_key_drives_nothing(room: Path,
                                                   pairs: list[RadioPair]) -> None:
    # the robot's pair and the bridge's differ only in the key, as after a re-pairing
    pair = serve_radio(room / "ttyR", room / "radio", name=(1, 3, "mango"),
                       key=bytes.fromhex("0102030405060708"),
                       bridge_key=bytes.fromhex("1112131415161718"))
    pairs.append(pair)
    time.sleep(0.5)
    with pytest.raises(LinkError):
        asyncio.run(Robot.open("radio:mango"))  # nobody answers through this bridge
    assert all(o.value == (0, 0) for o in pair.robot.board.outputs("motors"))
    assert pair.medium.counts.delivered > 0  # its packets did reach the robot


def test_fifteen_pairs_side_by_side_each_robot_obeys_only_its_laptop(
        room: Path, pairs: list[RadioPair]) -> None:
    medium = RadioMedium(seed=15)
    n = 15
    for i in range(n):  # one channel, a group and a pair id each, as the flasher gives them
        pairs.append(serve_radio(room / f"tty{i:02d}", room / f"p{i}",
                                 name=(i % 8, i + 1, f"r{i:02d}"), medium=medium,
                                 pairing=(12, 40 + i, i + 1)))

    async def one(i: int) -> None:
        robot = radio_robot(room / f"tty{i:02d}", f"r{i:02d}", hello_timeout=10)
        await robot.link.connect()
        try:
            for k in range(3):
                await robot.display_image(i + 1 + 100 * k, 5)
        finally:
            await robot.close()

    async def everyone() -> None:
        await asyncio.gather(*(one(i) for i in range(n)))

    asyncio.run(everyone())
    for i, p in enumerate(pairs):
        shown = [o.value[0] for o in p.robot.board.outputs("image")]
        mine = [i + 1 + 100 * k for k in range(3)]
        assert [b for b in shown if b in range(1, 400) and b % 100 <= n] == mine, i


def test_ten_thousand_foreign_packets_never_move_the_robot(room: Path,
                                                          pairs: list[RadioPair]) -> None:
    """Random bytes, mutated packets of the pair and replays of what its bridge sent: the
    robot acts on none, keeps running and still obeys its own laptop afterwards."""
    import random

    from dojokit.link.radio_packet import HOST, Auth
    from dojokit.protocol import Kind
    from dojokit.protocol.codec import crc16

    key = bytes.fromhex("a1a2a3a4a5a6a7a8")
    pair = serve_radio(room / "ttyR", room / "radio", name=(1, 3, "mango"), key=key)
    pairs.append(pair)
    pair.medium.record = True

    async def talk(kind: int) -> None:
        robot = radio_robot(room / "ttyR", "mango")
        await robot.link.connect()
        try:
            await robot.display_image(0b10101, 5)
        finally:
            await robot.close()

    asyncio.run(talk(0))
    heard = [d for s, r, d in pair.medium.log if s.startswith("bridge")]
    assert heard
    board = pair.robot.board
    # the laptop has gone: the robot stops and shows "waiting"; wait until it rests
    before, quiet_since = len(board.log), time.monotonic()
    while time.monotonic() - quiet_since < 1.0:
        time.sleep(0.1)
        if len(board.log) != before:
            before, quiet_since = len(board.log), time.monotonic()
    rnd = random.Random(10_000)
    forger = Auth(key, 7, HOST, counter=10**6)  # fresh counters, then mutated
    robot_radio = next(r for r in pair.medium.radios if r.name.startswith("robot"))
    fuzz = pair.medium.attach("fuzz")
    fuzz.on()
    fuzz.config(channel=12, group=42)
    for i in range(10_000):
        kind = i % 3
        if kind == 0:
            p = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 33)))
        elif kind == 1:
            raw = bytes((Kind.DRIVE, i & 255, 100, 100))
            p = bytearray(forger.seal(raw + crc16(raw).to_bytes(2, "big")))
            p[rnd.randrange(len(p))] ^= 1 << rnd.randrange(8)  # never the packet itself
            p = bytes(p)
        else:
            p = rnd.choice(heard)  # what the real bridge said before: a replay
        while robot_radio.waiting:
            time.sleep(0.0005)
        fuzz.send_bytes(p)
    time.sleep(0.5)
    acted = [o for o in board.log[before:] if o.what in ("motors", "light", "image", "tone")]
    assert acted == []
    assert pair.robot.running
    after = len(board.log)
    asyncio.run(talk(0))  # and it still obeys its laptop
    assert (0b10101, 5) in [o.value for o in board.log[after:] if o.what == "image"]
