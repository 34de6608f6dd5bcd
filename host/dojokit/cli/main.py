"""The `dojokit` command. A thin shell: every command calls the library and prints.

Exit codes: 0 done, 1 a check found a problem, 2 a problem the user can fix (a wrong
port, a busy port, no robot answering, a bad argument), 130 stopped with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from dojokit import __version__
from dojokit.i18n import LANGUAGES, catalog, set_language, t
from dojokit.link import LinkError, RobotInfo
from dojokit.robot.profiles import PROFILES, SensoryProfile

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """Every parser, the top one and each (sub)command's, takes --lang, so it works before
    or after the command. A subcommand's default is SUPPRESS, so it never overwrites a
    --lang given earlier; main() has already picked the language from the raw arguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                          help=t("cli.help.lang"))

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(t("cli.usage_error", message=message), file=sys.stderr)
        sys.exit(EXIT_USER)


class _Paragraphs(argparse.HelpFormatter):
    """Wraps each paragraph of a description on its own and keeps indented lines (examples)
    as they are written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        out = []
        for line in text.splitlines():
            if line.startswith(" ") or not line:
                out.append(indent + line)
            else:
                out.append(textwrap.fill(line, width, initial_indent=indent,
                                         subsequent_indent=indent))
        return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dojokit", description=t("cli.description"))
    p.add_argument("--version", action="version", version=f"dojokit {__version__}")
    p.set_defaults(lang=None)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    kits = sub.add_parser("kits", help=t("cli.help.kits"), description=t("kits.description"))
    kits.add_argument("--all", action="store_true", help=t("cli.help.kits_all"))

    fl = sub.add_parser("flash", help=t("flash.help"), description=t("flash.description"),
                        epilog=t("flash.epilog"),
                        formatter_class=_Paragraphs)
    fl.add_argument("kits", metavar="KIT", nargs="*", help=t("flash.help.kits"))
    fl.add_argument("--all", action="store_true", help=t("flash.help.all"))
    fl.add_argument("--kit-profile", metavar="PROFILE", action="append",
                    help=t("flash.help.kit_profile"))
    fl.add_argument("--name", metavar="NAME", help=t("flash.help.name"))
    fl.add_argument("--new-name", action="store_true", help=t("flash.help.new_name"))
    fl.add_argument("--new-room", action="store_true", help=t("flash.help.new_room"))
    fl.add_argument("--image", metavar="MICROPYTHON.bin", help=t("flash.help.image"))
    fl.add_argument("--update", action="store_true", help=t("flash.help.update"))
    fl.add_argument("--hex", metavar="OUT.hex", help=t("flash.help.hex"))
    fl.add_argument("--pair", nargs=2, metavar=("ROBOT", "BRIDGE"), help=t("pairing.help"))
    fl.add_argument("--yes", action="store_true", help=t("flash.help.yes"))

    ident = sub.add_parser("identify", help=t("identify.help"), description=t("identify.help"))
    ident.add_argument("kit", metavar="KIT", help=t("cli.help.kit_arg"))
    ident.add_argument("--seconds", type=float, default=5.0, help=t("identify.help.seconds"))

    ren = sub.add_parser("rename", help=t("rename.help"), description=t("rename.help"))
    ren.add_argument("kit", metavar="KIT", help=t("cli.help.kit_arg"))
    ren.add_argument("name", metavar="NAME", help=t("rename.help.name"))

    ping = sub.add_parser("ping", help=t("cli.help.ping"), description=t("cli.help.ping"))
    ping.add_argument("kit", metavar="KIT", help=t("cli.help.kit_arg"))
    ping.add_argument("--count", type=int, default=10, help=t("cli.help.count"))

    check = sub.add_parser("check", help=t("cli.help.check"), description=t("cli.help.check"))
    check.add_argument("kit", metavar="KIT", nargs="?", default="sim", help=t("cli.help.kit_arg"))
    check.add_argument("--all", action="store_true", help=t("check.help.all"))
    check.add_argument("--profile", metavar="NAME", choices=tuple(PROFILES), default="calm",
                       help=t("cli.help.profile", profiles=", ".join(PROFILES)))

    studio = sub.add_parser("studio", help=t("studio.help"), description=t("studio.description"))
    studio.add_argument("program", metavar="PROGRAM.sb3", nargs="?", help=t("studio.help.program"))
    studio.add_argument("--box", metavar="BOX", help=t("studio.help.box"))
    studio.add_argument("--exercise", metavar="ID", help=t("studio.help.exercise"))
    studio.add_argument("--learner", metavar="NAME", help=t("studio.help.learner"))
    studio.add_argument("--kit", metavar="KIT", default="sim", help=t("studio.help.kit"))
    studio.add_argument("--profile", metavar="NAME", choices=tuple(PROFILES),
                        help=t("studio.help.profile"))
    studio.add_argument("--scale", metavar="PERCENT", type=int, choices=(100, 125, 150, 175, 200),
                        help=t("studio.help.scale"))

    run = sub.add_parser("run", help=t("run.help"), description=t("run.description"))
    run.add_argument("program", metavar="PROGRAM", help=t("run.help.program"))
    run.add_argument("--kit", metavar="KIT", help=t("run.help.kit"))
    run.add_argument("--timeout", metavar="SECONDS", type=float, help=t("run.help.timeout"))
    run.add_argument("--trace", metavar="FILE", help=t("run.help.trace"))
    run.add_argument("--seed", type=int, help=t("run.help.seed"))
    run.add_argument("--realtime", action="store_true", help=t("run.help.realtime"))
    run.add_argument("--view", action="store_true", help=t("run.help.view"))
    run.add_argument("--close-after", metavar="SECONDS", type=float,
                     help=t("state.help.close_after"))

    exp = sub.add_parser("export", help=t("export.help"), description=t("export.description"))
    exp.add_argument("--scratch", action="store_true", help=t("export.help.scratch"))
    exp.add_argument("program", metavar="PROGRAM", help=t("export.help.program"))
    exp.add_argument("out", metavar="OUT.sb3", help=t("export.help.out"))

    box = sub.add_parser("box", help=t("box.help"), description=t("box.help"))
    box.set_defaults(help_of=box)  # `dojokit box` alone shows the box commands
    boxsub = box.add_subparsers(dest="box_command", metavar="BOXCOMMAND", parser_class=_Parser)
    boxsub.add_parser("list", help=t("box.help.list"), description=t("box.help.list"))
    for name in ("show", "check"):
        bp = boxsub.add_parser(name, help=t(f"box.help.{name}"),
                               description=t(f"box.help.{name}"))
        bp.add_argument("box", metavar="BOX", help=t("box.help.box"))
    gp = boxsub.add_parser("grade", help=t("box.help.grade"), description=t("box.help.grade"))
    gp.add_argument("box", metavar="BOX", help=t("box.help.box"))
    gp.add_argument("exercise", metavar="EXERCISE", help=t("box.help.exercise"))
    gp.add_argument("program", metavar="PROGRAM", help=t("run.help.program"))
    gp.add_argument("--kit", metavar="KIT", help=t("box.help.kit"))
    gp.add_argument("--learner", metavar="NAME", help=t("box.help.learner"))
    gp.add_argument("--json", action="store_true", help=t("box.help.json"))
    cp = boxsub.add_parser("cards", help=t("cards.help"), description=t("cards.help"))
    cp.add_argument("box", metavar="BOX", help=t("box.help.box"))
    cp.add_argument("out", metavar="OUT.html", help=t("cards.help.out"))

    # a Bluetooth robot's pairing code, for scripts (at a terminal it is asked for)
    for kit_user in (ident, ren, ping, check, studio, run, gp):
        kit_user.add_argument("--code", metavar="COLOURS", help=t("ble.help.code"))

    prog = sub.add_parser("progress", help=t("progress.help"), description=t("progress.help"))
    prog.add_argument("--learner", metavar="NAME", help=t("progress.help.learner"))
    prog.add_argument("--box", metavar="BOX", help=t("progress.help.box"))
    prog.add_argument("--csv", action="store_true", help=t("progress.help.csv"))

    lesson = sub.add_parser("lesson", help=t("box.help.lesson"), description=t("box.help.lesson"))
    lesson.set_defaults(help_of=lesson)
    lsub = lesson.add_subparsers(dest="lesson_command", metavar="LESSONCOMMAND",
                                 parser_class=_Parser)
    ls = lsub.add_parser("show", help=t("box.help.lesson"), description=t("box.help.lesson"))
    ls.add_argument("box", metavar="BOX", help=t("box.help.box"))

    sim = sub.add_parser("sim", help=t("cli.help.sim"), description=t("cli.help.sim"))
    sim.set_defaults(help_of=sim)
    simsub = sim.add_subparsers(dest="sim_command", metavar="SIMCOMMAND", parser_class=_Parser)
    serve = simsub.add_parser("serve", help=t("cli.help.serve"), description=t("cli.help.serve"))
    serve.add_argument("--pty", metavar="PATH", required=True, help=t("cli.help.pty"))
    serve.add_argument("--name", metavar="NAME", default="sim", help=t("cli.help.name"))
    serve.add_argument("--number", type=int, default=1, help=t("cli.help.number"))
    serve.add_argument("--colour", type=int, default=0, help=t("cli.help.colour"))
    serve.add_argument("--fs", metavar="DIR", help=t("serve.help.fs"))
    serve.add_argument("--usb", choices=("microbit", "esp32"), help=t("serve.help.usb"))
    serve.add_argument("--serial-number", metavar="TEXT", help=t("serve.help.serial_number"))
    serve.add_argument("--drive", metavar="DIR", help=t("serve.help.drive"))
    serve.add_argument("--chip", default="esp32", help=t("serve.help.chip"))
    serve.add_argument("--baud", type=int, help=t("serve.help.baud"))
    serve.add_argument("--fail-after", metavar="BYTES", type=int, help=t("serve.help.fail_after"))
    serve.add_argument("--radio", action="store_true", help=t("serve.help.radio"))
    serve.add_argument("--loss", type=float, default=0.0, help=t("serve.help.loss"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before --help texts are built
    for i, a in enumerate(args_list):
        if a == "--lang" and i + 1 < len(args_list):
            set_language(args_list[i + 1])
        elif a.startswith("--lang="):
            set_language(a.split("=", 1)[1])
    parser = build_parser()
    args = parser.parse_args(args_list)
    if getattr(args, "code", None):  # read where a ble: kit is opened (link/kits.py)
        os.environ["DOJOKIT_BLE_CODE"] = args.code
    try:
        if args.command == "kits":
            from dojokit.cli.mentor import cmd_kits

            return cmd_kits(args.all)
        if args.command == "flash":
            from dojokit.cli.mentor import cmd_flash

            return cmd_flash(args)
        if args.command == "identify":
            from dojokit.cli.mentor import cmd_identify

            return asyncio.run(cmd_identify(args.kit, args.seconds))
        if args.command == "rename":
            from dojokit.cli.mentor import cmd_rename

            return asyncio.run(cmd_rename(args.kit, args.name))
        if args.command == "check" and args.all:
            from dojokit.cli.mentor import cmd_check_all

            return asyncio.run(cmd_check_all(args.profile))
        if args.command == "ping":
            return asyncio.run(cmd_ping(args.kit, args.count))
        if args.command == "check":
            return asyncio.run(cmd_check(args.kit, args.profile))
        if args.command == "studio":
            from dojokit.studio.runner import Options
            from dojokit.studio.runner import main as studio_main

            return studio_main(Options(args.box, args.exercise, args.learner, args.kit,
                                       args.profile, args.lang, args.program,
                                       args.scale / 100 if args.scale else None))
        if args.command == "run":
            from dojokit.cli.run import cmd_run

            return cmd_run(args.program, args.kit, args.timeout, args.trace, args.seed,
                           args.realtime, args.view, args.close_after)
        if args.command == "export":
            from dojokit.cli.export import cmd_export

            return cmd_export(args.program, args.out, args.scratch, args.lang)
        if args.command == "box" and args.box_command == "cards":
            from dojokit.cli.cards import cmd_cards

            return cmd_cards(args)
        if args.command == "box" and args.box_command:
            from dojokit.cli.box import cmd_box

            return cmd_box(args)
        if args.command == "progress":
            from dojokit.cli.box import cmd_progress

            return cmd_progress(args.learner, args.box, args.csv)
        if args.command == "lesson" and args.lesson_command == "show":
            from dojokit.cli.box import cmd_lesson_show

            return cmd_lesson_show(args.box, args.lang)
        if args.command == "sim" and args.sim_command == "serve":
            if args.radio:
                return cmd_sim_serve_radio(args)
            if args.fs:
                return cmd_sim_serve_board(args)
            return cmd_sim_serve(args.pty, (args.colour, args.number, args.name))
    except LinkError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    # a command group without its command (`dojokit box`): that group's commands
    (getattr(args, "help_of", None) or parser).print_help()
    return EXIT_USER


# -- ping ----------------------------------------------------------------------------------
async def cmd_ping(kit: str, count: int) -> int:
    from dojokit.link import Link, open_transport
    from dojokit.protocol import Kind

    async with Link(open_transport(kit)) as link:
        info = link.info
        assert info is not None
        _print_identity(info)
        times = []
        for _ in range(max(1, count)):
            t0 = time.perf_counter()
            await link.command(Kind.HEARTBEAT)
            times.append((time.perf_counter() - t0) * 1000)
        print(t("ping.rtt", n=len(times), low=min(times), median=statistics.median(times),
                high=max(times)))
    return EXIT_OK


def _print_identity(info: RobotInfo) -> None:
    print(t("ping.identity", name=info.name, number=info.number,
            colour=t(f"colour.{info.colour}"), kit=info.kit))
    print(t("ping.details", title=_known(f"kit.title.{info.kit_name}", info.kit_title),
            board=_known(f"board.{info.board}", info.board), firmware=info.firmware,
            protocol=info.protocol, caps=", ".join(_caps(info.caps))))


def _known(key: str, raw: str) -> str:
    """The translation of a name the robot sends (a board, a kit), or the name itself when
    it is new to this host or a brand name that stays as it is."""
    return t(key) if key in catalog("en") else raw


def _caps(caps: int) -> list[str]:
    from dojokit.protocol import Cap

    return [t(f"cap.{c.name.lower()}") for c in Cap if c.name and caps & c]


# -- check ---------------------------------------------------------------------------------
async def check_kit(kit: str, profile: str = "calm") -> tuple[RobotInfo, list[tuple[str, str]],
                                                                set[str]]:
    """The self-test on one kit: its identity, one row per part, and the parts that failed."""
    from dojokit.protocol import Cap, Sample
    from dojokit.robot import Robot

    robot = await Robot.open(kit)
    rows: list[tuple[str, str]] = []
    failed: set[str] = set()
    try:
        info = robot.info
        caps = info.caps
        learner = PROFILES[profile]
        await robot.set_profile(learner)  # lights and motors as the learner will see them
        if caps & (Cap.PIXELS | Cap.LEDS):
            # one steady colour per light, in turn: a safe pattern under any profile
            await robot.light("all", (0, 0, 0))
            n = info.lights
            for i in range(n):
                await robot.light(i, (0, 80, 255))
                await asyncio.sleep(0.15)
            rows.append((t("check.lights"), t("check.lights_ok", n=n)))
        if caps & Cap.DISPLAY:
            await robot.show_state("ready")
            rows.append((t("check.display"), t("check.ok")))
        if caps & Cap.MOTORS:
            await robot.drive(30, 30, seconds=0.3)
            await robot.stop()
            rows.append((t("check.motors"), t("check.motors_ok")))
        if caps & Cap.TONE:
            rows.append((t("check.tone"), await _check_tone(robot, learner)))
        s: Sample = await robot.read_sensors()
        for cap, key, value in (
            (Cap.DISTANCE, "check.distance",
             t("check.no_echo") if s.distance_mm is None else f"{s.distance_mm / 10:.1f} cm"),
            (Cap.LINE, "check.line", f"{_dark(s.line_left)} / {_dark(s.line_right)}"),
            (Cap.LIGHT, "check.light", "?" if s.light is None else str(s.light)),
            (Cap.BUTTONS, "check.buttons", _buttons(s.buttons)),
            (Cap.TILT, "check.tilt", f"{s.tilt_x}° / {s.tilt_y}°"),
        ):
            if caps & cap:
                rows.append((t(key), value))
        if robot.link.decoder.damaged or robot.link.robot_damaged:
            failed.add(t("check.line_quality"))
            rows.append((t("check.line_quality"),
                         t("check.damaged", host=robot.link.decoder.damaged,
                           robot=robot.link.robot_damaged)))
        else:
            rows.append((t("check.line_quality"), t("check.ok")))
        await robot.lights_off()
    finally:
        await robot.close()
    return info, rows, failed


async def cmd_check(kit: str, profile: str = "calm") -> int:
    info, rows, failed = await check_kit(kit, profile)
    _print_identity(info)
    print(_table((t("check.col.part"), t("check.col.result")), rows))
    print(t("check.failed") if failed else t("check.passed"))
    return EXIT_CHECK_FAILED if failed else EXIT_OK


async def _check_tone(robot: Any, learner: SensoryProfile) -> str:
    """Play a short tone under a profile that lets sound through (the firmware mutes it
    otherwise), then go back to the learner's profile, and say whether that one mutes it."""
    loud = learner if learner.sound else next(p for p in PROFILES.values() if p.sound)
    if loud is not learner:
        await robot.set_profile(loud)
    await robot.tone(440, 0.2)
    await asyncio.sleep(0.2)  # the tone plays out before the profile changes again
    if loud is learner:
        return t("check.tone_ok")
    await robot.set_profile(learner)
    return t("check.tone_muted", profile=t(f"legend.profile.{learner.name}"),
             name=learner.name)


def _dark(v: bool | None) -> str:
    return "?" if v is None else t("check.dark") if v else t("check.bright")


def _buttons(b: int) -> str:
    pressed = [name for i, name in enumerate("AB") if b & (1 << i)]
    return ", ".join(pressed) if pressed else t("check.none_pressed")


# -- sim serve -----------------------------------------------------------------------------
def cmd_sim_serve(path: str, name: tuple[int, int, str]) -> int:
    from pathlib import Path

    from dojokit.sim.guest import FirmwareGuest
    from dojokit.sim.pty_server import PtyBridge

    problem = _serve_path_problem(path)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USER
    guest = FirmwareGuest(name=name)
    bridge = PtyBridge(guest, Path(path))
    try:
        guest.start()
        bridge.start()
        print(t("serve.ready", path=path, name=name[2]), flush=True)
        stopped = _until_signal(lambda: guest.running)
    finally:
        bridge.close()
        guest.stop()
    if guest.error and not stopped:
        print(t("serve.firmware_ended", error=guest.error), file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _serve_path_problem(path: str) -> str | None:
    from pathlib import Path

    target = Path(path)
    if target.exists() and not target.is_symlink():
        return t("serve.path_taken", path=path)
    if not target.parent.is_dir():
        return t("serve.no_folder", path=path)
    return None


def _until_signal(alive: Any) -> bool:
    """Wait for Ctrl-C or SIGTERM (True), or until `alive()` turns false (False)."""
    stop = {"now": False}

    def on_signal(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop["now"] and alive():
        time.sleep(0.1)
    return stop["now"]


def cmd_sim_serve_radio(args: Any) -> int:
    """A simulated radio bridge on a pty with its paired robot (issue 15)."""
    import tempfile
    from pathlib import Path

    from dojokit.sim.served import serve_radio

    problem = _serve_path_problem(args.pty)
    if not 0.0 <= args.loss < 1.0:
        problem = problem or t("serve.bad_loss")
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USER
    with tempfile.TemporaryDirectory(prefix="dojokit-radio-") as tmp:
        pair = serve_radio(Path(args.pty), Path(args.fs or tmp),
                           name=(args.colour, args.number, args.name), loss=args.loss,
                           baud=args.baud)
        try:
            print(t("serve.radio_ready", path=args.pty, name=args.name), flush=True)
            _until_signal(lambda: True)
        finally:
            pair.close()
    return EXIT_OK


def cmd_sim_serve_board(args: Any) -> int:
    """A simulated board with a file system (and a USB identity, a drive, a ROM) on a pty."""
    from pathlib import Path

    from dojokit.sim.served import serve

    problem = _serve_path_problem(args.pty)
    if args.drive and args.usb != "microbit":
        problem = problem or t("serve.drive_microbit")
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USER
    served = serve(Path(args.pty), Path(args.fs), usb=args.usb, serial_number=args.serial_number,
                   drive=Path(args.drive) if args.drive else None, chip=args.chip,
                   baud=args.baud, fail_after=args.fail_after)
    try:
        print(t("serve.board_ready", path=args.pty, fs=args.fs), flush=True)
        _until_signal(lambda: True)
    finally:
        served.close()
    return EXIT_OK


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    w = max(len(r[0]) for r in [header, *rows])
    lines = [f"{header[0]:<{w}}  {header[1]}", f"{'-' * w}  {'-' * len(header[1])}"]
    lines += [f"{a:<{w}}  {b}" for a, b in rows]
    return "\n".join(lines)


def entry() -> None:
    try:
        code = main()
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
        code = EXIT_OK
    # Leave without interpreter shutdown: wasmtime's runtime threads (the simulated kit)
    # can abort the process while Python tears down, turning a good run into a crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
