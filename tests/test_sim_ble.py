"""A simulated ESP32's Bluetooth LE: MicroPython's `bluetooth` module in the simulator
(sim/ble_mp.py), carried by a bumble peripheral (sim/ble.py) on a bumble local link
(sim/ble_air.py), with a real bumble central on the other end.

The firmware under test is a NUS echo peripheral written the way our ESP32 firmware is: IRQ
events set flags, and the main loop, one wait for input a turn (the `recv` host call, as
hal_virtual makes it), acts on them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bumble.core import UUID, AdvertisingData
from bumble.device import Advertisement, Device, Peer
from bumble.hci import Address

from dojokit.sim.ble import BlePeripheral
from dojokit.sim.ble_air import Air
from dojokit.sim.guest import FirmwareGuest

TIMEOUT = 30  # a busy two-core machine: only ever waited for in full on failure
NUS = "6E400001-B5A3-F393-E0A9-E50E24DCCA9E"
NUS_RX = "6E400002-B5A3-F393-E0A9-E50E24DCCA9E"
NUS_TX = "6E400003-B5A3-F393-E0A9-E50E24DCCA9E"
MESSAGE = bytes(range(1, 61))  # 60 bytes, more than one notification at MTU 23

# the echo peripheral: every RX write comes back on TX, in notifications of the MTU's size
ECHO = """import gc
import bluetooth
import host

_NUS = bluetooth.UUID("6E400001-B5A3-F393-E0A9-E50E24DCCA9E")
_RX = bluetooth.UUID("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")
_TX = bluetooth.UUID("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")
NAME = b"dojo-7"
ble = bluetooth.BLE()
conn = None
mtu = 23
news = False
tx = rx = adv = resp = 0


def advertise():
    ble.gap_advertise(50000, adv, resp_data=resp)


def irq(event, data):
    global conn, mtu, news
    if event == 1:
        conn, mtu = data[0], 23
        print("connected", data[1], bytes(data[2]).hex())
    elif event == 2:
        conn = None
        print("disconnected")
        advertise()
    elif event == 3 and data == (conn, rx):
        news = True
    elif event == 21:
        mtu = data[1]
        print("mtu", mtu)


def setup():
    global tx, rx, adv, resp
    ble.active(True)
    ble.config(gap_name=NAME)
    w = bluetooth.FLAG_WRITE | bluetooth.FLAG_WRITE_NO_RESPONSE
    ((tx, rx),) = ble.gatts_register_services(((_NUS, ((_TX, bluetooth.FLAG_NOTIFY),
                                                       (_RX, w))),))
    ble.gatts_set_buffer(rx, 256, True)
    adv = bytes((2, 1, 6, len(NAME) + 1, 9)) + NAME  # flags, complete name
    resp = bytes((17, 7)) + bytes(_NUS)  # the 128-bit UUID: in the scan response
    ble.irq(irq)
    advertise()
    print("advertising", ble.config("mac")[0], ble.config("gap_name"), ble.config("mtu"))


def turn():
    global news
    host.call("recv", "1000 64 -1 0")  # the loop's wait for input: BLE events end it too
    if news and conn is not None:
        news = False
        d = ble.gatts_read(rx)
        n = mtu - 3
        for i in range(0, len(d), n):
            ble.gatts_notify(conn, tx, d[i:i + n])
        print("echoed", len(d))


# as the firmware does (firmware/HAL.md): collection by hand, from a small frame only
gc.disable()
setup()
while True:
    turn()
    gc.collect()
"""


async def until(guest: FirmwareGuest, text: bytes, after: int = 0) -> str:
    """The board's console once `text` shows up in it (past the first `after` bytes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while text not in guest.console[after:]:
        if loop.time() > deadline or not guest.running:
            raise AssertionError(f"no {text!r} from the board; got {bytes(guest.console)!r}")
        await asyncio.sleep(0.01)
    return guest.console.decode("utf-8", "replace")


async def scan_for(central: Device, address: str) -> Advertisement:
    """The first advertisement from `address` that merged its scan response."""
    found: asyncio.Future[Advertisement] = asyncio.get_running_loop().create_future()
    want = Address(address)

    def heard(advertisement: Advertisement) -> None:
        if advertisement.address == want and not found.done() and \
                advertisement.data.get(AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS):
            found.set_result(advertisement)

    central.on(Device.EVENT_ADVERTISEMENT, heard)
    await central.start_scanning(active=True)
    try:
        return await asyncio.wait_for(found, TIMEOUT)
    finally:
        central.remove_listener(Device.EVENT_ADVERTISEMENT, heard)
        await central.stop_scanning()


async def echo(peer: Peer, mtu: int) -> list[bytes]:
    """Write MESSAGE to RX in writes that fit the MTU; the notifications that come back."""
    (service,) = await asyncio.wait_for(peer.discover_service(UUID(NUS)), TIMEOUT)
    await asyncio.wait_for(service.discover_characteristics(), TIMEOUT)
    (rx,) = service.get_characteristics_by_uuid(UUID(NUS_RX))
    (tx,) = service.get_characteristics_by_uuid(UUID(NUS_TX))
    got: list[bytes] = []
    enough = asyncio.Event()

    def notified(value: bytes) -> None:
        got.append(bytes(value))
        if sum(map(len, got)) >= len(MESSAGE):
            enough.set()

    await asyncio.wait_for(tx.subscribe(notified), TIMEOUT)
    room = mtu - 3
    for i in range(0, len(MESSAGE), room):
        await asyncio.wait_for(rx.write_value(MESSAGE[i:i + room], with_response=True), TIMEOUT)
    await asyncio.wait_for(enough.wait(), TIMEOUT)
    await asyncio.sleep(0.2)  # nothing more comes
    return got


def test_a_nus_echo_firmware_serves_a_bumble_central(run, tmp_path: Path) -> None:
    flash = tmp_path / "board"
    flash.mkdir()
    (flash / "main.py").write_text(ECHO)

    async def scenario() -> None:
        air = Air()
        board = BlePeripheral(air)
        guest = FirmwareGuest(flash=flash, repl=True, ble=board)
        guest.start()  # the firmware on its own thread; bumble on this loop
        try:
            text = await until(guest, b" 256\r\n")
            # the firmware's own view: a random static address, its name, NimBLE's MTU
            assert "advertising 1 b'dojo-7' 256" in text
            central = await air.central()

            # a scan sees the name in the advertisement and the NUS UUID in the scan response
            advertisement = await scan_for(central, board.address)
            assert advertisement.data.get(AdvertisingData.COMPLETE_LOCAL_NAME) == "dojo-7"
            assert UUID(NUS) in advertisement.data.get(
                AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS)

            # first connection: no MTU exchange, so 23: 20-byte writes, 20-byte notifications
            seen = len(guest.console)
            connection = await asyncio.wait_for(
                central.connect(advertisement.address), TIMEOUT)
            await until(guest, b"connected 1 ", seen)
            assert not board.advertising  # a connection ends advertising, as on the board
            got = await echo(Peer(connection), 23)
            assert b"".join(got) == MESSAGE
            assert max(map(len, got)) == 20 and len(got) == 3

            # the central leaves: the firmware hears it and advertises again
            seen = len(guest.console)
            await asyncio.wait_for(connection.disconnect(), TIMEOUT)
            await until(guest, b"disconnected", seen)
            assert board.connections == set()

            # second connection, MTU 247: one write, one notification of 60 bytes
            seen = len(guest.console)
            connection = await asyncio.wait_for(
                central.connect(advertisement.address), TIMEOUT)
            peer = Peer(connection)
            assert await asyncio.wait_for(peer.request_mtu(247), TIMEOUT) == 247
            await until(guest, b"mtu 247", seen)
            got = await echo(peer, 247)
            assert got == [MESSAGE]
            await asyncio.wait_for(connection.disconnect(), TIMEOUT)
            assert guest.error is None, guest.console.decode()
        finally:
            await guest.stopped()
            await board.close()

    run(scenario(), timeout=4 * TIMEOUT)


# the board's limits and errors, each printed as the firmware sees it
LIMITS = """import errno
import gc
import bluetooth
import host

ble = bluetooth.BLE()
_S = bluetooth.UUID("A5A5A5A5-FFFF-9999-1111-5A5A5A5A5A5A")
_C = bluetooth.UUID(0x2A3D)
NAMES = {errno.ENODEV: "ENODEV", errno.EINVAL: "EINVAL", errno.ENOTCONN: "ENOTCONN",
         16: "EBUSY"}
h = 0
conn = None
wrote = 0  # writes heard
done = 0  # writes acted on


def attempt(label, fn, *args):
    try:
        fn(*args)
        print(label, "ok")
    except OSError as e:
        print(label, "OSError", NAMES.get(e.errno, e.errno))
    except ValueError as e:
        print(label, "ValueError", e)


def irq(event, data):
    global conn, wrote
    if event == 1:
        conn = data[0]
    elif event == 2:
        conn = None
        print("disconnected")
    elif event == 3:
        wrote += 1


def setup():
    global h
    attempt("inactive", ble.gatts_register_services, ())
    ble.active(True)
    attempt("rxbuf", lambda: ble.config(rxbuf=512))
    flags = bluetooth.FLAG_READ | bluetooth.FLAG_WRITE | bluetooth.FLAG_NOTIFY
    ((h,),) = ble.gatts_register_services(((_S, ((_C, flags),)),))
    ble.irq(irq)
    attempt("adv of 32 bytes", ble.gap_advertise, 50000, bytes(32))
    ble.gap_advertise(50000, b"\\x02\\x01\\x06\\x06\\x09limit", resp_data=b"")
    attempt("register while advertising", ble.gatts_register_services, ())
    attempt("notify nobody", ble.gatts_notify, 7, h, b"x")
    print("ready")


def turn():
    global done
    host.call("recv", "1000 64 -1 0")
    if wrote > done and done == 0:
        done = 1
        print("kept", len(ble.gatts_read(h)))
        ble.gatts_notify(conn, h, bytes(range(40)))
    elif wrote > done and done == 1:  # the second write: hang up
        done = 2
        print("gap_disconnect", ble.gap_disconnect(conn))


gc.disable()
setup()
while True:
    turn()
    gc.collect()
"""


def test_the_boards_limits_and_errors_hold_in_the_simulator(run, tmp_path: Path) -> None:
    flash = tmp_path / "board"
    flash.mkdir()
    (flash / "main.py").write_text(LIMITS)

    async def scenario() -> None:
        air = Air()
        board = BlePeripheral(air)
        guest = FirmwareGuest(flash=flash, repl=True, ble=board)
        guest.start()
        try:
            text = await until(guest, b"ready")
            assert "inactive OSError ENODEV" in text  # nothing works before active(True)
            assert "rxbuf ValueError unknown config param" in text  # an ESP32 has no rxbuf
            assert "adv of 32 bytes OSError EINVAL" in text  # legacy advertising: 31 bytes
            assert "register while advertising OSError EBUSY" in text
            assert "notify nobody OSError ENOTCONN" in text
            central = await air.central()
            disconnected = asyncio.Event()
            connection = await asyncio.wait_for(
                central.connect(Address(board.address)), TIMEOUT)
            connection.on(connection.EVENT_DISCONNECTION, lambda reason: disconnected.set())
            peer = Peer(connection)
            await asyncio.wait_for(peer.discover_services(), TIMEOUT)
            (service,) = peer.get_services_by_uuid(UUID("A5A5A5A5-FFFF-9999-1111-5A5A5A5A5A5A"))
            await asyncio.wait_for(service.discover_characteristics(), TIMEOUT)
            (characteristic,) = service.get_characteristics_by_uuid(UUID.from_16_bits(0x2A3D))
            got: asyncio.Queue[bytes] = asyncio.Queue()
            await asyncio.wait_for(characteristic.subscribe(got.put_nowait), TIMEOUT)
            # a 30-byte write into the default 20-byte buffer: cut, as on the board
            await asyncio.wait_for(characteristic.write_value(bytes(range(30)), True), TIMEOUT)
            # the firmware's 40-byte notification is cut to the MTU (23 - 3)
            assert await asyncio.wait_for(got.get(), TIMEOUT) == bytes(range(20))
            assert await asyncio.wait_for(characteristic.read_value(), TIMEOUT) == \
                bytes(range(20))
            # a second write: the firmware hangs up, and hears its own disconnect
            await asyncio.wait_for(characteristic.write_value(b"bye", True), TIMEOUT)
            await asyncio.wait_for(disconnected.wait(), TIMEOUT)
            text = await until(guest, b"disconnected")
            assert "kept 20" in text and "gap_disconnect True" in text
            assert got.empty()
        finally:
            await guest.stopped()
            await board.close()

    run(scenario(), timeout=4 * TIMEOUT)


SLEEPER = """import bluetooth
import time


def irq(event, data):
    print("event", event)


ble = bluetooth.BLE()
ble.active(True)
ble.irq(irq)
ble.gap_advertise(50000, b"\\x02\\x01\\x06")
print("ready", time.ticks_diff(time.ticks_ms(), 0) >= 0)
while True:
    time.sleep_ms(20)
"""


def test_a_firmware_that_only_sleeps_still_hears_its_events(run, tmp_path: Path) -> None:
    # MicroPython's own examples wait in time.sleep_ms: the handler runs after each sleep
    flash = tmp_path / "board"
    flash.mkdir()
    (flash / "main.py").write_text(SLEEPER)

    async def scenario() -> None:
        air = Air()
        board = BlePeripheral(air)
        guest = FirmwareGuest(flash=flash, repl=True, ble=board)
        guest.start()
        try:
            assert "ready True" in await until(guest, b"ready True")
            central = await air.central()
            connection = await asyncio.wait_for(
                central.connect(Address(board.address)), TIMEOUT)
            await until(guest, b"event 1\r\n")
            await asyncio.wait_for(connection.disconnect(), TIMEOUT)
            await until(guest, b"event 2\r\n")
        finally:
            await guest.stopped()
            await board.close()

    run(scenario(), timeout=4 * TIMEOUT)


HEAP = """import gc
gc.collect()
print("heap", gc.mem_alloc())
try:
    import bluetooth
    print("bluetooth", bluetooth.BLE().active())
except ImportError:
    print("no bluetooth")
"""


def test_bluetooth_is_there_only_with_a_peripheral_and_its_heap_cost_stays_small(
        run, tmp_path: Path) -> None:
    flash = tmp_path / "board"
    flash.mkdir()
    (flash / "main.py").write_text(HEAP)

    async def boot(ble: BlePeripheral | None) -> tuple[int, str]:
        guest = FirmwareGuest(flash=flash, repl=True, ble=ble)
        guest.start()
        try:
            text = await until(guest, b">>> ")
        finally:
            await guest.stopped()
        heap = int(text.split("heap ")[1].split()[0])
        return heap, text

    async def scenario() -> None:
        plain, text = await boot(None)
        assert "no bluetooth" in text  # as a micro:bit: no such module
        board = BlePeripheral(Air())
        with_ble, text = await boot(board)
        assert "bluetooth False" in text  # off until the firmware turns it on
        await board.close()
        # the guest module shares the heap with the firmware (an ESP32's is C, outside it)
        assert 0 < with_ble - plain < 7000

    run(scenario(), timeout=4 * TIMEOUT)


# waits as hal_virtual does, and stops as it does on Ctrl-C (the simulator hands Ctrl-C to
# the firmware in the reply of its loop's wait)
WAITER = """import bluetooth
import host


def irq(event, data):
    print("event", event)


def turn():
    r = host.call("recv", "1000 64 -1 0")
    if r.split(" ")[2][:1] == "!":
        raise KeyboardInterrupt


def quiet():
    try:
        open("quiet").close()
        return True
    except OSError:
        return False


ble = bluetooth.BLE()
if quiet():  # the test asks for a boot without BLE
    print("quiet", ble.active())
else:
    ble.active(True)
    ble.irq(irq)
    ble.gap_advertise(50000, b"\\x02\\x01\\x06")
    print("ready", True)
while True:
    turn()
"""


def test_a_soft_reboot_ends_the_boards_ble_and_main_starts_it_again(
        run, tmp_path: Path) -> None:
    flash = tmp_path / "board"
    flash.mkdir()
    (flash / "main.py").write_text(WAITER)

    async def scenario() -> None:
        air = Air()
        board = BlePeripheral(air)
        guest = FirmwareGuest(flash=flash, repl=True, ble=board)
        guest.start()
        try:
            await until(guest, b"ready True")
            assert board.active and board.advertising
            seen = len(guest.console)
            guest.write(b"\x03")  # Ctrl-C: main.py stops; the BLE stack stays on, as on a board
            await until(guest, b">>> ", seen)
            assert board.active and board.advertising
            seen = len(guest.console)
            (flash / "quiet").write_text("")
            guest.write(b"\x04")  # Ctrl-D: a soft reboot ends it
            await until(guest, b"quiet False", seen)
            assert not board.active and not board.advertising and board.connections == set()
            for _ in range(TIMEOUT * 100):  # and the bumble device has gone quiet
                if not board.device.is_advertising:
                    break
                await asyncio.sleep(0.01)
            assert not board.device.is_advertising
            seen = len(guest.console)
            (flash / "quiet").unlink()
            guest.write(b"\x03\x04")  # and once more: main.py turns it on again
            await until(guest, b"ready True", seen)
            assert guest.reboots == 2 and board.active and board.advertising
            central = await air.central()
            connection = await asyncio.wait_for(
                central.connect(Address(board.address)), TIMEOUT)
            await until(guest, b"event 1\r\n", seen)
            await asyncio.wait_for(connection.disconnect(), TIMEOUT)
        finally:
            await guest.stopped()
            await board.close()

    run(scenario(), timeout=4 * TIMEOUT)
