"""USB identity guesses for `dojokit kits` (no hardware needed)."""

from __future__ import annotations

import pytest
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

from dojokit.kits import usb
from dojokit.kits.usb import SerialKit, from_port_info, guess, list_serial_kits, sort_kits


def port_info(
    device: str,
    vid: int | None = None,
    pid: int | None = None,
    serial_number: str | None = None,
    description: str | None = None,
) -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid = vid
    info.pid = pid
    info.serial_number = serial_number
    if description is not None:
        info.description = description
    return info


@pytest.mark.parametrize(
    ("serial_number", "expected"),
    [
        ("9900000037024e450034200b0000003d0000000097969901", "micro:bit V1"),
        ("9901000052014e4500391006000000260000000097969901", "micro:bit V1"),
        ("9903360250574e450018301100000021000000009796990b", "micro:bit V2"),
        ("9904360258994e45000c10060000004e000000009796990b", "micro:bit V2"),
        ("9905000011114e4500000000000000000000000097969901", "micro:bit V2"),
        ("9906360200052820b2a5a5d2ca2c6c0c000000006e052820", "micro:bit V2"),
    ],
)
def test_microbit_version_comes_from_the_serial_number(serial_number: str, expected: str) -> None:
    kit = from_port_info(port_info("/dev/ttyACM0", 0x0D28, 0x0204, serial_number, "BBC micro:bit"))
    assert kit.guess == expected
    assert kit.board == "microbit"
    assert kit.serial_number == serial_number
    assert kit.description == "BBC micro:bit"
    assert kit.usb_id == "0D28:0204"
    assert kit.known


def test_microbit_board_id_is_case_insensitive_and_prefix_only() -> None:
    assert guess(0x0D28, 0x0204, "9904abcdef") == ("micro:bit V2", "microbit")
    # 9904 somewhere else in the string does not count.
    assert guess(0x0D28, 0x0204, "99009904") == ("micro:bit V1", "microbit")


def test_microbit_without_a_readable_serial_number() -> None:
    assert guess(0x0D28, 0x0204, None) == ("micro:bit (version unknown)", "microbit")
    assert guess(0x0D28, 0x0204, "99") == ("micro:bit (version unknown)", "microbit")
    assert guess(0x0D28, 0x0204, "9907000000") == ("micro:bit (version unknown)", "microbit")


def test_other_daplink_boards_are_not_called_micro_bits() -> None:
    text, board = guess(0x0D28, 0x0204, "0240000032044e4500")  # an NXP FRDM-K64F
    assert board is None
    assert "not a micro:bit" in text
    assert "0240" in text


@pytest.mark.parametrize(
    ("vid", "pid", "expected"),
    [
        (0x10C4, 0xEA60, "ESP32 (CP210x)"),
        (0x1A86, 0x7523, "ESP32 (CH340)"),
        (0x1A86, 0x55D4, "ESP32 (CH9102)"),
        (0x0403, 0x6001, "ESP32 (FTDI)"),
        (0x0403, 0x6010, "ESP32 (FTDI)"),
        (0x0403, 0x6011, "ESP32 (FTDI)"),
        (0x0403, 0x6014, "ESP32 (FTDI)"),
        (0x0403, 0x6015, "ESP32 (FTDI)"),
        (0x303A, 0x1001, "ESP32-S3/C3 (built-in USB)"),
        (0x303A, 0x4001, "ESP32 (MicroPython USB)"),
    ],
)
def test_esp32_bridges_and_native_usb(vid: int, pid: int, expected: str) -> None:
    kit = from_port_info(port_info("/dev/ttyUSB0", vid, pid, "0001"))
    assert (kit.guess, kit.board) == (expected, "esp32")
    assert kit.usb_id == f"{vid:04X}:{pid:04X}"
    # The serial number of a bridge says nothing about the board.
    assert guess(vid, pid, None) == (expected, "esp32")


@pytest.mark.parametrize(
    ("vid", "pid"),
    [
        (None, None),  # a built-in serial port, no USB at all
        (0x2341, 0x0043),  # Arduino Uno
        (0x0D28, 0x0205),  # right vendor, wrong product
        (0x10C4, None),
    ],
)
def test_unknown_devices(vid: int | None, pid: int | None) -> None:
    kit = from_port_info(port_info("/dev/ttyS0", vid, pid, "12345"))
    assert kit.guess == usb.UNKNOWN == "unknown serial device"
    assert kit.board is None
    assert not kit.known


def test_empty_serial_number_becomes_none_and_description_defaults() -> None:
    kit = from_port_info(port_info("/dev/ttyACM3", 0x0D28, 0x0204, ""))
    assert kit.serial_number is None
    assert kit.guess == "micro:bit (version unknown)"
    assert kit.description == "n/a"  # pyserial's own placeholder, passed through
    assert kit.port == "/dev/ttyACM3"


def test_table_keys_and_boards_are_consistent() -> None:
    for (vid, pid), identity in usb.USB_IDENTITIES.items():
        assert 0 <= vid <= 0xFFFF and 0 <= pid <= 0xFFFF
        assert identity.board in ("microbit", "esp32")
        assert identity.guess and identity.what
    assert len(usb.USB_IDENTITIES) == 11


def make_kit(port: str, vid: int | None, pid: int | None, serial: str | None = None) -> SerialKit:
    return from_port_info(port_info(port, vid, pid, serial))


def test_known_first_then_natural_port_order() -> None:
    kits = [
        make_kit("/dev/ttyS0", None, None),
        make_kit("/dev/ttyUSB10", 0x10C4, 0xEA60),
        make_kit("/dev/ttyACM1", 0x2341, 0x0043),
        make_kit("/dev/ttyUSB2", 0x1A86, 0x7523),
        make_kit("/dev/ttyACM0", 0x0D28, 0x0204, "9904"),
    ]
    ordered = [kit.port for kit in sort_kits(kits)]
    assert ordered == [
        "/dev/ttyACM0",
        "/dev/ttyUSB2",
        "/dev/ttyUSB10",
        "/dev/ttyACM1",
        "/dev/ttyS0",
    ]


def test_list_serial_kits_filters_and_sorts(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = [
        port_info("COM12", 0x10C4, 0xEA60),
        port_info("COM1"),
        port_info("COM3", 0x0D28, 0x0204, "9900aaaa"),
        port_info("COM4", 0x046D, 0xC52B),
    ]
    monkeypatch.setattr(list_ports, "comports", lambda *args, **kwargs: list(fake))
    known = list_serial_kits()
    assert [(k.port, k.guess) for k in known] == [
        ("COM3", "micro:bit V1"),
        ("COM12", "ESP32 (CP210x)"),
    ]
    everything = list_serial_kits(include_unknown=True)
    assert [k.port for k in everything] == ["COM3", "COM12", "COM1", "COM4"]


def test_list_serial_kits_on_this_machine() -> None:
    # May well find nothing here; it must still run and return well-formed entries.
    for include_unknown in (False, True):
        kits = list_serial_kits(include_unknown=include_unknown)
        assert isinstance(kits, list)
        for kit in kits:
            assert isinstance(kit, SerialKit)
            assert kit.port
            assert include_unknown or kit.known
        assert kits == sort_kits(kits)
    assert len(list_serial_kits()) <= len(list_serial_kits(include_unknown=True))


def test_serial_kit_is_frozen() -> None:
    kit = make_kit("/dev/ttyACM0", 0x0D28, 0x0204, "9903")
    with pytest.raises(AttributeError):
        kit.port = "/dev/ttyACM1"  # type: ignore[misc]
