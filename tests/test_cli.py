"""The mentor's command line, run as a mentor runs it: a real process, real exit codes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dojokit(*args, timeout=60, lang="en"):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG=lang)
    return subprocess.run([sys.executable, "-m", "dojokit", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_version_and_help():
    assert dojokit("--version").stdout.startswith("dojokit 0.1.0")
    helptext = dojokit("--help").stdout
    for cmd in ("kits", "ping", "check", "sim"):
        assert cmd in helptext
    assert "pseudo-terminal" in dojokit("sim", "serve", "--help").stdout
    assert "lichtpatroon" in dojokit("check", "--help", lang="nl").stdout


def test_kits_lists_the_simulated_kit():
    r = dojokit("kits")
    assert r.returncode == 0
    assert "sim " in r.stdout and "simulated kit" in r.stdout


def test_check_sim_prints_a_table_and_passes():
    r = dojokit("check", "sim")
    assert r.returncode == 0, r.stderr
    for part in ("lights", "motors", "distance sensor", "line sensors", "buttons", "tilt"):
        assert part in r.stdout
    assert "Check finished: everything answered." in r.stdout
    assert r.stderr == ""


def test_user_mistakes_get_one_sentence_and_exit_2():
    for args, words in (
        (("ping", "/dev/ttyNOPE"), "There is no port /dev/ttyNOPE"),
        (("ping", "bluetooth-robot"), "is not a kit name"),
        # no Bluetooth here (or no robot Vos on a laptop that has it): one sentence either way
        (("ping", "ble:Vos"), "Bluetooth"),
        (("ping", "/etc/hostname"), "is not a serial port"),
        (("frobnicate",), "dojokit --help"),
    ):
        r = dojokit(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 2
    r = dojokit("ping", "/dev/ttyNOPE", lang="fr")
    assert "Le port /dev/ttyNOPE n'existe pas" in r.stderr


def test_sim_serve_on_a_pty_answers_ping_and_stops_cleanly(tmp_path):
    link = tmp_path / "robot"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    server = subprocess.Popen(
        [sys.executable, "-m", "dojokit", "sim", "serve", "--pty", str(link), "--name", "Das",
         "--number", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert "is ready on" in server.stdout.readline()
        r = dojokit("ping", f"serial:{link}", "--count", "5")
        assert r.returncode == 0, r.stderr
        assert "Robot Das, number 4, colour blue" in r.stdout
        assert "5 round trips" in r.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=10)
    assert server.returncode == 0, err
    assert not link.exists() and not link.is_symlink()
    assert "Traceback" not in err and "panicked" not in err


# -- the command line as people type it -----------------------------------------------------


def _leaf_commands(parser, path=()):
    """Every command path of the parser tree, e.g. ("box", "list")."""
    import argparse

    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaf_commands(sub, (*path, name))


def test_every_command_takes_lang_before_or_after_it():
    from dojokit.cli.main import build_parser

    parser = build_parser()
    paths = [p for p in _leaf_commands(parser) if p]
    assert ("box", "list") in paths and ("sim", "serve") in paths
    for path in paths:
        help_text = dojokit(*path, "--help", "--lang", "fr").stdout
        assert "--lang {nl,fr,en}" in help_text, path
        assert "langue des messages" in help_text, path  # the help itself is in French
    # the same command, with --lang before and after it, says the same thing
    for args in (("--lang", "nl", "kits"), ("kits", "--lang", "nl"),
                 ("--lang", "nl", "box", "list"), ("box", "--lang", "nl", "list"),
                 ("box", "list", "--lang", "nl")):
        r = dojokit(*args)
        assert r.returncode == 0, (args, r.stderr)
        assert ("gesimuleerde kit" if "kits" in args else "Verkeerslicht") in r.stdout, args
    r = dojokit("lesson", "show", "traffic_light", "--lang", "fr")
    assert r.returncode == 0 and "Feu" in r.stdout
    r = dojokit("kits", "--lang", "xx")
    assert r.returncode == 2 and "xx" in r.stderr


def test_an_unknown_dojokit_lang_is_named_once_and_english_is_used():
    for value in ("de", "xx"):
        r = dojokit("box", "list", lang=value)
        assert r.returncode == 0, r.stderr
        assert "Traffic light" in r.stdout  # English
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert f'"{value}"' in lines[0] and "English" in lines[0]
    # many texts are looked up for --help: still one line
    r = dojokit("check", "--help", lang="de")
    assert len(r.stderr.strip().splitlines()) == 1 and "self-test" in r.stdout
    # --lang wins over DOJOKIT_LANG, and then there is nothing to say
    r = dojokit("kits", "--lang", "nl", lang="de")
    assert r.stderr == "" and "gesimuleerde kit" in r.stdout


def test_a_command_group_alone_shows_its_own_commands():
    for group, commands in (("box", ("list", "show", "check", "grade")),
                            ("lesson", ("show",)), ("sim", ("serve",))):
        r = dojokit(group)
        assert r.returncode == 2, group
        assert f"usage: dojokit {group}" in r.stdout, group
        for command in commands:
            assert command in r.stdout, (group, command)
        assert "kits" not in r.stdout  # not the top-level help
    r = dojokit("box", lang="nl")
    assert "toon de themakoffers" in r.stdout


SHIPPED_ORDER = ["traffic_light", "lighthouse", "robot_dance", "parking_sensor",
                 "line_follower"]


def test_box_list_shows_the_boxes_in_teaching_order_with_their_level():
    r = dojokit("box", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.rstrip().splitlines()
    header, rows = lines[0], lines[2:]
    assert header.split() == ["LEVEL", "BOX", "TITLE", "EXERCISES", "AGES"]
    assert [row.split()[1] for row in rows] == SHIPPED_ORDER
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "4", "5"]
    # aligned: each title starts where its column's header does
    assert {row.index(row.split()[2]) for row in rows} == {header.index("TITLE")}
    assert "8-14" in rows[2]  # robot dance, with its ages
    nl = dojokit("box", "list", lang="nl").stdout
    assert "NIVEAU" in nl and "Vuurtoren" in nl and "LEVEL" not in nl


def test_a_box_level_is_checked(tmp_path):
    import shutil

    src = ROOT / "themeboxes" / "traffic_light"
    for level, ok in ((0, False), ("1", False), (1.5, False), (7, True)):
        box = tmp_path / str(level) / "traffic_light"
        shutil.copytree(src, box)
        text = (box / "box.json").read_text(encoding="utf-8")
        (box / "box.json").write_text(text.replace('"level": 1,', f'"level": {level!r},'
                                                   .replace("'", '"')), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en",
                   DOJOKIT_BOXES=str(box.parent))
        r = subprocess.run([sys.executable, "-m", "dojokit", "box", "list"],
                           capture_output=True, text=True, timeout=60, env=env)
        assert r.returncode == 0
        if ok:
            assert r.stderr == "" and r.stdout.splitlines()[2].split()[:2] == ["7",
                                                                               "traffic_light"]
        else:
            assert "level" in r.stderr and "whole number from 1 to 99" in r.stderr, level
            assert "traffic_light" not in r.stdout


def test_box_check_shows_each_program_as_it_is_graded(tmp_path):
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    p = subprocess.Popen([sys.executable, "-m", "dojokit", "box", "check", "traffic_light"],
                         stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out = p.communicate(timeout=120)[0].decode()
    assert p.returncode == 0
    assert "Box traffic_light is ready" in out  # the result stays on standard output
    shown = seen.decode("utf-8", "replace")
    for exercise in ("green-light", "three-colours", "repeat-cycle", "pedestrian",
                     "lights-off"):
        assert f"traffic_light: {exercise}, model.json" in shown, exercise
        assert f"traffic_light: {exercise}, starter.json" in shown, exercise
    assert "/22" in shown  # how many programs there are in all


def test_check_tests_the_buzzer_with_sound_and_names_a_muting_profile():
    r = dojokit("check", "sim")
    assert r.returncode == 0, r.stderr
    assert "the buzzer works; under the calm profile it stays silent" in r.stdout
    r = dojokit("check", "sim", "--profile", "standard")
    assert r.returncode == 0, r.stderr
    assert "the buzzer played a short tone" in r.stdout and "silent" not in r.stdout
    r = dojokit("check", "sim", lang="nl")
    assert "met het profiel rustig (calm) blijft hij stil" in r.stdout
    r = dojokit("check", "sim", "--profile", "loud")
    assert r.returncode == 2 and "loud" in r.stderr


def test_check_sim_really_sounds_the_simulated_buzzer(monkeypatch, capsys):
    from dojokit.cli.main import main
    from dojokit.sim.board import VirtualBoard

    played = []
    real = VirtualBoard.play_tone

    def record(self, freq, ms, volume):
        played.append((freq, ms, volume))
        real(self, freq, ms, volume)

    monkeypatch.setattr(VirtualBoard, "play_tone", record)
    assert main(["check", "sim"]) == 0
    # under the calm profile the firmware would keep it silent: it reached the board
    [(freq, ms, volume)] = played
    assert (freq, ms) == (440, 200) and volume > 0
    assert "stays silent" in capsys.readouterr().out


def test_ping_and_kits_speak_the_learners_language():
    raw = ("motors", "pixels", "leds", "display", "tone", "distance", "buttons", "tilt")
    for lang, words in (("nl", ("heeft: motoren", "kleurlichtjes", "zoemer", "bord virtueel",
                                "Gesimuleerde Maqueen")),
                        ("fr", ("possède : moteurs", "buzzer", "carte virtuelle",
                                "Maqueen simulé"))):
        r = dojokit("ping", "sim", "--count", "1", lang=lang)
        assert r.returncode == 0, r.stderr
        details = r.stdout.splitlines()[1]
        for word in words:
            assert word in details, (lang, word)
        caps = details.split(": ")[-1].rstrip(".").split(", ")
        assert len(caps) == 10 and not set(caps) & set(raw), (lang, caps)
        assert "virtual " not in details and "Simulated" not in details


def test_kits_names_an_unknown_port_in_the_learners_language(monkeypatch, capsys):
    from dojokit.cli.mentor import cmd_kits
    from dojokit.i18n import set_language
    from dojokit.kits import usb

    port = usb.SerialKit("/dev/ttyS0", None, None, None, "n/a", usb.UNKNOWN, None)
    monkeypatch.setattr(usb, "list_serial_kits", lambda include_unknown: [port])
    set_language("nl")
    try:
        assert cmd_kits(True) == 0
    finally:
        set_language(None)
    row = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("serial:"))
    # an unknown device is named, described and not asked for a handshake
    assert [c.strip() for c in row.split("  ") if c.strip()] == [
        "serial:/dev/ttyS0", "-", "onbekend serieel toestel (geen beschrijving)", "-",
        "geen kit (niet gevraagd)"]
