"""End to end through real parts: host -> pyserial -> pseudo-terminal -> firmware under
MicroPython -> and back; and every way a port can be wrong, as a mentor would meet it."""

import asyncio
import os
import pty
import re
import shutil
import threading
import tty

import pytest

from dojokit.kits.build import firmware_dir
from dojokit.link import Link, open_transport
from dojokit.link.errors import NoAnswer, NotDojokit, PortProblem, VersionMismatch
from dojokit.robot import Robot
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest
from dojokit.sim.pty_server import PtyBridge


@pytest.fixture
def sim_pty(tmp_path):
    """A simulated kit served on a pseudo-terminal, as `dojokit sim serve --pty` does."""
    made = []

    def make(firmware=None):
        guest = FirmwareGuest(VirtualBoard(), name=(1, 3, "Uil"), firmware=firmware)
        bridge = PtyBridge(guest, tmp_path / f"robot{len(made)}")
        guest.start()
        bridge.start()
        made.append((guest, bridge))
        return guest, bridge

    yield make
    for guest, bridge in made:
        bridge.close()
        guest.stop()


def test_robot_over_pyserial_and_a_pty(sim_pty, run):
    guest, bridge = sim_pty()

    async def go():
        robot = await Robot.open(f"serial:{bridge.path}")
        try:
            await robot.set_profile("standard")
            await robot.drive(70, 30)
            await asyncio.sleep(0.4)
            sensors = await robot.read_sensors()
            return robot.info, guest.board.motors, sensors
        finally:
            await robot.close()

    info, motors, sensors = run(go())
    assert (info.name, info.number, info.kit) == ("Uil", 3, f"serial:{bridge.path}")
    assert motors == (70, 30)
    assert sensors.distance_mm is None  # nothing in front of the virtual robot


def test_a_busy_port_is_explained(sim_pty, run):
    _, bridge = sim_pty()

    async def go():
        first = await Robot.open(f"serial:{bridge.path}")
        try:
            with pytest.raises(PortProblem) as err:
                await Robot.open(bridge.path)
            return str(err.value)
        finally:
            await first.close()

    text = run(go())
    assert "in use by another program" in text and bridge.path in text


def test_a_missing_port_is_explained(run):
    with pytest.raises(PortProblem) as err:
        run(Link(open_transport("/dev/ttyDOESNOTEXIST")).connect())
    assert "There is no port /dev/ttyDOESNOTEXIST" in str(err.value)


def _fake_device(lines: bytes):
    """A serial device that is not a dojokit robot: it answers everything with `lines`."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                data = os.read(master, 256)
            except OSError:
                return
            if data and lines:
                os.write(master, lines)

    threading.Thread(target=serve, daemon=True).start()

    def close():
        stop.set()
        os.close(slave)
        os.close(master)

    return os.ttyname(slave), close


def test_a_device_printing_garbage_is_not_taken_for_a_robot(run):
    path, close = _fake_device(b"MicroPython v1.22.0 on 2024-01-01; ESP32\r\n>>> ")
    try:
        with pytest.raises(NotDojokit) as err:
            run(Link(open_transport(path), hello_timeout=1.0).connect())
    finally:
        close()
    assert "not as a dojokit robot" in str(err.value) and "MicroPython v1.22.0" in str(err.value)


def test_a_silent_device_is_no_answer(run):
    path, close = _fake_device(b"")
    try:
        with pytest.raises(NoAnswer) as err:
            run(Link(open_transport(path), hello_timeout=0.8).connect())
    finally:
        close()
    assert "did not answer within 0.8 seconds" in str(err.value)


def test_a_kit_with_an_old_protocol_gets_a_clear_message(sim_pty, tmp_path, run):
    # the real firmware, built as if it spoke protocol 1
    old = tmp_path / "old-firmware"
    shutil.copytree(firmware_dir(), old)
    src = (old / "dk_proto.py").read_text()
    (old / "dk_proto.py").write_text(re.sub(r"PROTO = const\(2\)", "PROTO = const(1)", src))
    _, bridge = sim_pty(firmware=old)
    with pytest.raises(VersionMismatch) as err:
        run(Link(open_transport(bridge.path)).connect())
    assert "protocol (version 1; this laptop speaks version 2)" in str(err.value)
