"""Prepare a room full of kits: the library under `dojokit flash`.

One kit's way through (`prepare`):

1. **Look** (`probe`): does our firmware answer a handshake (its version and identity)?
2. **Name**: keep the identity it has (or the room's roster has for it), unless asked for a
   new one; `--name` sets a mentor's word; the rest get fresh ones, none alike in the room.
   Names are given before any board is written, for all kits at once.
3. **Build** the board's files (its HAL, our `.mpy` modules, the kit profile, the identity)
   and check they fit the board's file system before anything is written.
4. **Write**:
   - a micro:bit: one hex (MicroPython and our files) copied to its MICROBIT drive, the drive
     whose DAPLink id is the port's USB serial number; or, with `update`, files only over the
     raw REPL;
   - an ESP32: files over the raw REPL; a board that answers neither our handshake nor a
     REPL gets the mentor's MicroPython image first (esptool), then the files.
5. **Verify**: after the board restarts, a handshake must report this package's firmware
   version and the identity just given.

Every step reports to a `Reporter` (the command line draws one progress bar per kit). A
kit's failure is its own `Outcome`; it never stops the others. An interrupted write shows
at the next run: the board does not answer, or its manifest is missing (kits.deploy), and
it is written whole again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dojokit.i18n import Sentence, t
from dojokit.kits.build import build, firmware_version, kit_path, parse_kit
from dojokit.kits.deploy import deploy, total_bytes
from dojokit.kits.identity import Identity, Roster
from dojokit.kits.pairing import Pairing, PairingError, PairRoster
from dojokit.kits.rawrepl import RawRepl, ReplError
from dojokit.kits.usb import SerialKit, describe_port
from dojokit.link import LinkError, RobotInfo

#: the kit profiles a mentor may flash, by board family
FAMILY_OF_BOARD = {"microbit": "microbit", "esp32": "esp32", "virtual": None}


class FlashProblem(Sentence):
    """A kit that cannot be prepared: str() is one translated sentence."""


class Reporter(Protocol):
    def step(self, port: str, step: str) -> None:
        """The kit's work moved to `step` (a key under "flash.step.")."""

    def total(self, port: str, n: int) -> None:
        """The step writes `n` bytes."""

    def advance(self, port: str, n: int) -> None:
        """`n` more bytes written."""


class QuietReporter:
    def step(self, port: str, step: str) -> None:
        pass

    def total(self, port: str, n: int) -> None:
        pass

    def advance(self, port: str, n: int) -> None:
        pass


@dataclass(frozen=True)
class Options:
    kit_profiles: tuple[str, ...] = ()  # each board takes the one for its family
    name: str | None = None  # a mentor's word (one kit only)
    image: Path | None = None  # an ESP32 MicroPython image
    update: bool = False  # a micro:bit: files over the REPL instead of a hex
    new_name: bool = False  # forget the identity a kit has
    hello_timeout: float = 2.0
    board_wait: float = 60.0  # how long a restarting board may take to answer
    pair: tuple[str, str] | None = None  # --pair ROBOT BRIDGE: Room's ports are these two


@dataclass(frozen=True)
class PairPart:
    """A kit's part in a pairing (kits.pairing): the robot, or the bridge of `robot`."""

    pairing: Pairing
    bridge: bool = False
    robot: Identity | None = None  # the bridge's robot (robot.txt)


@dataclass
class Probe:
    port: SerialKit
    info: RobotInfo | None = None
    problem: str | None = None  # why the port could not be used at all
    repl: bool = False  # no firmware answered, but MicroPython's REPL did
    kit_name: str | None = None  # the kit profile on the board (kit.txt), read over the REPL
    identity: Identity | None = None  # the board's name.txt, read over the REPL

    @property
    def on_board(self) -> Identity | None:
        """The identity the board has now, if any."""
        if self.info is not None and self.info.number > 0:
            return Identity(self.info.colour, self.info.number, self.info.name)
        return self.identity


@dataclass
class Outcome:
    port: SerialKit
    ok: bool = False
    identity: Identity | None = None
    firmware: str = ""
    method: str = ""  # a key under "flash.method."
    problem: str = ""
    seconds: float = 0.0
    board: str = ""


# -- handshakes ------------------------------------------------------------------------------
async def _hello(port: str, timeout: float) -> RobotInfo:
    from dojokit.link import Link
    from dojokit.link.serial_transport import SerialTransport

    link = Link(SerialTransport(port), hello_timeout=timeout)
    try:
        return await link.connect()
    finally:
        await link.close()


def hello(port: str, timeout: float = 2.0) -> RobotInfo:
    """One handshake on its own event loop (the flasher works on threads). Raises LinkError."""
    return asyncio.run(_hello(port, timeout))


def probe(port: SerialKit, timeout: float = 2.0) -> Probe:
    from dojokit.link.errors import NoAnswer, NotDojokit, PortProblem

    try:
        return Probe(port, hello(port.port, timeout))
    except PortProblem as exc:
        return Probe(port, problem=str(exc))
    except (NoAnswer, NotDojokit, LinkError):
        # no firmware, an older one (another protocol), one stopped at the REPL by an
        # interrupted write: still flashable, and MicroPython may say what the board holds
        return _repl_probe(port)


def _repl_probe(port: SerialKit) -> Probe:
    from dojokit.kits.identity import Identity

    try:
        with RawRepl(port.port, timeout=3.0) as repl:
            repl.enter(attempts=2, timeout=1.5)
            kit = repl.read_file("kit.txt")
            name = repl.read_file("name.txt")
            repl.leave()
    except (ReplError, OSError, ValueError, SyntaxError):
        return Probe(port)
    kit_name = parse_kit(kit.decode("utf-8", "replace")).get("name", [None])[0] if kit else None
    return Probe(port, repl=True, kit_name=kit_name,
                 identity=Identity.from_text(name) if name else None)


def wait_for_board(port: str, seconds: float, want: tuple[str, Identity] | None = None,
                   timeout: float = 1.5) -> RobotInfo:
    """Handshake until the board answers (it restarts after a write; a micro:bit's port
    goes away and comes back) and, with `want`, reports that firmware version and identity:
    an old firmware may still answer for a moment after a copy. Raises FlashProblem when it
    does not within `seconds`."""
    deadline = time.monotonic() + seconds
    last: RobotInfo | None = None
    while True:
        try:
            last = hello(port, timeout)
            if want is None or (last.firmware, (last.colour, last.number, last.name)) == \
                    (want[0], want[1].as_tuple()):
                return last
        except LinkError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if last is None:
        raise FlashProblem("flash.no_return", port=port, seconds=round(seconds))
    assert want is not None
    if last.firmware != want[0]:
        raise FlashProblem("flash.wrong_version", got=last.firmware, want=want[0])
    raise FlashProblem("flash.wrong_identity", name=last.name)


# -- identities ------------------------------------------------------------------------------
def board_key(port: SerialKit) -> str:
    """How the roster knows a board: its USB serial number, else its port."""
    from dojokit.kits.identity import board_key as key

    return key(port.serial_number, port.port)


def name_all(probes: Sequence[Probe], roster: Roster,
             options: Options) -> list[Identity | None]:
    """An identity for each probed kit, given all at once before anything is written, none
    alike in the room (identity.Roster). A kit keeps the identity the roster or the board
    has, unless `new_name`; `name` is a mentor's choice for one kit."""
    if options.name is not None and len(probes) != 1:
        raise FlashProblem("flash.name_one")
    usable = [p for p in probes if p.problem is None and p.port.board is not None]
    if not usable:  # a port that cannot be flashed reserves no name in the room
        return [None] * len(probes)
    if options.name is not None:
        return [roster.choose(board_key(probes[0].port), options.name)]
    keys = [board_key(p.port) for p in usable]
    on_board = {k: p.on_board for k, p in zip(keys, usable, strict=True)
                if p.on_board is not None}
    got = roster.identities_for(keys, on_board=on_board, fresh=options.new_name)
    ok = {id(p) for p in usable}
    return [got[board_key(p.port)] if id(p) in ok else None for p in probes]


# -- one kit ---------------------------------------------------------------------------------
def _board_of(profile: str) -> str:
    try:
        return parse_kit(kit_path(profile).read_text(encoding="utf-8")).get("board", ["?"])[0]
    except (ValueError, FileNotFoundError) as exc:
        raise FlashProblem("flash.bad_profile", detail=str(exc)) from None


def _profile(p: Probe, options: Options) -> str:
    """The kit profile for this board: the mentor's for its family (a room may hold
    micro:bits and ESP32s: `--kit-profile maqueen --kit-profile esp32_2wd`), else the one
    the board has."""
    family = p.port.board
    given = [k for k in options.kit_profiles if family is None or _board_of(k) == family]
    if given:
        profile = given[0]
    elif options.kit_profiles and (p.info is None or p.info.kit_name.startswith("kit ")) \
            and not p.kit_name:
        raise FlashProblem("flash.profile_board", profile=", ".join(options.kit_profiles),
                           board=p.port.guess)
    elif p.info is not None and p.info.kit_name and not p.info.kit_name.startswith("kit "):
        profile = p.info.kit_name
    elif p.kit_name:
        profile = p.kit_name
    else:
        raise FlashProblem("flash.need_profile", port=p.port.port)
    if family is not None and _board_of(profile) != family:
        raise FlashProblem("flash.profile_board", profile=profile, board=p.port.guess)
    return profile


def _files(p: Probe, profile: str, ident: Identity) -> dict[str, bytes]:
    board = p.port.build_board
    if board is None:
        raise FlashProblem("flash.unknown_board", port=p.port.port)
    files = build(board, profile, ident.as_tuple())
    if p.port.board == "microbit":
        from dojokit.kits.hexfile import check_fits

        check_fits(files)  # before anything is written: nothing half-written
    return files


def _pair_files(p: Probe, ident: Identity, options: Options, part: PairPart) -> dict[str, bytes]:
    from dojokit.kits.build import build_bridge
    from dojokit.kits.hexfile import check_fits

    board = p.port.build_board
    if board is None:
        raise FlashProblem("flash.unknown_board", port=p.port.port)
    if part.bridge:
        files = build_bridge(board, part.pairing.text(), ident.as_tuple(),
                             part.robot.as_tuple() if part.robot else None)
    else:
        files = build(board, _profile(p, options), ident.as_tuple(),
                      pair_text=part.pairing.text())
    check_fits(files)  # both are micro:bits (pairing.check_ports)
    return files


def prepare(p: Probe, ident: Identity | None, options: Options, report: Reporter,
            part: PairPart | None = None) -> Outcome:
    """Flash or update one kit and verify it. Never raises for a kit's own trouble."""
    out = Outcome(p.port, identity=ident, board=p.port.guess)
    start = time.monotonic()
    port = p.port.port
    try:
        if p.problem:
            raise FlashProblem("flash.port_problem", problem=p.problem)
        if p.port.board is None or ident is None:
            raise FlashProblem("flash.unknown_board", port=p.port.port)
        files = _files(p, _profile(p, options), ident) if part is None else \
            _pair_files(p, ident, options, part)
        if p.port.board == "microbit" and not options.update:
            out.method = "hex"
            _write_hex(p.port, files, report, options.board_wait)
        else:
            out.method = "files"
            if p.info is None and not p.repl:
                if p.port.board != "esp32":
                    raise FlashProblem("flash.no_micropython", port=port)
                if options.image is None:
                    raise FlashProblem("flash.need_image", port=port)
                out.method = "image"
                _write_image(port, options.image, report)
            _write_files(port, files, report)
        report.step(port, "verify")
        if part is not None and part.bridge:  # no handshake of its own yet: its files
            from dojokit.kits.pairing import verify_bridge

            verify_bridge(port, files, options.board_wait)
            out.firmware = t("pairing.bridge_firmware", version=firmware_version())
        else:
            info = wait_for_board(port, options.board_wait, (firmware_version(), ident))
            out.firmware = info.firmware
        out.ok = True
        report.step(port, "done")
    except (FlashProblem, PairingError) as exc:
        out.problem = str(exc)
    except (LinkError, ReplError, OSError) as exc:
        out.problem = t("flash.failed", detail=str(exc))
    except Exception as exc:  # esptool, the hex and the drive raise their own, translated
        out.problem = str(exc) or type(exc).__name__
    if not out.ok:
        report.step(port, "failed")
    out.seconds = time.monotonic() - start
    return out


def _progress(report: Reporter, port: str) -> Callable[[int], None]:
    return lambda n: report.advance(port, n)


def _upto(report: Reporter, port: str) -> Callable[[int, int], None]:
    """A progress callback told the bytes done so far (esptool, the drive copy)."""
    done = [0]

    def progress(now: int, total: int) -> None:
        report.advance(port, now - done[0])
        done[0] = now

    return progress


def _write_files(port: str, files: dict[str, bytes], report: Reporter) -> None:
    report.step(port, "files")
    report.total(port, total_bytes(files))
    with RawRepl(port) as repl:
        repl.enter()
        deploy(repl, files, _progress(report, port))
        report.step(port, "restart")
        repl.reset()


def _write_hex(port: SerialKit, files: dict[str, bytes], report: Reporter,
               board_wait: float) -> None:
    from dojokit.kits.drive import copy_hex, find_drive
    from dojokit.kits.hexfile import microbit_hex

    report.step(port.port, "hex")
    if port.guess.endswith("V1"):  # the bundled MicroPython hex is the V2's
        raise FlashProblem("flash.microbit_v1", port=port.port)
    text = microbit_hex(files)
    drive = find_drive(port.serial_number) if port.serial_number else None
    if drive is None:
        raise FlashProblem("flash.no_drive", port=port.port)
    report.step(port.port, "copy")
    report.total(port.port, len(text))
    copy_hex(drive, text, _upto(report, port.port))
    report.step(port.port, "restart")
    _wait_flashed(drive, board_wait)


def _wait_flashed(drive: Path, seconds: float) -> None:
    """DAPLink takes the copied hex off the drive once it has written it (the drive goes
    away and comes back without it); a FAIL.TXT then says why it did not."""
    from dojokit.kits.drive import HEX_NAME

    deadline = time.monotonic() + seconds
    while (drive / HEX_NAME).exists():
        if time.monotonic() > deadline:
            raise FlashProblem("flash.hex_stuck", drive=str(drive))
        time.sleep(0.1)
    fail = drive / "FAIL.TXT"
    if fail.exists():
        with contextlib.suppress(OSError):
            first = fail.read_text(encoding="ascii", errors="replace").splitlines()[0]
            raise FlashProblem("flash.drive_failed", reason=first.removeprefix("error: "))


def _write_image(port: str, image: Path, report: Reporter) -> None:
    from dojokit.kits.esp_flash import check_image, write_image

    info = check_image(image)
    report.step(port, "image")
    report.total(port, info.size)
    write_image(port, image, progress=_upto(report, port))


# -- a room ------------------------------------------------------------------------------
def resolve(kits: Sequence[str]) -> list[SerialKit]:
    """Ports from the kits a mentor named ("serial:PORT" or a port path)."""
    out = []
    for kit in kits:
        scheme, _, rest = kit.partition(":")
        port = rest if scheme == "serial" and rest else kit
        out.append(describe_port(port))
    return out


@dataclass
class Room:
    """Several kits worked on side by side, one thread each."""

    ports: list[SerialKit]
    options: Options = field(default_factory=Options)
    roster: Roster = field(default_factory=Roster)
    report: Reporter = field(default_factory=QuietReporter)
    pairs: PairRoster | None = None  # with options.pair: the room's pairs (beside roster's)
    pairing: Pairing | None = field(default=None, init=False)  # the one --pair gave

    def _map(self, fn: Callable[[int], object]) -> list[object]:
        if not self.ports:
            return []
        with ThreadPoolExecutor(max_workers=min(32, len(self.ports))) as pool:
            return list(pool.map(fn, range(len(self.ports))))

    def flash(self) -> list[Outcome]:
        if self.options.pair is not None:
            return self._flash_pair()
        for p in self.ports:
            self.report.step(p.port, "probe")
        probes = [p for p in self._map(lambda i: probe(self.ports[i], self.options.hello_timeout))
                  if isinstance(p, Probe)]
        idents = name_all(probes, self.roster, self.options)
        outs = self._map(lambda i: prepare(probes[i], idents[i], self.options, self.report))
        return [o for o in outs if isinstance(o, Outcome)]

    def _flash_pair(self) -> list[Outcome]:
        """--pair: ports are (robot, bridge). Both are named, then paired (saved in the
        room's pairs before anything is written), then written side by side."""
        from dojokit.kits.pairing import bridge_probe, check_ports

        robot, bridge = self.ports
        check_ports(robot, bridge)
        pairs = self.pairs or PairRoster.beside(self.roster.path)
        pairs.pairs()  # a damaged list stops us before anything is written
        for p in self.ports:
            self.report.step(p.port, "probe")
        probes = [p for p in self._map(lambda i: probe(robot, self.options.hello_timeout)
                                       if i == 0 else bridge_probe(bridge))
                  if isinstance(p, Probe)]
        stuck = next((p for p in probes if p.problem), None)
        if stuck is not None:  # half a pair is no use: write neither, pair nothing
            return [prepare(p, None, self.options, self.report) if p.problem
                    else self._not_written(p, stuck) for p in probes]
        idents = name_all(probes, self.roster, self.options)
        self.pairing = pairs.pair(board_key(robot), board_key(bridge))
        parts = [PairPart(self.pairing), PairPart(self.pairing, bridge=True, robot=idents[0])]
        outs = self._map(lambda i: prepare(probes[i], idents[i], self.options, self.report,
                                           parts[i]))
        return [o for o in outs if isinstance(o, Outcome)]

    def _not_written(self, p: Probe, partner: Probe) -> Outcome:
        self.report.step(p.port.port, "failed")
        return Outcome(p.port, board=p.port.guess,
                       problem=t("pairing.partner_stuck", port=partner.port.port))
