"""Writing a MicroPython image to an ESP32 with esptool, against a simulated ROM bootloader
(esp32-mock-bootloader's protocol handler, in process) on a pseudo-terminal.

The board behind the ROM is a stand-in that records being powered on and what it receives:
it proves the board boots after a good write and stays dark after a cut one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from esptool.targets import CHIP_DEFS

from dojokit.kits import esp_flash
from dojokit.kits.esp_flash import EspFlashError, check_image, image_present, write_image
from dojokit.sim.esp_rom import EspRom, make_test_image
from dojokit.sim.pty_server import PtyBridge

IMAGE_SIZE = 300_000  # a MicroPython image is 1.5 MB; this is enough to be realistic


class Board:
    """The simulated MicroPython board behind the ROM, reduced to what EspRom drives."""

    def __init__(self) -> None:
        self.on_output: Callable[[bytes], None] = lambda data: None
        self.calls: list[str] = []
        self.received = b""

    def write(self, data: bytes) -> None:
        self.received += data

    def start(self) -> None:
        self.calls.append("start")

    def stop(self) -> None:
        self.calls.append("stop")

    def hard_reset(self) -> None:
        self.calls.append("hard_reset")

    def power_off(self) -> None:
        self.calls.append("power_off")

    @property
    def power_ons(self) -> int:
        return sum(call in ("start", "hard_reset") for call in self.calls)


make_image = make_test_image


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Rig:
    def __init__(self, chip: str = "esp32", flash_file: Path | None = None) -> None:
        self.board = Board()
        self.rom = EspRom(self.board, chip=chip, flash_file=flash_file)
        self.bridge = PtyBridge(self.rom)
        self.bridge.start()
        self.rom.start()

    @property
    def port(self) -> str:
        return self.bridge.path

    def close(self) -> None:
        self.bridge.close()
        self.rom.stop()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_image(tmp_path_factory.mktemp("esp") / "ESP32_GENERIC.bin")


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and "Traceback" not in message


def test_offsets_are_the_bootloader_offsets_esptool_knows() -> None:
    assert esp_flash.OFFSETS["esp32"] == 0x1000 and esp_flash.OFFSETS["esp32s3"] == 0
    for chip, offset in esp_flash.OFFSETS.items():
        assert offset == CHIP_DEFS[chip].BOOTLOADER_FLASH_OFFSET, chip


def test_check_image_reads_the_chip_from_the_image(image: Path, tmp_path: Path) -> None:
    info = check_image(image)
    assert (info.chip, info.offset, info.size) == ("esp32", 0x1000, image.stat().st_size)
    s3 = check_image(make_image(tmp_path / "s3.bin", "esp32s3", size=4000))
    assert (s3.chip, s3.offset, s3.chip_name) == ("esp32s3", 0, "ESP32-S3")


def test_check_image_refuses_a_text_file(tmp_path: Path) -> None:
    notes = tmp_path / "firmware.bin"
    notes.write_text("print('hello')\n", encoding="utf-8")
    with pytest.raises(EspFlashError) as refused:
        check_image(notes)
    message = str(refused.value)
    assert one_sentence(message) and "firmware.bin" in message and "not an ESP32" in message


def test_check_image_refuses_an_image_for_another_chip(tmp_path: Path) -> None:
    s3 = make_image(tmp_path / "ESP32_GENERIC_S3.bin", "esp32s3", size=4000)
    with pytest.raises(EspFlashError) as refused:
        check_image(s3, chip="esp32")
    message = str(refused.value)
    assert one_sentence(message) and "ESP32-S3" in message and "is an ESP32:" in message


def test_check_image_refuses_a_missing_or_cut_file(image: Path, tmp_path: Path) -> None:
    with pytest.raises(EspFlashError, match="no image file"):
        check_image(tmp_path / "nothing.bin")
    cut = tmp_path / "half.bin"
    cut.write_bytes(image.read_bytes()[: IMAGE_SIZE // 2])
    with pytest.raises(EspFlashError) as refused:
        check_image(cut)
    assert one_sentence(str(refused.value)) and "download it again" in str(refused.value)


def test_write_and_verify_at_the_chip_offset_then_the_board_boots(
    rig: Rig, image: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert rig.rom.state == "dark" and rig.board.power_ons == 0  # a blank flash
    steps: list[tuple[int, int]] = []
    result = write_image(rig.port, image, progress=lambda done, total: steps.append((done, total)))

    data = image.read_bytes()
    assert (result.chip, result.offset, result.bytes) == ("esp32", 0x1000, len(data))
    assert bytes(rig.rom.flash[0x1000 : 0x1000 + len(data)]) == data
    assert bytes(rig.rom.flash[:0x1000]) == b"\xff" * 0x1000  # nothing before the offset
    assert steps[-1] == (len(data), len(data)) and len(steps) > 5
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert wait_for(lambda: rig.rom.state == "app" and rig.board.power_ons == 1)
    assert image_present(rig.port, image)
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # esptool says nothing on our terminal


def test_a_cut_write_leaves_the_board_dark_and_the_next_flash_repairs_it(
    image: Path, tmp_path: Path
) -> None:
    flash_file = tmp_path / "board1.flash"
    first = Rig(flash_file=flash_file)
    first.rom.fail_after = IMAGE_SIZE // 2  # the USB cable comes out halfway
    with pytest.raises(EspFlashError) as cut:
        write_image(first.port, image)
    message = str(cut.value)
    assert one_sentence(message) and first.port in message
    assert "stopped answering during the write" in message and "run flash again" in message
    assert wait_for(lambda: first.rom.state == "dark")
    assert first.board.power_ons == 0
    assert not image_present(first.port, image)
    assert wait_for(lambda: first.rom.state == "dark")
    first.close()

    # the next run: a new simulator on the same flash, the cable back in place
    second = Rig(flash_file=flash_file)
    try:
        assert second.rom.state == "dark"  # a half-written image does not boot
        result = write_image(second.port, image)
        assert result.offset == 0x1000
        assert wait_for(lambda: second.rom.state == "app" and second.board.power_ons == 1)
        assert image_present(second.port, image)
        assert wait_for(lambda: second.rom.state == "app")
    finally:
        second.close()


def test_the_raw_repl_right_after_flashing_reaches_the_booted_board(
    rig: Rig, image: Path
) -> None:
    import serial

    write_image(rig.port, image)
    with serial.Serial(rig.port, 115200, timeout=0.2) as line:
        line.write(b"\r\x03\r\x01")
        assert wait_for(lambda: rig.board.received.endswith(b"\r\x03\r\x01"), 5)
    assert rig.rom.state == "app" and rig.board.power_ons == 1


def test_a_dark_board_hears_nothing(rig: Rig) -> None:
    import serial

    with serial.Serial(rig.port, 115200, timeout=0.2) as line:
        line.write(b"\r\x03")
        assert line.read(10) == b""
    assert rig.board.received == b"" and rig.rom.state == "dark"


def test_an_image_for_another_chip_is_not_written(image: Path) -> None:
    s3 = Rig(chip="esp32s3")
    try:
        with pytest.raises(EspFlashError) as refused:
            write_image(s3.port, image)
        message = str(refused.value)
        assert one_sentence(message) and "for an ESP32," in message and "ESP32-S3" in message
        # told it is an ESP32, esptool finds out otherwise; the port is free again after
        with pytest.raises(EspFlashError) as told:
            write_image(s3.port, image, chip="esp32", connect_attempts=2)
        assert one_sentence(str(told.value)) and "is an ESP32-S3, not an ESP32" in str(told.value)
        with pytest.raises(EspFlashError, match="image is made for an ESP32"):
            write_image(s3.port, image)
        assert bytes(s3.rom.flash[:0x100000]) == b"\xff" * 0x100000
    finally:
        s3.close()


def test_no_answer_and_no_port_are_one_sentence_each(tmp_path: Path, image: Path) -> None:
    class Silent:
        on_output: Callable[[bytes], None] = staticmethod(lambda data: None)

        def write(self, data: bytes) -> None:
            pass

    bridge = PtyBridge(Silent())
    bridge.start()
    try:
        with pytest.raises(EspFlashError) as silent:
            write_image(bridge.path, image, connect_attempts=1)
    finally:
        bridge.close()
    assert one_sentence(str(silent.value)) and "does not answer" in str(silent.value)
    with pytest.raises(EspFlashError) as missing:
        write_image(str(tmp_path / "ttyUSB9"), image, connect_attempts=1)
    assert one_sentence(str(missing.value)) and "cannot be opened" in str(missing.value)


def test_boards_written_side_by_side_report_their_own_progress(image: Path) -> None:
    rigs = [Rig() for _ in range(4)]
    steps: list[list[int]] = [[] for _ in rigs]
    errors: list[BaseException] = []

    def flash(i: int) -> None:
        try:
            write_image(rigs[i].port, image, progress=lambda done, total: steps[i].append(done))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=flash, args=(i,)) for i in range(len(rigs))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        size = image.stat().st_size
        for rig, mine in zip(rigs, steps, strict=True):
            assert mine == sorted(mine) and mine[-1] == size and len(mine) < 40
            assert bytes(rig.rom.flash[0x1000 : 0x1000 + size]) == image.read_bytes()
    finally:
        for rig in rigs:
            rig.close()


def test_messages_are_in_three_languages_with_the_same_fields(tmp_path: Path) -> None:
    from string import Formatter

    from dojokit import i18n

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    english = {k: v for k, v in i18n.catalog("en").items() if k.startswith("esp.")}
    assert len(english) > 10
    for lang in ("nl", "fr"):
        other = {k: v for k, v in i18n.catalog(lang).items() if k.startswith("esp.")}
        assert other.keys() == english.keys(), lang
        assert all(fields(other[k]) == fields(english[k]) for k in english), lang
    notes = tmp_path / "notes.bin"
    notes.write_text("hallo", encoding="utf-8")
    i18n.set_language("nl")
    try:
        with pytest.raises(EspFlashError, match="is geen ESP32-firmware"):
            check_image(notes)
    finally:
        i18n.set_language(None)
