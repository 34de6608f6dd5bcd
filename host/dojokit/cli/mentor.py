"""The mentor's commands: flash, kits, identify, check --all, rename.

Long work shows one progress bar per kit on stderr (bytes and step); the result is a table on
stdout. Exit codes as cli.main: 0 everything worked, 1 some kit failed (the table says which
and why), 2 a mistake in the command or nothing to work on.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dojokit.i18n import t

EXIT_OK, EXIT_FAILED, EXIT_USER = 0, 1, 2


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain columns that print and paste well (no box characters)."""
    cols = len(header)
    w = [max(len(str(r[i])) for r in [header, *rows]) for i in range(cols)]
    line = lambda r: "  ".join(f"{r[i]!s:<{w[i]}}" for i in range(cols)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * x for x in w]), *(line(r) for r in rows)])


def identity_text(colour: int, number: int, name: str) -> str:
    from dojokit.kits.identity import Identity

    return Identity(colour, number, name).describe()


# -- progress --------------------------------------------------------------------------------
class BarReporter:
    """One rich progress bar per kit, on stderr; nothing when stderr is not a terminal."""

    def __init__(self, ports: Sequence[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.fields[port]}"), TextColumn("{task.description}"), BarColumn(),
            DownloadColumn(), TimeElapsedColumn(), console=console, transient=False,
            disable=not console.is_terminal)  # a log file gets the table, not the bars
        width = max((len(p) for p in ports), default=0)
        self.tasks = {p: self.progress.add_task(t("flash.step.wait"), total=None,
                                                port=p.ljust(width)) for p in ports}
        self._lock = threading.Lock()

    def __enter__(self) -> BarReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def step(self, port: str, step: str) -> None:
        task = self.tasks[port]
        with self._lock:
            if step in ("done", "failed"):
                total = self.progress.tasks[task].total
                self.progress.update(task, description=t(f"flash.step.{step}"),
                                     completed=total or 0)
            else:
                self.progress.update(task, description=t(f"flash.step.{step}"))

    def total(self, port: str, n: int) -> None:
        with self._lock:
            self.progress.update(self.tasks[port], total=n, completed=0)

    def advance(self, port: str, n: int) -> None:
        self.progress.advance(self.tasks[port], n)


# -- flash -----------------------------------------------------------------------------------
def _ports(kits: Sequence[str], all_kits: bool) -> list[Any]:
    from dojokit.kits.flasher import resolve
    from dojokit.kits.usb import list_serial_kits

    if all_kits:
        return [k for k in list_serial_kits() if k.board is not None]
    return resolve(kits)


def cmd_flash(args: Any) -> int:
    from dojokit.kits.flasher import FlashProblem, Options, Room, resolve
    from dojokit.kits.identity import IdentityError, Roster
    from dojokit.kits.pairing import PairingError, PairRoster, check_ports

    pair = getattr(args, "pair", None)
    if args.new_room:
        Roster().start_over()
        PairRoster().start_over()
    if pair and (args.kits or args.all or args.name or args.hex):
        print(t("pairing.alone"), file=sys.stderr)
        return EXIT_USER
    if args.hex:
        return _flash_hex(args)
    if not pair and bool(args.kits) == bool(args.all):
        print(t("flash.kits_or_all"), file=sys.stderr)
        return EXIT_USER
    if args.image is not None and not Path(args.image).is_file():
        print(t("flash.no_image_file", path=args.image), file=sys.stderr)
        return EXIT_USER
    try:
        roster = Roster()
    except IdentityError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    ports = resolve(pair) if pair else _ports(args.kits, args.all)
    if pair:
        try:
            check_ports(*ports)
            PairRoster().pairs()  # a damaged list of pairs: before anything is written
        except PairingError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USER
    if not ports:
        print(t("flash.none_connected"), file=sys.stderr)
        return EXIT_USER
    if not args.yes and not _confirm(ports):
        return EXIT_USER
    options = Options(kit_profiles=tuple(args.kit_profile or ()), name=args.name,
                      image=Path(args.image) if args.image else None, update=args.update,
                      new_name=args.new_name, pair=tuple(pair) if pair else None)
    start = time.monotonic()
    try:
        with BarReporter([p.port for p in ports]) as bars:
            room = Room(ports, options, roster, bars)
            outcomes = room.flash()
    except (FlashProblem, IdentityError, PairingError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for o in outcomes:
        if o.ok:
            result = t("flash.ok", method=t(f"flash.method.{o.method}"))
        else:  # a sentence is too long for a column: it goes under the table, numbered
            notes.append(f"{len(notes) + 1}. {o.port.port}: {o.problem}")
            result = t("flash.see_below", n=len(notes))
        rows.append((o.port.port, o.board, o.identity.describe() if o.identity else "-",
                     o.firmware or "-", result, f"{o.seconds:.1f} s"))
    print(table([t(f"flash.col.{c}") for c in
                 ("port", "board", "identity", "firmware", "result", "time")], rows))
    if notes:
        print("\n" + "\n".join(notes))
    failed = sum(not o.ok for o in outcomes)
    print(t("flash.summary_failed", failed=failed, n=len(outcomes))
          if failed else t("flash.summary_ok", n=len(outcomes),
                           seconds=round(time.monotonic() - start, 1)))
    if pair:
        _pair_summary(room, outcomes, failed)
    return EXIT_FAILED if failed else EXIT_OK


def _pair_summary(room: Any, outcomes: Sequence[Any], failed: int) -> None:
    """Which two are paired, and where on the air (never the key)."""
    p = room.pairing
    if failed or p is None:
        print(t("pairing.not_done"))
        return
    robot, bridge = (o.identity.describe() if o.identity else o.port.port for o in outcomes)
    print(t("pairing.done", robot=robot, bridge=bridge, channel=p.channel, group=p.group))


def _confirm(ports: Sequence[Any]) -> bool:
    if not sys.stdin.isatty():
        print(t("flash.need_yes"), file=sys.stderr)
        return False
    for p in ports:
        print(f"  {p.port}  {p.guess}")
    answer = input(t("flash.confirm", n=len(ports)) + " ").strip().lower()
    return answer in ("y", "yes", "j", "ja", "o", "oui")


def _flash_hex(args: Any) -> int:
    from dojokit.kits.build import build
    from dojokit.kits.flasher import FlashProblem
    from dojokit.kits.hexfile import check_fits, microbit_hex
    from dojokit.kits.identity import IdentityError, Roster

    if args.kits or args.all:
        print(t("flash.hex_alone"), file=sys.stderr)
        return EXIT_USER
    profile = (args.kit_profile or [None])[-1]
    if not profile:
        print(t("flash.hex_need_profile"), file=sys.stderr)
        return EXIT_USER
    out = Path(args.hex)
    if not out.parent.is_dir():
        print(t("flash.hex_no_folder", path=str(out)), file=sys.stderr)
        return EXIT_USER
    try:
        roster = Roster()
        key = f"hex:{out.resolve()}"
        ident = roster.choose(key, args.name) if args.name else \
            roster.identities_for([key], fresh=args.new_name)[key]
        files = build("microbit", profile, ident.as_tuple())
        check_fits(files)
        text = microbit_hex(files)
    except (IdentityError, FlashProblem) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    except ValueError as exc:  # an unknown kit profile, or one for another board
        print(t("flash.bad_profile", detail=str(exc)), file=sys.stderr)
        return EXIT_USER
    except Exception as exc:  # the hex library's own errors (a build too big: translated)
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="ascii")
    tmp.replace(out)  # never a half-written hex under the name a mentor copies
    print(t("flash.hex_written", path=str(out), kb=round(len(text) / 1024),
            files=round(sum(map(len, files.values())) / 1024, 1),
            identity=ident.describe()))
    return EXIT_OK


# -- kits --------------------------------------------------------------------------------------
def cmd_kits(include_unknown: bool, timeout: float = 1.5) -> int:
    from dojokit.kits.flasher import hello
    from dojokit.kits.usb import UNKNOWN, list_serial_kits
    from dojokit.link import LinkError
    from dojokit.link.errors import NoAnswer, NotDojokit, PortProblem

    found = list_serial_kits(include_unknown=include_unknown)

    def look(k: Any) -> tuple[str, str, str, str]:
        # pyserial says "n/a" when the device gives no description
        about = t("kits.no_description") if k.description in ("", "n/a") else k.description
        guess = (t("kits.unknown_device") if k.guess == UNKNOWN else k.guess) + f" ({about})"
        if k.board is None:
            return "-", guess, "-", t("kits.not_asked")
        if k.board == "microbit":
            bridge = _bridge_on(k.port)
            if bridge is not None:
                robot = identity_text(bridge.robot.colour, bridge.robot.number,
                                      bridge.robot.name)
                try:
                    hello(k.port, timeout)
                    state = t("kits.ready")
                except LinkError:
                    state = t("kits.robot_silent")
                return t("kits.bridge_for", robot=robot), guess, bridge.firmware, state
        try:
            info = hello(k.port, timeout)
        except PortProblem as exc:
            return "-", guess, "-", str(exc)
        except (NoAnswer, NotDojokit):
            return "-", guess, "-", t("kits.no_firmware")
        except LinkError as exc:
            return "-", guess, "-", str(exc)
        return identity_text(info.colour, info.number, info.name), \
            f"{guess} · {info.kit_name}", info.firmware, t("kits.ready")

    results: list[tuple[str, str, str, str]] = []
    if found:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(32, len(found))) as pool:
            results = list(pool.map(look, found))
    rows = [("sim", t("kits.sim_identity"), t("kits.simulated"), "-", t("kits.ready"))]
    rows += [(f"serial:{k.port}", *r) for k, r in zip(found, results, strict=True)]
    ble, ble_note = _ble_robots(timeout)
    rows += ble_rows(ble)
    print(table([t(f"kits.col.{c}") for c in ("kit", "identity", "what", "firmware", "state")],
                rows))
    if not found and not ble:
        print(t("kits.none_found"))
    if ble_note:
        print(ble_note)
    return EXIT_OK


def ble_rows(robots: list[Any]) -> list[tuple[str, str, str, str, str]]:
    """`dojokit kits` rows of the Bluetooth robots a scan heard: kit, identity, signal."""
    return [(f"ble:{r.label}", r.label, t("kits.ble_signal", rssi=r.rssi), "-",
             t("kits.ready")) for r in robots]


def _ble_robots(seconds: float) -> tuple[list[Any], str]:
    """The Bluetooth robots in reach, strongest first, and why none could be looked for."""
    from dojokit.link.ble_transport import BleUnavailable, scan

    try:
        return asyncio.run(scan(seconds)), ""
    except BleUnavailable as exc:
        return [], str(exc)


def _bridge_on(port: str) -> Any:
    from dojokit.link import LinkError
    from dojokit.link.bridge import ask_bridge

    try:
        return asyncio.run(ask_bridge(port, 0.6))
    except LinkError:
        return None


# -- identify, rename ---------------------------------------------------------------------------
async def cmd_identify(kit: str, seconds: float) -> int:
    from dojokit.robot import Robot

    robot = await Robot.open(kit)
    try:
        i = robot.info
        print(t("identify.showing", identity=identity_text(i.colour, i.number, i.name),
                seconds=round(seconds)))
        # the robot shows its identity as at boot (steady colour, its number and name): the
        # NAME command with the name it has asks for exactly that
        await robot.set_name(i.colour, i.number, i.name)
        await asyncio.sleep(seconds)
        await robot.show_state("ready")
    finally:
        await robot.close()
    return EXIT_OK


async def cmd_rename(kit: str, name: str) -> int:
    from dojokit.kits.flasher import board_key, resolve
    from dojokit.kits.identity import IdentityError, Roster
    from dojokit.robot import Robot

    robot = await Robot.open(kit)
    try:
        i = robot.info
        key = board_key(resolve([kit])[0]) if kit != "sim" else "sim"
        try:
            roster = Roster()
            if roster.get(key) is None and i.number > 0:  # a kit flashed in another room
                roster.identities_for([key], on_board={key: _as_identity(i)})
            new = roster.choose(key, name)
        except IdentityError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USER
        await robot.set_name(*new.as_tuple())
        print(t("rename.done", old=i.name, identity=new.describe()))
    finally:
        await robot.close()
    return EXIT_OK


def _as_identity(info: Any) -> Any:
    from dojokit.kits.identity import Identity

    return Identity(info.colour, info.number, info.name)


# -- check --all ------------------------------------------------------------------------------
async def cmd_check_all(profile: str) -> int:
    from dojokit.cli.main import check_kit
    from dojokit.kits.usb import list_serial_kits

    kits = [f"serial:{k.port}" for k in list_serial_kits() if k.board is not None]
    if not kits:
        print(t("flash.none_connected"), file=sys.stderr)
        return EXIT_USER

    async def one(kit: str) -> tuple[str, str, str]:
        try:
            info, rows, failed = await check_kit(kit, profile)
        except Exception as exc:  # a kit that does not answer is one row, not a stop
            return kit, "-", str(exc)
        bad = [f"{part}: {result}" for part, result in rows if part in failed]
        return kit, identity_text(info.colour, info.number, info.name), \
            "; ".join(bad) if bad else t("check.all_ok")

    results = await asyncio.gather(*(one(k) for k in kits))
    print(table([t("kits.col.kit"), t("kits.col.identity"), t("check.col.result")], results))
    failed = sum(r[2] != t("check.all_ok") for r in results)
    print(t("check.all_failed", failed=failed, n=len(results)) if failed
          else t("check.all_passed", n=len(results)))
    return EXIT_FAILED if failed else EXIT_OK
