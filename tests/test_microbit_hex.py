"""The micro:bit hex (MicroPython + our files), the MICROBIT drive that goes with a port,
and the simulated drive that flashes what is copied onto it."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from dojokit.kits import drive as drv
from dojokit.kits.build import build
from dojokit.kits.hexfile import FS_BUDGET, HexError, check_fits, files_in_hex, microbit_hex
from dojokit.sim.drive import FAIL, SimDrive, details_text

UID = "9904360258994e450046000d0000004e0000000097969901"
OTHER_UID = "9904360258994e45004c0013000000590000000097969901"
NAME = (1, 7, "panda")


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return build("microbit", "maqueen", name=NAME)


@pytest.fixture(scope="module")
def hex_text(files) -> str:
    return microbit_hex(files)


def _one_sentence(text: str) -> bool:
    return "\n" not in text and len(re.findall(r"[.!?](\s|$)", text)) == 1


def _fake_drive(root: Path, name: str, uid: str) -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "DETAILS.TXT").write_text(details_text(uid), encoding="ascii", newline="")
    (d / "MICROBIT.HTM").write_text("<html></html>\r\n", encoding="ascii")
    return d


def test_the_hex_holds_exactly_the_build(files, hex_text):
    assert hex_text.rstrip().endswith(":00000001FF")
    assert files_in_hex(hex_text) == files
    assert b"7 panda" in files["name.txt"] and b"board microbit" in files["kit.txt"]


def test_a_build_too_big_for_the_micro_bit_is_refused_before_anything_is_written(
        files, tmp_path, monkeypatch):
    big = dict(files, **{"extra.py": b"#" * FS_BUDGET})
    monkeypatch.setenv("DOJOKIT_DRIVES", str(tmp_path))
    drive = _fake_drive(tmp_path, "MICROBIT", UID)
    before = sorted(p.name for p in drive.iterdir())
    with pytest.raises(HexError) as e:
        drv.copy_hex(drive, microbit_hex(big))
    msg = str(e.value)
    assert _one_sentence(msg)
    assert "20.0" in msg  # the budget, in KB
    assert re.search(r"\b3\d\.\d\b", msg)  # and the build's size (about 36 KB)
    assert sorted(p.name for p in drive.iterdir()) == before  # nothing half-written
    with pytest.raises(HexError):
        check_fits(big)
    assert check_fits(files) <= FS_BUDGET


def test_the_hex_goes_to_the_drive_of_the_port_and_reads_back_as_the_build(
        files, hex_text, tmp_path, monkeypatch):
    monkeypatch.setenv("DOJOKIT_DRIVES", str(tmp_path / "media"))
    mine = _fake_drive(tmp_path / "media", "MICROBIT1", UID)
    _fake_drive(tmp_path / "media", "MICROBIT", OTHER_UID)  # another micro:bit, first by name
    (tmp_path / "media" / "USBSTICK").mkdir()  # not a micro:bit: no DETAILS.TXT
    drives = {d.path.name: d for d in drv.list_drives()}
    assert drives["MICROBIT1"].board_id == "9904"
    assert drives["MICROBIT1"].interface_version == "0255"
    assert "USBSTICK" not in drives
    assert drv.find_drive(UID.upper()) == mine  # the port's serial number, in any case
    assert drv.find_drive("9904000000000000") is None
    assert drv.find_drive(None) is None
    steps: list[tuple[int, int]] = []
    written = drv.copy_hex(mine, hex_text, lambda done, total: steps.append((done, total)))
    assert written == len(hex_text)
    assert steps[-1] == (written, written) and len(steps) > 1
    copied = (mine / drv.HEX_NAME).read_text(encoding="ascii")
    assert files_in_hex(copied) == files


def test_a_copy_to_a_drive_that_is_gone_says_so_in_one_sentence(hex_text, tmp_path):
    with pytest.raises(drv.DriveError) as e:
        drv.copy_hex(tmp_path / "gone", hex_text)
    assert _one_sentence(str(e.value))


def _wait(cond, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


def test_the_simulated_drive_flashes_a_copied_hex(files, hex_text, tmp_path, monkeypatch):
    got: list[dict[str, bytes]] = []
    fails: list[str] = []
    flashed = threading.Event()

    def on_flash(fs: dict[str, bytes]) -> None:
        got.append(fs)
        flashed.set()

    folder = tmp_path / "drives" / "MICROBIT"
    with SimDrive(folder, UID, on_flash, fails.append) as sim:
        monkeypatch.setenv("DOJOKIT_DRIVES", str(tmp_path / "drives"))
        found = drv.find_drive(UID)
        assert found == folder
        assert (folder / "MICROBIT.HTM").is_file()
        drv.copy_hex(found, hex_text)
        assert flashed.wait(30)
        assert _wait(lambda: not (folder / drv.HEX_NAME).exists())  # remounted without it
        assert sim.error is None
    assert got == [files]
    assert fails == []
    assert not (folder / FAIL).exists()
    assert "Remount count: 1" in (folder / "DETAILS.TXT").read_text(encoding="ascii")


def test_the_simulated_drive_refuses_a_cut_off_hex_as_daplink_does(hex_text, tmp_path):
    got: list[dict[str, bytes]] = []
    fails: list[str] = []
    folder = tmp_path / "MICROBIT"
    with SimDrive(folder, UID, got.append, fails.append, quiet=0.3):
        cut = hex_text[: len(hex_text) // 2]
        (folder / "dojokit.hex").write_text(cut[: cut.rindex("\n") + 1], encoding="ascii")
        assert _wait(lambda: (folder / FAIL).exists())
        assert _wait(lambda: not (folder / "dojokit.hex").exists())
        assert _wait(lambda: bool(fails))
        # a damaged line: DAPLink's checksum sentence, at once (the file is complete)
        broken = hex_text.replace(":10", ":11", 1)
        (folder / "broken.hex").write_text(broken, encoding="ascii")
        assert _wait(lambda: len(fails) == 2)
    assert got == []
    text = (folder / FAIL).read_text(encoding="ascii")
    assert text.startswith("error: The hex file cannot be decoded.") and "type: user" in text
    assert fails[0] == "The transfer timed out."
