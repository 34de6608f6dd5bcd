"""Opening serial ports, and explaining why one would not open in words a mentor understands.

Everything here returns data; the command line and the GUI decide how to show it.

DTR/RTS on open (what we found for pyserial 3.5 on Linux)
---------------------------------------------------------
ESP32 boards with the usual two-transistor auto-reset circuit (CP210x/CH340/CH9102/FTDI) are
reset when RTS is asserted while DTR is not (EN pulled low), and put in the bootloader when DTR
is asserted while RTS is not (GPIO0 low) and the chip is then released from reset. Both lines
asserted, or both released, leaves the chip alone. The ESP32-S3/C3 built-in USB-Serial/JTAG
reacts to the same line changes sent over USB.

1. The Linux kernel itself asserts DTR *and* RTS inside ``open(2)`` of a serial tty when the
   baud rate is not 0 (``tty_port_block_til_ready``, also with O_NONBLOCK; cdc_acm sends both
   in one control request). No user-space library can prevent this. Both go up together, so
   the auto-reset circuit does nothing.
2. pyserial 3.5 ``Serial.open()`` on POSIX then *always* writes the lines from its own state:
   ``TIOCMBIS``/``TIOCMBIC`` for DTR, then for RTS (in that order), unless hardware flow control
   (``dsrdtr``/``rtscts``) is on. Its state defaults to ``dtr=True, rts=True``. Setting
   ``.dtr``/``.rts`` on a closed Serial object only stores the value; it is applied at open.
3. So the one way to open without toggling anything is to keep the defaults (True, True): the
   writes then repeat what the kernel already did. Setting ``dtr=False, rts=False`` before
   opening (what many people try) makes pyserial drop DTR first and RTS a moment later, and in
   between RTS is asserted while DTR is not: that is exactly an ESP32 reset pulse.
4. On the last close the kernel drops both lines together (HUPCL, which pyserial leaves on):
   again no pulse on the standard circuit. Boards wired with RTS straight to EN (no
   transistor pair) are held in reset while the port is open whatever we do; verify on a real
   board if one turns up.
5. On a pseudo-terminal the DTR ioctl fails with ENOTTY, which pyserial ignores (and then skips
   the RTS write): that is why ptys work in the tests.

``exclusive=True`` makes pyserial take a ``flock(LOCK_EX | LOCK_NB)`` on the tty. That lock is
advisory: it stops other programs that also ask for it (another dojokit, esptool, anything using
pyserial's ``exclusive=True``), not a terminal program that simply opens the port. For those,
``who_holds`` tells who has the device open.
"""

from __future__ import annotations

import errno
import grp
import os
import stat
import sys
from dataclasses import dataclass, field

import serial

NOT_FOUND = "not_found"
BUSY = "busy"
PERMISSION = "permission"
NOT_A_SERIAL_PORT = "not_a_serial_port"
OTHER = "other"

_NOT_FOUND_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO}
_PERMISSION_ERRNOS = {errno.EACCES, errno.EPERM}
_BUSY_ERRNOS = {errno.EBUSY}
_NOT_A_TTY_ERRNOS = {errno.ENOTTY, errno.EISDIR}

_INTERPRETERS = ("python", "pypy", "node", "java", "ruby", "perl")


@dataclass(frozen=True)
class PortProblem:
    """Why a serial port would not open, as data."""

    code: str
    """One of "not_found", "busy", "permission", "not_a_serial_port", "other"."""
    path: str
    holders: list[tuple[int, str]] = field(default_factory=list)
    """Other processes that have the device open: (pid, program name)."""
    detail: str = ""
    """The operating system's own error text."""
    group: str | None = None
    """For "permission": the group that owns the device (usually "dialout" on Linux)."""

    def explain(self) -> str:
        """A few plain sentences for a volunteer mentor (no jargon beyond the port name)."""
        if self.code == NOT_FOUND:
            return (
                f"There is no port called {self.path}. The board may be unplugged, the cable "
                "may be a charge-only cable, or the board got a different name when it was "
                "plugged back in: run `dojokit kits` to see the boards that are connected."
            )
        if self.code == BUSY:
            if self.holders:
                names = ", ".join(f"{name} (process {pid})" for pid, name in self.holders)
                return (
                    f"{self.path} is being used by another program: {names}. Close that "
                    "program (or its serial monitor / REPL window) and try again."
                )
            return (
                f"{self.path} is being used by another program, but the computer would not say "
                "which one (it may belong to another user). Close other robot tools (Thonny, "
                "mpremote, Arduino's serial monitor, another dojokit window) and try again."
            )
        if self.code == PERMISSION:
            group = self.group or "dialout"
            if sys.platform.startswith("linux"):
                return (
                    f"This user account is not allowed to use {self.path}. Add it to the "
                    f"'{group}' group (`sudo usermod -aG {group} $USER`), then log out and "
                    "back in (or restart) for it to take effect."
                )
            return f"This user account is not allowed to use {self.path}."
        if self.code == NOT_A_SERIAL_PORT:
            return f"{self.path} exists but is not a serial port: check the port name."
        return f"Could not open {self.path}: {self.detail or 'unknown error'}."


class PortOpenError(Exception):
    """A serial port could not be opened; ``problem`` says why."""

    def __init__(self, problem: PortProblem) -> None:
        super().__init__(problem.explain())
        self.problem = problem


def _program_name(pid_dir: str) -> str:
    """The name a person would recognise: the command name, plus the script for interpreters."""
    try:
        with open(os.path.join(pid_dir, "comm"), encoding="utf-8", errors="replace") as f:
            comm = f.read().strip()
    except OSError:
        comm = ""
    try:
        with open(os.path.join(pid_dir, "cmdline"), "rb") as f:
            argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        argv = []
    if not comm:
        comm = os.path.basename(argv[0]) if argv else "?"
    if comm.startswith(_INTERPRETERS) and len(argv) > 1:
        # "python (mpremote)" says more than "python". Skip interpreter options; -m names
        # the module, -c means there is no script to name.
        args = iter(argv[1:])
        for arg in args:
            if arg == "-m":
                module = next(args, None)
                return f"{comm} ({module})" if module else comm
            if arg == "-c":
                return comm
            if not arg.startswith("-"):
                return f"{comm} ({os.path.basename(arg)})"
    return comm


def who_holds(path: str) -> list[tuple[int, str]]:
    """Other processes that have ``path`` open, as (pid, program name), sorted by pid.

    Reads /proc/<pid>/fd on Linux. Processes we may not look at (other users' unless we are
    root) are skipped silently, so an empty list means "none that we can see". Our own process
    is left out. On systems without /proc this returns an empty list.
    """
    target = os.path.realpath(path)
    own = os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    found: list[tuple[int, str]] = []
    for entry in entries:
        if not entry.isdigit() or int(entry) == own:
            continue
        pid_dir = os.path.join("/proc", entry)
        fd_dir = os.path.join(pid_dir, "fd")
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if link == target:
                found.append((int(entry), _program_name(pid_dir)))
                break
    return sorted(found)


def _first_errno(exc: BaseException) -> int | None:
    """The errno nearest the top of an exception's cause/context chain.

    pyserial wraps OS errors in SerialException: sometimes with the errno kept (``could not open
    port``, ``Could not exclusively lock port``), sometimes only as text with the original error
    in ``__context__`` (``Could not configure port``, from termios.error, whose errno is only its
    first argument). The nearest errno wins, so an older error that happened to be in flight
    (a retry inside an ``except`` block) does not decide.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        number = getattr(current, "errno", None)
        if isinstance(number, int):
            return number
        if current.args and isinstance(current.args[0], int):
            return current.args[0]
        todo.extend([current.__cause__, current.__context__])
    return None


def _os_text(exc: BaseException) -> str:
    """The operating system's error text, without pyserial's "could not open port" wrapping."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in reversed(chain):  # innermost first
        strerror = getattr(item, "strerror", None)
        if isinstance(strerror, str) and strerror:
            return strerror
        if len(item.args) >= 2 and isinstance(item.args[0], int) and isinstance(item.args[1], str):
            return item.args[1]
    return str(exc)


def _owner_group(path: str) -> str | None:
    try:
        gid = os.stat(path).st_gid
        return grp.getgrgid(gid).gr_name
    except (OSError, KeyError):
        return None


def diagnose_open_error(path: str, exc: BaseException) -> PortProblem:
    """Work out why opening ``path`` raised ``exc``, in one of five plain categories."""
    number = _first_errno(exc)
    numbers = {number} if number is not None else set()
    text = str(exc)
    lowered = text.lower()
    detail = _os_text(exc)

    def problem(code: str, holders: list[tuple[int, str]] | None = None) -> PortProblem:
        group = _owner_group(path) if code == PERMISSION else None
        return PortProblem(code, path, holders or [], detail, group)

    if isinstance(exc, FileNotFoundError) or numbers & _NOT_FOUND_ERRNOS:
        return problem(NOT_FOUND)
    if isinstance(exc, PermissionError) or numbers & _PERMISSION_ERRNOS:
        return problem(PERMISSION)
    if not os.path.exists(path):  # also a dangling /dev/serial/by-id link
        return problem(NOT_FOUND)
    if (
        numbers & _NOT_A_TTY_ERRNOS
        or "inappropriate ioctl" in lowered
        or "not a typewriter" in lowered
    ):
        return problem(NOT_A_SERIAL_PORT)
    holders = who_holds(path)
    if (
        numbers & _BUSY_ERRNOS
        or "could not exclusively lock port" in lowered
        or "resource busy" in lowered
        or holders
    ):
        return problem(BUSY, holders)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    if mode and not stat.S_ISCHR(mode):
        return problem(NOT_A_SERIAL_PORT)
    return problem(OTHER)


def open_exclusive(path: str, baudrate: int = 115200, timeout: float | None = 0) -> serial.Serial:
    """Open ``path`` with an exclusive lock and without changing DTR/RTS.

    ``timeout=0`` makes reads return at once with what is there. Raises PortOpenError, whose
    ``problem`` says why in plain words, when the port cannot be opened (including when another
    program holds pyserial's exclusive lock on it).
    """
    port = serial.Serial(baudrate=baudrate, timeout=timeout, exclusive=True)
    # Keep pyserial's defaults on purpose: the kernel has just asserted both lines in open(2),
    # so writing True/True changes nothing, while False/False would pulse an ESP32's reset.
    # See the module docstring.
    port.dtr = True
    port.rts = True
    port.port = path
    try:
        port.open()
    except (OSError, ValueError) as exc:  # SerialException is an OSError
        raise PortOpenError(diagnose_open_error(path, exc)) from exc
    return port
