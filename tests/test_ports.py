"""Opening serial ports and explaining failures, on real pseudo-terminals and real processes."""

from __future__ import annotations

import errno
import os
import pty
import select
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial
import serial.serialposix

from dojokit.kits import ports
from dojokit.kits.ports import PortOpenError, PortProblem, diagnose_open_error, open_exclusive

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses Linux ptys and /proc")

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def pty_path() -> Iterator[str]:
    """A free pseudo-terminal: yields the slave's path; both ends closed afterwards."""
    master, slave = pty.openpty()
    try:
        yield os.ttyname(slave)
    finally:
        os.close(slave)
        os.close(master)


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    """(master fd, slave path) of a pseudo-terminal, closed afterwards."""
    master, slave = pty.openpty()
    try:
        yield master, os.ttyname(slave)
    finally:
        os.close(slave)
        os.close(master)


HOLDER_SCRIPT = """\
import sys, time
import serial
port = serial.Serial(sys.argv[1], exclusive=True)
sys.stdout.write("ready\\n")
sys.stdout.flush()
time.sleep(30)
"""


@pytest.fixture
def holder(tmp_path: Path, pty_path: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Another program (a python script) that has the pty open with pyserial's lock."""
    script = tmp_path / "holder_probe.py"
    script.write_text(HOLDER_SCRIPT)
    child = subprocess.Popen(
        [sys.executable, str(script), pty_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stderr is not None
        ready, _, _ = select.select([child.stdout], [], [], 5.0)
        if not ready:
            pytest.fail("holder process did not open the port within 5 s")
        line = child.stdout.readline()
        assert line == "ready\n", (line, child.stderr.read() if child.poll() is not None else "")
        yield child, pty_path
    finally:
        child.kill()
        try:
            child.wait(timeout=5)
        finally:
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()


def test_open_exclusive_on_a_free_port(pty_pair: tuple[int, str]) -> None:
    master, path = pty_pair
    port = open_exclusive(path)
    try:
        assert port.is_open
        assert port.exclusive is True
        assert port.baudrate == 115200
        assert port.timeout == 0
        assert port.read(10) == b""  # timeout 0: returns at once
        port.write(b"hello")
        port.flush()
        ready, _, _ = select.select([master], [], [], 2.0)
        assert ready
        assert os.read(master, 100) == b"hello"
    finally:
        port.close()
    # Closing releases the lock: the port opens again.
    again = open_exclusive(path, baudrate=9600)
    try:
        assert again.baudrate == 9600
    finally:
        again.close()


def test_second_open_of_the_same_port_is_busy(pty_path: str) -> None:
    first = open_exclusive(pty_path)
    try:
        with pytest.raises(PortOpenError) as caught:
            open_exclusive(pty_path)
    finally:
        first.close()
    problem = caught.value.problem
    assert problem.code == "busy"
    assert problem.path == pty_path
    assert problem.holders == []  # the holder is this very process, which is left out
    assert problem.detail  # the OS text, e.g. "Resource temporarily unavailable"
    assert "being used by another program" in str(caught.value)


def test_who_holds_names_another_program(
    holder: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    child, path = holder
    holders = ports.who_holds(path)
    assert [pid for pid, _ in holders] == [child.pid]
    name = holders[0][1]
    assert name.startswith("python"), name
    assert name.endswith("(holder_probe.py)"), name

    # A symlink to the device (like /dev/serial/by-id/...) finds the same holder.
    link = tmp_path / "usb-Espressif-if00"
    link.symlink_to(path)
    assert ports.who_holds(str(link)) == holders

    # And our own open is refused, with the holder named for the mentor.
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(str(link))
    problem = caught.value.problem
    assert problem.code == "busy"
    assert problem.holders == holders
    assert f"process {child.pid}" in problem.explain()

    # An otherwise unexplained error on a device another program has open: that is the story.
    strange = diagnose_open_error(path, OSError(errno.EIO, "Input/output error"))
    assert (strange.code, strange.holders) == ("busy", holders)


def test_who_holds_is_empty_for_a_free_port_and_a_missing_path(pty_path: str) -> None:
    # The pty fixture's own fds belong to this process, which is excluded.
    assert ports.who_holds(pty_path) == []
    assert ports.who_holds("/dev/does-not-exist-dojokit") == []


def test_missing_port_is_not_found(tmp_path: Path) -> None:
    path = str(tmp_path / "ttyUSB9")
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(path)
    problem = caught.value.problem
    assert problem.code == "not_found"
    assert problem.detail == os.strerror(errno.ENOENT)
    assert "dojokit kits" in problem.explain()
    # The SerialException is kept as the cause, for logs.
    assert isinstance(caught.value.__cause__, serial.SerialException)


def test_dangling_symlink_is_not_found(tmp_path: Path) -> None:
    link = tmp_path / "usb-micro-bit-if01"
    link.symlink_to(tmp_path / "ttyACM7")
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(str(link))
    assert caught.value.problem.code == "not_found"


def test_regular_file_is_not_a_serial_port(tmp_path: Path) -> None:
    path = tmp_path / "robot.txt"
    path.write_text("not a tty\n")
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(str(path))
    problem = caught.value.problem
    assert problem.code == "not_a_serial_port"
    assert problem.detail == os.strerror(errno.ENOTTY)
    assert "not a serial port" in problem.explain()


def test_directory_is_not_a_serial_port(tmp_path: Path) -> None:
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(str(tmp_path))
    assert caught.value.problem.code == "not_a_serial_port"


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions, so the open would succeed")
def test_permission_denied_on_a_real_device(pty_path: str) -> None:
    os.chmod(pty_path, 0)
    with pytest.raises(PortOpenError) as caught:
        open_exclusive(pty_path)
    problem = caught.value.problem
    assert problem.code == "permission"
    assert problem.group is not None


def test_permission_error_as_pyserial_reports_it(pty_path: str) -> None:
    # What pyserial raises for EACCES, built by hand so this runs as root too.
    try:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), pty_path)
    except PermissionError as inner:
        try:
            raise serial.SerialException(
                errno.EACCES, f"could not open port {pty_path}: {inner}"
            ) from None
        except serial.SerialException as outer:
            exc = outer
    problem = diagnose_open_error(pty_path, exc)
    assert problem.code == "permission"
    assert problem.detail == os.strerror(errno.EACCES)
    assert problem.group  # ptys belong to the "tty" group, serial ports to "dialout"
    if sys.platform.startswith("linux"):
        assert f"usermod -aG {problem.group}" in problem.explain()


def test_errno_found_through_the_exception_context(pty_path: str) -> None:
    # pyserial's "Could not configure port" keeps the errno only in termios.error's args.
    try:
        try:
            raise termios.error(errno.ENOTTY, "Inappropriate ioctl for device")
        except termios.error as inner:
            raise serial.SerialException(f"Could not configure port: {inner}") from None
    except serial.SerialException as exc:
        assert diagnose_open_error("/dev/null", exc).code == "not_a_serial_port"

    unplugged = OSError(errno.ENODEV, "No such device")
    assert diagnose_open_error("/dev/null", unplugged).code == "not_found"
    busy = OSError(errno.EBUSY, "Device or resource busy")
    assert diagnose_open_error("/dev/null", busy).code == "busy"
    # An unexplained error on a device nobody else holds stays "other", with the OS text.
    strange = OSError(errno.EIO, "Input/output error")
    other = diagnose_open_error(pty_path, strange)
    assert (other.code, other.detail, other.holders) == ("other", "Input/output error", [])
    assert "Input/output error" in other.explain()


def test_port_problem_is_plain_data() -> None:
    problem = PortProblem("busy", "/dev/ttyUSB0", [(42, "thonny")], "Device or resource busy")
    assert problem.explain() == (
        "/dev/ttyUSB0 is being used by another program: thonny (process 42). Close that "
        "program (or its serial monitor / REPL window) and try again."
    )
    error = PortOpenError(problem)
    assert error.problem is problem
    assert str(error) == problem.explain()


def test_open_exclusive_does_not_drop_dtr_or_rts(
    pty_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dropping a line right after the kernel raised it would pulse an ESP32's reset."""
    calls: list[tuple[int, bytes]] = []
    real_ioctl = serial.serialposix.fcntl.ioctl

    def recording_ioctl(fd: int, request: int, arg: bytes = b"", *rest: object) -> object:
        calls.append((request, arg if isinstance(arg, bytes) else b""))
        return real_ioctl(fd, request, arg, *rest)

    monkeypatch.setattr(serial.serialposix.fcntl, "ioctl", recording_ioctl)
    port = open_exclusive(pty_path)
    port.close()
    requests = [request for request, _ in calls]
    assert serial.serialposix.TIOCMBIC not in requests  # nothing was cleared
    # pyserial did write DTR (asserting it, as the kernel already had); a pty refuses it.
    assert (serial.serialposix.TIOCMBIS, serial.serialposix.TIOCM_DTR_str) in calls


def test_the_nearest_errno_decides(pty_path: str) -> None:
    # A busy error raised while an older "not found" was being handled (a retry loop).
    try:
        try:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        except FileNotFoundError:
            raise serial.SerialException(errno.EBUSY, "could not open port: busy") from None
    except serial.SerialException as exc:
        problem = diagnose_open_error(pty_path, exc)
    assert problem.code == "busy"
