"""Pairing a radio robot with its bridge: `dojokit flash --pair ROBOT BRIDGE`.

The allocation (kits.pairing) spreads a room's pairs over the air, pair.txt is what the
bridge firmware reads, the room keeps its pairs like its names, and the command writes both
boards (simulated micro:bits, as tests/test_mentor_flash.py) with the same pairing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dojokit.cli.main import main
from dojokit.kits.build import board_source, build, build_bridge, firmware_dir
from dojokit.kits.flasher import hello
from dojokit.kits.pairing import (
    CHANNELS,
    DEFAULT_CHANNEL,
    DEFAULT_GROUP,
    Pairing,
    PairingError,
    PairRoster,
    allocate_pairing,
    fingerprint,
    spread,
)
from dojokit.link.radio_packet import KEY_BYTES
from dojokit.sim.served import Served, serve


# -- allocation ------------------------------------------------------------------------------
def test_fifteen_pairs_side_by_side_never_share_the_air_a_number_or_a_key() -> None:
    room: list[Pairing] = []
    for _ in range(15):
        room.append(allocate_pairing(room))
    assert spread(room)  # (channel, group) and pair number: all different
    assert len({p.group for p in room}) == 15  # even a robot set to the wrong channel
    assert len({p.key for p in room}) == 15 and all(len(p.key) == KEY_BYTES for p in room)
    assert all(any(p.key) for p in room)
    assert all((p.channel, p.group) != (DEFAULT_CHANNEL, DEFAULT_GROUP) for p in room)
    assert all(p.channel != DEFAULT_CHANNEL and p.group != 0 for p in room)
    # spread evenly over the chosen channels (15 over 4: 4, 4, 4, 3)
    per = sorted(sum(p.channel == c for p in room) for c in CHANNELS)
    assert per == [3, 4, 4, 4]
    assert all(1 <= p.pair <= 255 and 1 <= p.group <= 255 for p in room)


def test_keys_are_random_not_derived_from_the_room() -> None:
    a = [allocate_pairing([]) for _ in range(50)]
    assert len({p.key for p in a}) == 50
    # every key bit takes both values over 50 keys: not a constant or a counter
    bits = [int.from_bytes(p.key, "big") for p in a]
    for b in range(KEY_BYTES * 8):
        assert len({(k >> b) & 1 for k in bits}) == 2


def test_a_full_room_is_told_in_one_sentence() -> None:
    room = [Pairing(CHANNELS[0], g, g, bytes([g]) * KEY_BYTES) for g in range(1, 256)]
    with pytest.raises(PairingError) as e:
        allocate_pairing(room)
    assert "--new-room" in str(e.value)


def test_pair_txt_round_trip_is_what_the_bridge_firmware_reads() -> None:
    p = Pairing(49, 200, 17, bytes.fromhex("00a1b2c3d4e5f6ff"))
    assert p.text() == "49 200 17 00a1b2c3d4e5f6ff\n"
    assert Pairing.from_text(p.text()) == p
    assert Pairing.from_text(p.text().encode()) == p
    for bad in ("", "49 200 17", "49 200 0 00a1b2c3d4e5f6ff", "84 1 1 00a1b2c3d4e5f6ff",
                "1 1 1 00a1", "1 1 1 zz"):
        assert Pairing.from_text(bad) is None, bad
    # dk_pair.read (the robot's and the bridge's), run as plain Python
    src = (firmware_dir() / "dk_pair.py").read_text()
    load_src = src[src.index("def read(path)"):src.index("def start(")]
    ns: dict[str, object] = {}
    exec(load_src, ns)
    tmp = Path(__import__("tempfile").mkdtemp()) / "pair.txt"
    tmp.write_text(p.text())
    ch, grp, pair, key = ns["read"](str(tmp))  # type: ignore[operator]
    assert (ch, grp, pair, bytes(key)) == (49, 200, 17, p.key)


def test_the_key_never_shows_in_a_pairing_s_repr() -> None:
    p = allocate_pairing([])
    assert p.key.hex() not in repr(p) and p.key.hex() not in str(p)


# -- the room's pairs ------------------------------------------------------------------------
def test_the_room_keeps_its_pairs_and_a_new_pairing_gives_a_new_key(tmp_path: Path) -> None:
    path = tmp_path / "pairs.json"
    roster = PairRoster(path)
    a = roster.pair("robotA", "bridgeA")
    b = PairRoster(path).pair("robotB", "bridgeB")  # another run of the command
    assert spread([a, b])
    saved = PairRoster(path).pairs()
    assert set(saved) == {"robotA", "robotB"}
    assert saved["robotA"].bridge == "bridgeA"
    assert (saved["robotA"].channel, saved["robotA"].group, saved["robotA"].pair) == \
        (a.channel, a.group, a.pair)
    text = path.read_text()
    for p in (a, b):  # the laptop keeps no key, only a fingerprint
        assert p.key.hex() not in text
        assert fingerprint(p.key) in text
    # pairing robot A again: a new key, and not on its old group or number
    a2 = PairRoster(path).pair("robotA", "bridgeA")
    assert a2.key != a.key and a2.group != a.group and a2.pair != a.pair
    assert spread([a2, b])
    assert (tmp_path / "pairs.json.bak").is_file()  # the previous list, kept
    # a bridge serves one robot: pairing bridge B with robot C ends pair B
    PairRoster(path).pair("robotC", "bridgeB")
    saved = PairRoster(path).pairs()
    assert set(saved) == {"robotA", "robotC"} and saved["robotC"].bridge == "bridgeB"


def test_a_damaged_list_of_pairs_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "pairs.json"
    path.write_text('{"pairs": {"x": {"bridge": "y"}}}')
    with pytest.raises(PairingError) as e:
        PairRoster(path).pair("a", "b")
    assert str(path) in str(e.value) and "--new-room" in str(e.value)
    assert path.read_text() == '{"pairs": {"x": {"bridge": "y"}}}'
    roster = PairRoster(path)
    roster.start_over()
    assert (tmp_path / "pairs.json.bak").read_text() == '{"pairs": {"x": {"bridge": "y"}}}'
    roster.pair("a", "b")
    assert set(json.loads(path.read_text())["pairs"]) == {"a"}


# -- builds ----------------------------------------------------------------------------------
def test_the_bridge_build_is_the_bridge_firmware_and_fits_a_micro_bit() -> None:
    from dojokit.kits.hexfile import check_fits

    p = allocate_pairing([])
    files = build_bridge("microbit", p.text(), (1, 2, "kiwi"), (0, 1, "panda"))
    assert files["main.py"] == board_source(firmware_dir() / "bridge_main.py")
    assert {"dk_proto.mpy", "dk_radio.mpy", "dk_bridge.mpy", "hal_microbit.mpy"} <= set(files)
    assert "dk_core.mpy" not in files and "kit.txt" not in files  # it never runs commands
    assert files["pair.txt"] == p.text().encode()
    assert files["robot.txt"] == b"0 1 panda" and files["name.txt"] == b"1 2 kiwi"
    check_fits(files)
    assert "hal_virtual.mpy" in build_bridge("virtual", p.text())
    with pytest.raises(ValueError):
        build_bridge("esp32", p.text())


# -- dojokit flash --pair on simulated micro:bits --------------------------------------------
class Rig:
    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.served: dict[int, Served] = {}
        (tmp / "drives").mkdir()
        for k, v in {"DOJOKIT_SIM_PORTS": str(tmp / "tty*"), "DOJOKIT_LANG": "en",
                     "DOJOKIT_DRIVES": str(tmp / "drives"),
                     "DOJOKIT_ROOM": str(tmp / "room.json")}.items():
            monkeypatch.setenv(k, v)

    def port(self, i: int) -> str:
        return str(self.tmp / f"tty{i:02d}")

    def fs(self, i: int) -> Path:
        return self.tmp / f"fs{i:02d}"

    def serve(self, i: int, usb: str = "microbit", drive: bool = False) -> None:
        d = self.tmp / "drives" / f"MICROBIT{i}" if drive else None
        self.served[i] = serve(Path(self.port(i)), self.fs(i), usb=usb, drive=d,
                               serial_number=f"9904{i:044d}" if usb == "microbit" else None)

    def files(self, i: int) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.fs(i).iterdir() if p.is_file()}

    def close(self) -> None:
        for s in self.served.values():
            s.close()


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    r = Rig(tmp_path, monkeypatch)
    yield r
    r.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def key(i: int) -> str:
    return f"9904{i:044d}"


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """A board that does not come back is given up after seconds, not a minute."""
    from dataclasses import dataclass

    from dojokit.kits import flasher

    @dataclass(frozen=True)
    class Quick(flasher.Options):
        board_wait: float = 10.0

    monkeypatch.setattr(flasher, "Options", Quick)


def row_of(out: str, port: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(port))


def test_flash_pair_writes_the_same_pairing_to_a_robot_and_its_bridge(
        rig: Rig, capsys: pytest.CaptureFixture[str], quick: None) -> None:
    rig.serve(0)
    rig.serve(1)
    _, out, err = run(capsys, "flash", "--pair", rig.port(0), rig.port(1), "--update",
                      "--kit-profile", "maqueen", "--yes")
    assert "Traceback" not in out + err
    # the bridge was written and read back (pair.txt, robot.txt, name.txt, main.py)
    assert "ok (files copied)" in row_of(out, rig.port(1)), out + err
    assert "bridge 0." in row_of(out, rig.port(1))  # the bridge's firmware column
    robot, bridge = rig.files(0), rig.files(1)
    pairing = Pairing.from_text(robot["pair.txt"])
    assert pairing is not None and bridge["pair.txt"] == robot["pair.txt"]
    assert (pairing.channel, pairing.group) != (DEFAULT_CHANNEL, DEFAULT_GROUP)
    # the bridge holds the bridge build for a simulated micro:bit, with its robot's name
    room = json.loads((rig.tmp / "room.json").read_text())["kits"]
    r, b = room[key(0)], room[key(1)]
    assert r["name"] != b["name"] and r["number"] != b["number"]
    assert bridge["robot.txt"] == f"{r['colour']} {r['number']} {r['name']}".encode()
    want = build_bridge("virtual", pairing.text(), (b["colour"], b["number"], b["name"]),
                        (r["colour"], r["number"], r["name"]))
    assert {n: d for n, d in bridge.items() if n != "dojokit.txt"} == want
    assert bridge["main.py"] == board_source(firmware_dir() / "bridge_main.py")
    # the robot: its usual build, the radio transport and pair.txt
    assert {n: d for n, d in robot.items() if n != "dojokit.txt"} == build(
        "virtual", "maqueen", (r["colour"], r["number"], r["name"]), pair_text=pairing.text())
    assert {"dk_radio.mpy", "dk_radiolink.mpy"} <= set(robot)  # main.py loads them
    assert "dojokit.txt" in robot and "dojokit.txt" in bridge  # both writes ended
    # the room's pairs: robot -> bridge, where on the air; the key is nowhere
    pairs = json.loads((rig.tmp / "pairs.json").read_text())["pairs"]
    assert pairs[key(0)]["bridge"] == key(1)
    assert (pairs[key(0)]["channel"], pairs[key(0)]["group"]) == pairing.air
    assert pairing.key.hex() not in (rig.tmp / "pairs.json").read_text()
    assert pairing.key.hex() not in out + err

    # pairing again: a new key for both, so the old bridge drives nothing; names stay
    run(capsys, "flash", "--pair", rig.port(0), rig.port(1), "--update",
        "--kit-profile", "maqueen", "--yes")
    again = Pairing.from_text(rig.files(0)["pair.txt"])
    assert again is not None and again.key != pairing.key and again.group != pairing.group
    assert rig.files(1)["pair.txt"] == rig.files(0)["pair.txt"]
    assert json.loads((rig.tmp / "room.json").read_text())["kits"] == room


def test_a_paired_robot_answers_its_handshake_after_flash_pair(
        rig: Rig, capsys: pytest.CaptureFixture[str], quick: None) -> None:
    rig.serve(0)
    rig.serve(1)
    code, out, err = run(capsys, "flash", "--pair", rig.port(0), rig.port(1), "--update",
                         "--kit-profile", "maqueen", "--yes")
    name = json.loads((rig.tmp / "room.json").read_text())["kits"][key(0)]["name"]
    assert hello(rig.port(0), 5.0).name == name
    assert code == 0, out + err
    assert "are paired: radio channel" in out


def test_flash_pair_by_hex_on_micro_bit_drives(
        rig: Rig, capsys: pytest.CaptureFixture[str], quick: None) -> None:
    rig.serve(0, drive=True)
    rig.serve(1, drive=True)
    _, out, err = run(capsys, "flash", "--pair", f"serial:{rig.port(0)}",
                      f"serial:{rig.port(1)}", "--kit-profile", "maqueen", "--yes")
    assert "ok (hex copied)" in row_of(out, f"{rig.port(1)}"), out + err
    assert rig.files(0)["pair.txt"] == rig.files(1)["pair.txt"]
    assert "dk_radiolink.mpy" in rig.files(0)
    assert rig.files(1)["main.py"] == board_source(firmware_dir() / "bridge_main.py")


def test_flash_pair_refuses_what_cannot_be_a_pair_in_one_sentence(
        rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    rig.serve(0)
    rig.serve(1, usb="esp32")
    cases = [
        ((rig.port(0), rig.port(0)), "cannot be the robot and its bridge at once"),
        ((rig.port(0), rig.port(1)), "The bridge on"),
        ((rig.port(1), rig.port(0)), "The robot on"),
    ]
    for (robot, bridge), said in cases:
        code, out, err = run(capsys, "flash", "--pair", robot, bridge, "--update",
                             "--kit-profile", "maqueen", "--yes")
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in out + err
    code, out, err = run(capsys, "flash", "--pair", rig.port(0), rig.port(1), "--all", "--yes")
    assert code == 2 and "--pair" in err
    assert not any(rig.fs(0).iterdir())  # nothing was written
    assert not (rig.tmp / "pairs.json").exists()
    # a damaged list of pairs stops the command before anything is written
    rig.serve(2)
    (rig.tmp / "pairs.json").write_text("{damaged")
    code, out, err = run(capsys, "flash", "--pair", rig.port(0), rig.port(2), "--update",
                         "--kit-profile", "maqueen", "--yes")
    assert code == 2 and "--new-room" in err and len(err.strip().splitlines()) == 1
    assert not any(rig.fs(0).iterdir())
    assert (rig.tmp / "pairs.json").read_text() == "{damaged"


def test_half_a_pair_is_never_written(rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    """A bridge whose port another program holds: the robot is not written either (it
    would get a key no bridge has) and no pair is kept; the table says why, for both."""
    from dojokit.kits.ports import open_exclusive

    rig.serve(0)
    rig.serve(1)
    held = open_exclusive(rig.port(1))
    try:
        code, out, err = run(capsys, "flash", "--pair", rig.port(0), rig.port(1), "--update",
                             "--kit-profile", "maqueen", "--yes")
    finally:
        held.close()
    assert code == 1, out + err
    assert "in use by another program" in out
    assert f"the other board of the pair, on {rig.port(1)}, cannot be used" in out
    assert not any(rig.fs(0).iterdir()) and not any(rig.fs(1).iterdir())
    assert not (rig.tmp / "pairs.json").exists()
    assert "The pair is not ready" in out


def test_a_new_room_starts_the_pairs_again_and_keeps_the_old_list(
        rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    (rig.tmp / "pairs.json").write_text("{damaged")
    code, _, err = run(capsys, "flash", "--hex", str(rig.tmp / "a.hex"), "--kit-profile",
                         "maqueen", "--new-room")
    assert code == 0, err
    assert (rig.tmp / "pairs.json.bak").read_text() == "{damaged"
    assert PairRoster(rig.tmp / "pairs.json").pairs() == {}


@pytest.mark.parametrize("kit", ["maqueen", "maqueen_plus", "cutebot"])
def test_a_paired_robots_build_fits_the_micro_bits_file_system(kit: str) -> None:
    """The radio transport goes onto a paired robot: the build must still fit the 20 KB
    budget, counted in the file system's own chunks (hexfile.fs_size)."""
    from dojokit.kits.hexfile import FS_BUDGET, check_fits

    files = build("microbit", kit, (7, 255, "abcdefg"), pair_text="83 255 255 " + "ff" * 8)
    assert "dk_radiolink.mpy" in files and "dk_radio.mpy" in files
    assert check_fits(files) <= FS_BUDGET
