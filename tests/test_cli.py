"""The mentor's command line, run as a mentor runs it: a real process, real exit codes."""

import os
import signal
import subprocess
import sys
from pathlib import Path

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
        (("ping", "ble:Vos"), "not supported yet"),
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
