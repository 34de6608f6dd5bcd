"""The mentor's preparation of a room, end to end, with the real tools and no hardware.

Every board here is a simulated one (`dojokit.sim.served`): the simulator's real MicroPython
booting main.py from a folder that is its file system, with a raw REPL, on a pseudo-terminal,
with the USB identity a real board would show (micro:bit or ESP32) and, where the real board
has them, its MICROBIT drive or its ROM bootloader. The commands are the ones a mentor types.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dojokit.cli.main import main
from dojokit.kits.build import build, firmware_version
from dojokit.kits.deploy import MANIFEST, manifest_text
from dojokit.kits.identity import Identity
from dojokit.sim.esp_rom import make_test_image
from dojokit.sim.served import Served, serve


class RoomRig:
    """Simulated boards in one folder, and the environment that makes the CLI see them."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.served: dict[int, Served] = {}
        (tmp / "drives").mkdir()
        self.env = {"DOJOKIT_SIM_PORTS": str(tmp / "tty*"),
                    "DOJOKIT_DRIVES": str(tmp / "drives"),
                    "DOJOKIT_ROOM": str(tmp / "room.json"),
                    "DOJOKIT_LANG": "en"}
        for k, v in self.env.items():
            monkeypatch.setenv(k, v)

    def port(self, i: int) -> str:
        return str(self.tmp / f"tty{i:02d}")

    def fs(self, i: int) -> Path:
        return self.tmp / f"fs{i:02d}"

    def serve(self, i: int, usb: str = "microbit", drive: bool = False,
              fail_after: int | None = None) -> Served:
        d = self.tmp / "drives" / f"MICROBIT{i}" if drive else None
        self.served[i] = serve(Path(self.port(i)), self.fs(i), usb=usb,
                               serial_number=f"9904{i:044d}" if usb == "microbit" else None,
                               drive=d, fail_after=fail_after)
        return self.served[i]

    def unplug(self, i: int) -> None:
        self.served.pop(i).close()

    def close(self) -> None:
        for s in self.served.values():
            s.close()

    def files(self, i: int) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.fs(i).iterdir() if p.is_file()}

    def roster(self) -> dict[str, Identity]:
        raw = json.loads((self.tmp / "room.json").read_text())["kits"]
        return {k: Identity(v["colour"], v["number"], v["name"]) for k, v in raw.items()}


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RoomRig]:
    r = RoomRig(tmp_path, monkeypatch)
    yield r
    r.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def row_of(out: str, port: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(port))


def note_of(out: str, port: str) -> str:
    """The numbered sentence under the table that says why a kit is not ready."""
    return next(line for line in out.splitlines()
                if line[:1].isdigit() and line.split(". ", 1)[-1].startswith(port + ":"))


def test_a_room_of_ten_one_cable_pulled_mid_write(rig: RoomRig, capsys) -> None:  # type: ignore[no-untyped-def]
    """Nine kits succeed, the table names the tenth and why, the exit code says so; the
    next run finds the interrupted kit, writes it whole and keeps everyone's identity."""
    bad = 7
    for i in range(10):
        rig.serve(i, fail_after=6000 if i == bad else None)
    code, out, err = run(capsys, "flash", "--all", "--update", "--kit-profile", "maqueen",
                         "--yes")
    assert code == 1, out + err
    for i in range(10):
        row = row_of(out, rig.port(i))
        assert ("ok (files copied)" in row) == (i != bad), row
    assert "not ready: see 1 below" in row_of(out, rig.port(bad))
    assert "stopped answering" in note_of(out, rig.port(bad))
    assert "1 of 10 kits are not ready" in out
    first = rig.roster()
    assert len({i.name for i in first.values()}) == 10
    assert len({i.number for i in first.values()}) == 10
    for i in range(10):
        if i != bad:
            assert (rig.fs(i) / MANIFEST).is_file()
    assert not (rig.fs(bad) / MANIFEST).exists()  # the interruption shows on the board

    # what the board holds says it was cut: its kit and name came first, main.py never
    assert {"kit.txt", "name.txt"} <= set(rig.files(bad)) and "main.py" not in rig.files(bad)
    rig.unplug(bad)  # the mentor plugs the cable back in and runs the same command again
    rig.serve(bad)
    code, out, err = run(capsys, "flash", "--all", "--update", "--kit-profile", "maqueen",
                         "--yes")
    assert code == 0, out + err
    assert "All 10 kits are ready" in out
    assert rig.roster() == first  # nobody's name changed
    want = rig.files(bad)
    ident = first[f"9904{bad:044d}"]
    assert want[MANIFEST] == manifest_text(
        build("virtual", "maqueen", ident.as_tuple()))


def test_a_micro_bit_boots_exactly_the_files_of_the_hex_copied_to_its_drive(
        rig: RoomRig, capsys) -> None:  # type: ignore[no-untyped-def]
    rig.serve(0, drive=True)
    code, out, err = run(capsys, "flash", f"serial:{rig.port(0)}", "--kit-profile", "maqueen",
                         "--name", "kiwi", "--yes")
    assert code == 0, out + err
    assert "ok (hex copied)" in row_of(out, rig.port(0))
    ident = next(iter(rig.roster().values()))
    assert ident.name == "kiwi"
    # DAPLink writes the whole flash: the board holds the build and nothing else
    assert rig.files(0) == build("virtual", "maqueen", ident.as_tuple())
    code, out, _ = run(capsys, "kits")
    row = row_of(out, f"serial:{rig.port(0)}")
    assert ident.describe() in row and firmware_version() in row and "ready" in row
    # a new name by a new hex: the old firmware answers for a moment after the copy, and
    # the check waits for the board that runs the new one
    code, out, err = run(capsys, "flash", "--all", "--new-name", "--yes")
    assert code == 0, out + err
    new = next(iter(rig.roster().values()))
    assert new.name != "kiwi" and new.describe() in row_of(out, rig.port(0))
    assert rig.files(0) == build("virtual", "maqueen", new.as_tuple())


def test_an_esp32_without_micropython_gets_the_image_then_our_files(
        rig: RoomRig, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rig.serve(0, usb="esp32")
    code, out, err = run(capsys, "flash", "--all", "--kit-profile", "esp32_2wd", "--yes")
    assert code == 1
    assert "give a MicroPython image with --image" in note_of(out, rig.port(0))
    image = make_test_image(tmp_path / "micropython.bin", size=120_000)
    code, out, err = run(capsys, "flash", "--all", "--kit-profile", "esp32_2wd",
                         "--image", str(image), "--yes")
    assert code == 0, out + err
    assert "MicroPython and files written" in row_of(out, rig.port(0))
    # the next run: the board runs our firmware, so only files go
    code, out, err = run(capsys, "flash", "--all", "--image", str(image), "--yes")
    assert code == 0 and "ok (files copied)" in row_of(out, rig.port(0)), out + err


def test_a_mixed_room_takes_one_kit_profile_per_kind_of_board(
        rig: RoomRig, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    image = make_test_image(tmp_path / "micropython.bin", size=60_000)
    rig.serve(0)
    rig.serve(1, usb="esp32")
    code, out, err = run(capsys, "flash", "--all", "--update", "--kit-profile", "maqueen",
                         "--kit-profile", "esp32_2wd", "--image", str(image), "--yes")
    assert code == 0, out + err
    assert b"name maqueen" in rig.files(0)["kit.txt"]
    assert b"name esp32_2wd" in rig.files(1)["kit.txt"]


def test_an_esp32_whose_image_write_was_cut_is_flashed_whole_next_time(
        rig: RoomRig, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    image = make_test_image(tmp_path / "micropython.bin", size=120_000)
    rig.serve(0, usb="esp32", fail_after=60_000)
    code, out, err = run(capsys, "flash", "--all", "--kit-profile", "esp32_2wd",
                         "--image", str(image), "--yes")
    assert code == 1, out + err
    rig.unplug(0)
    served = rig.serve(0, usb="esp32")  # plugged back in: the half-written chip stays dark
    assert not served.board.powered
    code, out, err = run(capsys, "flash", "--all", "--kit-profile", "esp32_2wd",
                         "--image", str(image), "--yes")
    assert code == 0, out + err
    assert "MicroPython and files written" in row_of(out, rig.port(0))


def test_a_hex_file_for_a_mentor_who_copies_by_hand(rig: RoomRig, capsys,
                                                    tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dojokit.kits.hexfile import files_in_hex

    out_hex = tmp_path / "maqueen.hex"
    code, out, err = run(capsys, "flash", "--hex", str(out_hex), "--kit-profile", "maqueen",
                         "--name", "mango")
    assert code == 0, err
    ident = next(iter(rig.roster().values()))
    assert ident.name == "mango" and ident.describe() in out
    assert files_in_hex(out_hex.read_text()) == build("microbit", "maqueen", ident.as_tuple())
    code, out, err = run(capsys, "flash", "--hex", str(tmp_path / "x.hex"))
    assert code == 2 and "--kit-profile" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "flash", "--hex", str(tmp_path / "x.hex"), "--kit-profile",
                         "esp32_2wd")
    assert code == 2 and err.strip() and "Traceback" not in err


def test_kits_check_all_rename_and_identify(rig: RoomRig, capsys) -> None:  # type: ignore[no-untyped-def]
    for i in range(2):
        rig.serve(i)
    assert run(capsys, "flash", "--all", "--update", "--kit-profile", "maqueen", "--yes")[0] == 0
    names = {k[-1]: i.name for k, i in rig.roster().items()}  # by the kit's number
    code, out, err = run(capsys, "check", "--all")
    assert code == 0, out + err
    assert "All 2 kits passed the check." in out
    assert sum("everything answered" in line for line in out.splitlines()) == 2
    # a name another kit of the room has is refused in one sentence
    code, out, err = run(capsys, "rename", f"serial:{rig.port(0)}", names["1"])
    assert code == 2 and len(err.strip().splitlines()) == 1
    new = "violin" if "violin" not in names.values() else "banjo"
    code, out, err = run(capsys, "rename", f"serial:{rig.port(1)}", new)
    assert code == 0, err
    code, out, _ = run(capsys, "kits")
    assert f" {new} " in row_of(out, f"serial:{rig.port(1)}")
    code, out, err = run(capsys, "identify", f"serial:{rig.port(1)}", "--seconds", "0.5")
    assert code == 0 and new in out
    # the kit showed its identity as at boot: its display scrolled "number name" again
    board = rig.served[1].board.board
    assert any(new in str(o.value) for o in board.outputs("text"))


def test_a_busy_port_is_listed_as_busy_with_the_program_holding_it(rig: RoomRig) -> None:
    from dojokit.kits.ports import open_exclusive

    rig.serve(0)
    held = open_exclusive(rig.port(0))
    try:
        r = subprocess.run([sys.executable, "-m", "dojokit", "kits"], capture_output=True,
                           text=True, timeout=120, env={**__import__("os").environ, **rig.env})
    finally:
        held.close()
    assert r.returncode == 0, r.stderr
    row = row_of(r.stdout, f"serial:{rig.port(0)}")
    assert "in use by another program" in row and "python" in row


def test_flash_asks_before_writing_and_explains_mistakes(rig: RoomRig, capsys) -> None:  # type: ignore[no-untyped-def]
    rig.serve(0)
    # not at a terminal and no --yes: nothing is written, one sentence says what to add
    code, out, err = run(capsys, "flash", "--all", "--kit-profile", "maqueen")
    assert code == 2 and "--yes" in err
    assert not any(rig.fs(0).iterdir())
    code, out, err = run(capsys, "flash", f"serial:{rig.port(0)}", "--all", "--yes")
    assert code == 2 and "not both" in err
    code, out, err = run(capsys, "flash", "--all", "--image", "/nonexistent.bin", "--yes")
    assert code == 2 and "/nonexistent.bin" in err
    code, out, err = run(capsys, "flash", "--all", "--update", "--yes")  # no kit profile
    assert code == 1 and "--kit-profile" in note_of(out, rig.port(0))
    code, out, err = run(capsys, "flash", "--all", "--update", "--kit-profile", "esp32_2wd",
                         "--yes")
    assert code == 1 and "another board" in note_of(out, rig.port(0))
    assert "Traceback" not in out + err


def test_a_port_that_cannot_be_flashed_reserves_no_name_and_a_damaged_room_list_is_kept(
        rig: RoomRig, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "flash", "serial:/dev/nonexistent", "--kit-profile",
                         "maqueen", "--yes")
    assert code == 1 and "There is no port /dev/nonexistent" in out
    assert not (tmp_path / "room.json").exists()
    (tmp_path / "room.json").write_text("{damaged")
    code, out, err = run(capsys, "flash", "--hex", str(tmp_path / "a.hex"), "--kit-profile",
                         "maqueen")
    assert code == 2 and "--new-room" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "room.json").read_text() == "{damaged"  # never overwritten silently
    code, out, err = run(capsys, "flash", "--hex", str(tmp_path / "a.hex"), "--kit-profile",
                         "maqueen", "--new-room")
    assert code == 0, err
    assert (tmp_path / "room.json.bak").read_text() == "{damaged"
