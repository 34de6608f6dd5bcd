"""`ble:NAME` end to end: the robot's own firmware (firmware/dk_ble.py, under the simulator's
MicroPython) on a simulated ESP32 whose `bluetooth` module is a bumble peripheral
(dojokit.sim.ble), and the host's real bleak code (dojokit.link.ble_transport) through the
bumble backend (dojokit.link.ble_bumble), on one bumble air. The pairing code is read off
the robot's lights, as a child reads it."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from dojokit.colour_names import colour_name
from dojokit.feedback import STATES as FEEDBACK
from dojokit.feedback import capped
from dojokit.link import Link, ble_bumble
from dojokit.link.ble_transport import (
    NUS_RX,
    NUS_TX,
    BleLocked,
    BleTransport,
    BleTwice,
    BleWrongCode,
    scan,
)
from dojokit.protocol import FrameDecoder, Kind, Reason, drive, encode_frame, pair
from dojokit.sim.ble import BlePeripheral
from dojokit.sim.ble_air import Air
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest

ROOT = Path(__file__).resolve().parents[1]
KIT = "esp32_2wd"  # 4 pixels and 1 LED: the code on lights 0-2
CALM_CAP = 120  # the firmware's default brightness cap (dk_guard.CALM)
WAIT = 20.0  # generous: a busy machine


def _identity_colours() -> list[tuple[int, int, int]]:
    src = (ROOT / "firmware/dk_core.py").read_text(encoding="utf-8")
    m = re.search(r"^COLOURS = (\(.*?\)\))\n", src, re.S | re.M)
    assert m
    return [tuple(c) for c in eval(m.group(1))]  # a literal tuple of tuples


STATES = {name: rgb for name, rgb, _sign in FEEDBACK}
# what each identity colour looks like on a robot under the calm profile, by colour name
SHOWN = {colour_name(capped(c, CALM_CAP)): i for i, c in enumerate(_identity_colours())}


class Robot:
    """One simulated ESP32 robot on the air, running our firmware."""

    def __init__(self, air: Air, name: str, number: int, colour: int = 2) -> None:
        self.board = VirtualBoard(nlights=5)
        self.peripheral = BlePeripheral(air, name=f"{name}{number}")
        # an ESP32's heap (about 110 KB free on a plain ESP32), not the micro:bit's 64 KB: the
        # simulator's `bluetooth` module is MicroPython code in that heap (about 6 KB) and
        # makes garbage for each event, where a board's reuses its event tuples
        self.guest = FirmwareGuest(self.board, kit=KIT, name=(colour, number, name),
                                   ble=self.peripheral, heap_kb=128)

    def start(self) -> None:
        self.guest.start()

    async def code(self) -> list[int]:
        """The three colours the robot shows, as a child would name them."""
        end = time.monotonic() + WAIT
        last: list[int] | None = None
        while time.monotonic() < end:
            lights = self.board.lights
            names = [colour_name(rgb) for rgb in lights[:3]]
            now = [SHOWN[n] for n in names if n in SHOWN]
            if any(any(c) for c in lights[3:]):  # the code: the first three, the rest dark
                now = []
            if len(now) == 3 and now == last:
                return now
            last = now if len(now) == 3 else None
            await asyncio.sleep(0.4)  # a fade takes 0.3 s: two equal looks are settled
        raise AssertionError(f"no code on the lights: {self.board.lights}")


@asynccontextmanager
async def air_with(*robots: tuple[str, int]) -> AsyncIterator[tuple[Air, list[Robot]]]:
    air = Air()
    ble_bumble.use_air(air)
    made = [Robot(air, name, number) for name, number in robots]
    try:
        for r in made:
            r.start()
        await asyncio.sleep(1.0)  # booted and advertising
        yield air, made
    finally:
        for r in made:  # off the loop: the guest's BLE calls wait on it
            await r.guest.stopped()
        ble_bumble.use_air(None)


def asker(robot: Robot, wrong_first: int = 0) -> tuple[list[int | None], object]:
    """A code asker that reads the lights (after `wrong_first` wrong tries); records the
    tries-left it was told."""
    told: list[int | None] = []

    async def ask(left: int | None) -> Sequence[int] | None:
        told.append(left)
        code = await robot.code()
        if len(told) <= wrong_first:
            return [(c + 1) % 8 for c in code]
        return code

    return told, ask


def run(coro: object) -> object:
    return asyncio.run(asyncio.wait_for(coro, 120))  # type: ignore[arg-type]


@pytest.mark.parametrize("mtu", [23, 247])
def test_a_robot_is_found_by_identity_paired_by_its_colours_and_driven(mtu: int) -> None:
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            found = await scan(2.0)
            assert [(r.name, r.number) for r in found] == [("kiwi", 5)]
            assert found[0].rssi is not None
            told, ask = asker(robot)
            transport = BleTransport("kiwi", ask_code=ask, mtu=mtu)  # type: ignore[arg-type]
            link = Link(transport)
            info = await link.connect()
            try:
                assert (info.name, info.number) == ("kiwi", 5)
                assert told == [None]
                assert transport._client.mtu_size == mtu
                await link.command(Kind.DRIVE, drive(40, 40))
                end = time.monotonic() + WAIT
                while robot.board.motors == (0, 0) and time.monotonic() < end:
                    await asyncio.sleep(0.05)
                assert robot.board.motors != (0, 0)
            finally:
                await link.close()

    run(go())


def test_a_wrong_code_is_refused_with_the_tries_left_then_the_right_one_pairs() -> None:
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            told, ask = asker(robot, wrong_first=2)
            link = Link(BleTransport("kiwi", ask_code=ask))  # type: ignore[arg-type]
            await link.connect()
            await link.close()
            assert told == [None, 4, 3]

    run(go())


def test_five_wrong_codes_lock_pairing_and_a_script_gets_one_sentence() -> None:
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            # a script's code is tried once: a wrong one is one sentence (a new code is drawn
            # at each connection, so the rare right guess is simply tried again)
            for _ in range(3):
                transport = BleTransport("kiwi", code=[0, 0, 0])
                try:
                    await transport.open()
                except BleWrongCode as exc:
                    assert "4" in str(exc)  # tries left
                    break
                await transport.close()
            else:
                raise AssertionError("000 was the code three times")
            _told, ask = asker(robot, wrong_first=99)
            with pytest.raises(BleLocked) as locked:
                await BleTransport("kiwi", ask_code=ask).open()  # type: ignore[arg-type]
            assert "30" in str(locked.value)
            # while locked the robot shows "waiting", no code, and refuses any code
            waiting = capped(STATES["waiting"], CALM_CAP)
            end = time.monotonic() + WAIT  # after the guard's hold and fade
            while robot.board.lights != [waiting] * 5 and time.monotonic() < end:
                await asyncio.sleep(0.1)
            assert robot.board.lights == [waiting] * 5
            with pytest.raises(BleLocked):
                await BleTransport("kiwi", code=[1, 2, 3]).open()

    run(go())


def test_an_unpaired_host_moves_nothing_and_changes_no_light() -> None:
    """Frames from a host that never paired: HELLO is answered, everything else refused."""
    from bleak import BleakClient

    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            (found,) = await scan(2.0)
            replies: list[bytes] = []
            async with BleakClient(found.device, backend=ble_bumble.BumbleClient) as client:
                await client.start_notify(NUS_TX, lambda _c, d: replies.append(bytes(d)))
                await robot.code()
                lights = list(robot.board.lights)
                frames = [encode_frame(Kind.HELLO, 1, bytes([2])),
                          encode_frame(Kind.DRIVE, 2, drive(100, 100)),
                          encode_frame(Kind.LIGHT, 3, bytes([255, 255, 0, 0])),
                          encode_frame(Kind.STATE, 4, bytes([2]))]
                for f in frames:
                    for i in range(0, len(f), 20):
                        await client.write_gatt_char(NUS_RX, f[i:i + 20], response=False)
                end = time.monotonic() + WAIT
                got: list = []
                while time.monotonic() < end and not any(r.seq == 4 for r in got):
                    await asyncio.sleep(0.1)
                    got = FrameDecoder().feed(b"".join(replies))
                kinds = {(r.seq, r.kind) for r in got}
                assert {(1, Kind.INFO), (1, Kind.IDENT), (1, Kind.ACK)} <= kinds
                for seq in (2, 3, 4):
                    nak = [r for r in got if r.seq == seq]
                    assert [(r.kind, r.payload[0]) for r in nak] == [(Kind.NAK,
                                                                      Reason.NOT_PAIRED)]
                await asyncio.sleep(1.0)
                assert robot.board.motors == (0, 0)
                assert robot.board.lights == lights

    run(go())


def test_two_robots_with_one_name_are_both_listed_and_none_is_guessed() -> None:
    from dojokit.cli.mentor import ble_rows

    async def go() -> None:
        async with air_with(("kiwi", 5), ("kiwi", 9)) as (_air, (_a, b)):
            # `dojokit kits`: both, by identity, with their signal
            rows = ble_rows(await scan(2.0))
            assert sorted(r[0] for r in rows) == ["ble:kiwi 5", "ble:kiwi 9"]
            assert all("signal -60 dBm" in r[2] for r in rows)
            with pytest.raises(BleTwice) as twice:
                await BleTransport("kiwi", code=[0, 0, 0]).open()
            assert "kiwi 5" in str(twice.value) and "kiwi 9" in str(twice.value)
            _told, ask = asker(b)
            link = Link(BleTransport("kiwi 9", ask_code=ask))  # type: ignore[arg-type]
            info = await link.connect()
            assert info.number == 9
            await link.close()

    run(go())


def test_a_disconnect_while_driving_stops_the_wheels_at_once() -> None:
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            _told, ask = asker(robot)
            transport = BleTransport("kiwi", ask_code=ask)  # type: ignore[arg-type]
            link = Link(transport)
            await link.connect()
            await link.command(Kind.DRIVE, drive(50, 50))
            end = time.monotonic() + WAIT
            while robot.board.motors == (0, 0) and time.monotonic() < end:
                await asyncio.sleep(0.02)
            assert robot.board.motors != (0, 0)
            t0 = robot.guest.clock.now_ms()
            await transport.close()  # the laptop goes away: the robot is told at once
            while robot.board.motors != (0, 0) and time.monotonic() < end:
                await asyncio.sleep(0.01)
            assert robot.board.motors == (0, 0)
            assert robot.guest.clock.now_ms() - t0 < 500
            await link.close()

    run(go())


def test_ten_thousand_frames_from_an_unpaired_host_move_nothing() -> None:
    """Fuzz: random commands (valid frames, any kind and payload) and noise from a host that
    never paired: no motor turns, no light changes, and every command is answered."""
    import random

    from bleak import BleakClient

    rnd = random.Random(16)
    frames = []
    for i in range(10_000):
        kind = rnd.choice([k for k in range(1, 0x40) if k not in (Kind.HELLO, Kind.PAIR)])
        frames.append(encode_frame(kind, i & 255, rnd.randbytes(rnd.randrange(10))))
        if i % 50 == 0:
            frames.append(rnd.randbytes(rnd.randrange(1, 30)).replace(b"~", b"x"))

    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            (found,) = await scan(2.0)
            replies = bytearray()
            async with BleakClient(found.device, backend=ble_bumble.BumbleClient) as client:
                await client.start_notify(NUS_TX, lambda _c, d: replies.extend(d))
                await robot.code()
                lights = list(robot.board.lights)
                blob = b"".join(frames)
                step = client.mtu_size - 3
                for i in range(0, len(blob), step):
                    await client.write_gatt_char(NUS_RX, blob[i:i + step], response=False)
                    assert robot.board.motors == (0, 0)
                    if i % (step * 64) == 0:
                        await asyncio.sleep(0.02)  # the robot's buffer is 256 bytes
                end = time.monotonic() + WAIT
                while len(FrameDecoder().feed(bytes(replies))) < 5000 and time.monotonic() < end:
                    await asyncio.sleep(0.1)
                answered = FrameDecoder().feed(bytes(replies))
                assert answered and all(r.kind == Kind.NAK for r in answered if r.kind != Kind.ACK)
                assert {r.payload[0] for r in answered if r.kind == Kind.NAK} == {Reason.NOT_PAIRED}
                assert robot.board.motors == (0, 0)
                assert robot.board.lights == lights
                assert robot.guest.running, bytes(robot.guest.console).decode()[-800:]

    run(go())


def test_frames_that_arrive_together_are_all_done() -> None:
    """Four commands written at once fill more than one loop turn's buffer: the robot keeps
    what does not fit for the next turn, and answers every one."""
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            _told, ask = asker(robot)
            transport = BleTransport("kiwi", ask_code=ask)  # type: ignore[arg-type]
            link = Link(transport)
            await link.connect()
            try:
                commands = [link.command(Kind.LIGHT, bytes((i, 0, 80, 255)), timeout=WAIT)
                            for i in range(4)]
                await asyncio.gather(*commands)  # each acknowledged: none was lost
            finally:
                await link.close()

    run(go())


def test_pair_payload_is_three_symbols() -> None:
    assert pair((0, 2, 6)) == bytes((0, 2, 6))
    with pytest.raises(ValueError):
        pair((1, 2))


def test_ping_check_and_a_program_over_ble_as_over_serial(tmp_path: Path, capsys,
                                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The CLI's own commands on `ble:kiwi`, the code asked as at a terminal and read off the
    lights; the program's trace is the one the same firmware leaves over its USB cable."""
    import json
    import sys

    from dojokit.cli.box import _load as load_box
    from dojokit.cli.main import cmd_check, cmd_ping
    from dojokit.cli.run import Output, _run_with_kit
    from dojokit.kits.build import build
    from dojokit.link import ble_transport
    from dojokit.scratch.project import load_project
    from dojokit.sim.served import serve
    from dojokit.themebox.grade import _run as grade_run
    from dojokit.themebox.grade import judge

    program = ROOT / "themeboxes/lighthouse/programs/beacon/model.json"
    graded: list[tuple[str, list[str]]] = []
    monkeypatch.setenv("DOJOKIT_LANG", "en")
    monkeypatch.delenv("DOJOKIT_BLE_CODE", raising=False)

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    (tmp_path / "fs").mkdir()
    for name, data in build("virtual", KIT, (2, 5, "kiwi")).items():
        (tmp_path / "fs" / name).write_bytes(data)
    served = serve(tmp_path / "serial", tmp_path / "fs")  # the same firmware on a cable

    def events(path: Path) -> list[str]:
        return [json.dumps({k: v for k, v in e.items() if k != "t"}, sort_keys=True)
                for e in json.loads(path.read_text())["events"]]

    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            monkeypatch.setattr(ble_transport, "terminal_asker",
                                lambda _name: asker(robot)[1])
            assert await cmd_ping("ble:kiwi", 10) == 0
            out = capsys.readouterr().out
            assert "kiwi" in out and "5" in out, out
            assert await cmd_check("ble:kiwi") == 0
            assert "everything answered" in capsys.readouterr().out
            project = load_project(str(program))
            for kit, trace in (("ble:kiwi", "ble.json"),
                               (f"serial:{tmp_path / 'serial'}", "serial.json")):
                code = await _run_with_kit(project, kit, 10.0, str(tmp_path / trace), None,
                                           Output())
                assert code == 0, capsys.readouterr()
            # `box grade --kit ble:kiwi`: the grader's own run on the kit, judged the same
            box = load_box("lighthouse")
            exercise = box.exercise("beacon")

            def verdict(trace: dict) -> str:  # type: ignore[type-arg]
                return judge(box, exercise, project.data, trace, "en").verdict

            for kit in ("ble:kiwi", f"serial:{tmp_path / 'serial'}"):
                trace = await grade_run(project.data, None, box.profile, exercise.time_limit,
                                        0, kit, verdict)
                graded.append((verdict(trace), [e["kind"] for e in trace["events"]]))

    try:
        time.sleep(1.0)
        run(go())
    finally:
        served.close()
    assert events(tmp_path / "ble.json") == events(tmp_path / "serial.json")
    assert graded[0] == graded[1] and graded[0][0] == "finished"


@pytest.mark.parametrize(("reason", "words"), [
    ("NO_BLUETOOTH", "no Bluetooth"), ("POWERED_OFF", "switched off"),
    ("DENIED_BY_USER", "may not use Bluetooth"), ("DENIED_BY_SYSTEM", "may not use Bluetooth"),
])
def test_a_computer_whose_bluetooth_cannot_be_used_gets_one_sentence_exit_2(
        reason: str, words: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """What bleak says when Bluetooth is missing, off or not permitted becomes one sentence
    saying what to do, and `dojokit ping ble:...` ends with exit code 2, no traceback."""
    from bleak import BleakScanner
    from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason

    from dojokit.cli.main import main

    async def start(*_a: object, **_k: object) -> object:
        raise BleakBluetoothNotAvailableError("no", BleakBluetoothNotAvailableReason[reason])

    monkeypatch.setenv("DOJOKIT_LANG", "en")
    monkeypatch.setenv("DOJOKIT_BLE_CODE", "")  # --code sets it: restored after the test
    monkeypatch.setattr(BleakScanner, "start", start)  # where bleak finds out
    assert main(["ping", "ble:kiwi", "--code", "blue yellow white"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_code_that_is_not_three_colours_is_one_sentence(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from dojokit.cli.main import main

    monkeypatch.setenv("DOJOKIT_LANG", "nl")
    monkeypatch.setenv("DOJOKIT_BLE_CODE", "")  # --code sets it: restored after the test
    assert main(["ping", "ble:kiwi", "--code", "blauw rood"]) == 2
    err = capsys.readouterr().err
    assert "geen drie kleuren" in err and "Traceback" not in err


def test_a_robot_that_drops_out_during_a_run_stops_and_the_host_connects_again() -> None:
    """The link drops (a hiccup, the robot out of reach): the wheels stop and the robot shows
    "waiting" by itself; the host connects again with back-off, from the same computer within
    a minute, so it is still paired (no new code), and the program's next command is done.
    Another computer, meanwhile, would have to give a new code."""
    async def go() -> None:
        async with air_with(("kiwi", 5)) as (_air, (robot,)):
            told, ask = asker(robot)
            transport = BleTransport("kiwi", ask_code=ask)  # type: ignore[arg-type]
            link = Link(transport)
            await link.connect()
            try:
                await link.command(Kind.DRIVE, drive(50, 50))
                end = time.monotonic() + WAIT
                while robot.board.motors == (0, 0) and time.monotonic() < end:
                    await asyncio.sleep(0.02)
                for connection in list(robot.peripheral.device.connections.values()):
                    await connection.disconnect()  # the robot's side drops the link
                while robot.board.motors != (0, 0) and time.monotonic() < end:
                    await asyncio.sleep(0.02)
                assert robot.board.motors == (0, 0)
                await link.command(Kind.DRIVE, drive(30, 30), timeout=WAIT)
                assert transport.reconnects == 1 and len(told) == 1  # asked once only
                assert not link.lost.is_set()
                while robot.board.motors == (0, 0) and time.monotonic() < end:
                    await asyncio.sleep(0.02)
                assert robot.board.motors != (0, 0)
            finally:
                await link.close()
            # another computer: it never paired, so it still has a code to give
            from bleak import BleakClient

            (found,) = await scan(2.0)
            replies: list[bytes] = []
            async with BleakClient(found.device, backend=ble_bumble.BumbleClient,
                                   host_address="F0:00:00:00:AA:01") as other:
                await other.start_notify(NUS_TX, lambda _c, d: replies.append(bytes(d)))
                await other.write_gatt_char(NUS_RX, encode_frame(Kind.PAIR, 7, b""),
                                            response=False)
                end = time.monotonic() + WAIT
                while not FrameDecoder().feed(b"".join(replies)) and time.monotonic() < end:
                    await asyncio.sleep(0.05)
                (answer,) = FrameDecoder().feed(b"".join(replies))
                assert (answer.kind, answer.payload[0]) == (Kind.NAK, Reason.NOT_PAIRED)

    run(go())
