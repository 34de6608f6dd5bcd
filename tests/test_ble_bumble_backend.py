"""bleak's real BleakScanner/BleakClient, with the bumble backend, against simulated
peripherals on one bumble Air: scanning, NUS echo at MTU 23 and 247, link loss."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakDeviceNotFoundError, BleakError
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, CharacteristicValue, Service

from dojokit.link import ble_bumble
from dojokit.link.ble_bumble import BumbleClient, BumbleScanner
from dojokit.sim.ble_air import Air, advertise

NUS = "6e400001-b5a3-f393-e0a9-e50e24dcca9e"
NUS_RX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"
NUS_TX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"

ADDR_1 = "C0:DE:00:00:00:01"
ADDR_2 = "C0:DE:00:00:00:02"
ADDR_3 = "C0:DE:00:00:00:03"
NOBODY = "C0:DE:00:00:00:99"

MESSAGE = bytes(range(100))


class NusEcho:
    """A peripheral with a Nordic UART Service that echoes RX writes as TX notifications,
    cut to the connection's ATT payload size (MTU - 3) like a firmware would."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.written: list[bytes] = []
        self._queue: asyncio.Queue[tuple[Connection, bytes]] = asyncio.Queue()
        self.tx = Characteristic(NUS_TX, Characteristic.Properties.NOTIFY, Characteristic.READABLE)
        rx = Characteristic(
            NUS_RX,
            Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=self._on_write),
        )
        device.add_service(Service(NUS, [rx, self.tx]))
        # One worker keeps echoes in the order the writes arrived.
        self._worker = asyncio.create_task(self._echo())

    def _on_write(self, connection: Connection, value: bytes) -> None:
        self.written.append(bytes(value))
        self._queue.put_nowait((connection, bytes(value)))

    async def _echo(self) -> None:
        while True:
            connection, value = await self._queue.get()
            size = connection.att_mtu - 3
            for start in range(0, len(value), size):
                await self.device.notify_subscriber(
                    connection, self.tx, value[start : start + size]
                )

    def close(self) -> None:
        self._worker.cancel()


async def nus_robot(air: Air, name: str, address: str, rssi: int | None = None) -> NusEcho:
    device = await air.peripheral(name, address, rssi=rssi)
    echo = NusEcho(device)
    await advertise(device, name=name, service_uuids=[NUS])
    return echo


async def plain_peripheral(air: Air, name: str, address: str) -> Device:
    device = await air.peripheral(name, address)
    await advertise(device, name=name)
    return device


def on_air(test: Callable[[Air], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """Run ``test`` with a fresh Air that the backend uses, then forget the Air."""

    async def wrapped() -> Any:
        air = Air()
        ble_bumble.use_air(air)
        try:
            return await test(air)
        finally:
            ble_bumble.use_air(None)

    return wrapped


async def discover(**kwargs: Any) -> dict[str, Any]:
    found = await BleakScanner.discover(
        timeout=1.5, return_adv=True, backend=BumbleScanner, **kwargs
    )
    return found


async def echo_through(
    client: BleakClient, message: bytes, *, response: bool
) -> tuple[bytes, list[int]]:
    """Write ``message`` to RX in ATT-payload chunks; the TX echo and its notification sizes."""
    received = bytearray()
    sizes: list[int] = []
    done = asyncio.Event()

    def on_tx(_: BleakGATTCharacteristic, data: bytearray) -> None:
        received.extend(data)
        sizes.append(len(data))
        if len(received) >= len(message):
            done.set()

    rx = client.services.get_characteristic(NUS_RX)
    assert rx is not None
    await client.start_notify(NUS_TX, on_tx)
    size = rx.max_write_without_response_size
    for start in range(0, len(message), size):
        await client.write_gatt_char(rx, message[start : start + size], response=response)
    await asyncio.wait_for(done.wait(), 10)
    await client.stop_notify(NUS_TX)
    return bytes(received), sizes


def test_scan_finds_robot_with_name_rssi_and_scan_response_uuid(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1, rssi=-42)
        found = await discover()
        assert ADDR_1 in found
        device, adv = found[ADDR_1]
        assert device.name == "dojo-1"
        assert adv.local_name == "dojo-1"
        assert adv.rssi == -42
        # The UUID only travels in the scan response, so this proves it arrived.
        assert adv.service_uuids == [NUS]
        robot.close()

    run(on_air(test)())


def test_passive_scan_hears_the_name_but_not_the_scan_response(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        found = await discover(scanning_mode="passive")
        _, adv = found[ADDR_1]
        assert adv.local_name == "dojo-1"
        assert adv.service_uuids == []
        robot.close()

    run(on_air(test)())


def test_scan_filter_on_nus_leaves_out_other_peripherals(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        await plain_peripheral(air, "headphones", ADDR_2)
        everything = await discover()
        assert {ADDR_1, ADDR_2} <= set(everything)
        assert everything[ADDR_2][1].service_uuids == []

        only_nus = await discover(service_uuids=[NUS.upper()])
        assert set(only_nus) == {ADDR_1}
        robot.close()

    run(on_air(test)())


def test_two_robots_with_the_same_name_are_both_listed(run):
    async def test(air: Air) -> None:
        robots = [await nus_robot(air, "dojo", ADDR_1), await nus_robot(air, "dojo", ADDR_3)]
        found = await discover(service_uuids=[NUS])
        assert set(found) == {ADDR_1, ADDR_3}
        assert [adv.local_name for _, adv in found.values()] == ["dojo", "dojo"]
        for robot in robots:
            robot.close()

    run(on_air(test)())


@pytest.mark.parametrize("mtu", [23, 247])
@pytest.mark.parametrize("response", [False, True])
def test_nus_echo_of_100_bytes(run, mtu: int, response: bool):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        device = await BleakScanner.find_device_by_name("dojo-1", timeout=5, backend=BumbleScanner)
        assert device is not None
        async with BleakClient(device, backend=BumbleClient, timeout=10, mtu=mtu) as client:
            assert client.mtu_size == mtu
            assert client.services.get_service(NUS) is not None
            echoed, notified = await echo_through(client, MESSAGE, response=response)
            if mtu == 23:
                # Like a real stack: one write command must fit one ATT payload.
                with pytest.raises(BleakError):
                    await client.write_gatt_char(NUS_RX, MESSAGE, response=False)
        assert echoed == MESSAGE
        # Both ways, every packet is one full ATT payload (MTU - 3) or the rest.
        assert max(len(w) for w in robot.written) == min(mtu - 3, len(MESSAGE))
        assert max(notified) == min(mtu - 3, len(MESSAGE))
        robot.close()

    run(on_air(test)())


def test_disconnected_callback_fires_when_robot_drops_the_link(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        drops: list[BleakClient] = []
        dropped = asyncio.Event()

        def on_drop(client: BleakClient) -> None:
            drops.append(client)
            dropped.set()

        # An address alone: the backend scans for it first, as bleak's backends do.
        client = BleakClient(ADDR_1, disconnected_callback=on_drop, backend=BumbleClient)
        await asyncio.wait_for(client.connect(), 10)
        assert client.is_connected
        for connection in list(robot.device.connections.values()):
            await connection.disconnect()
        await asyncio.wait_for(dropped.wait(), 10)
        assert drops == [client]
        assert not client.is_connected

        # The robot advertises again, so a new connection works; our own disconnect
        # is not a dropped link.
        await asyncio.wait_for(client.connect(), 10)
        assert client.is_connected
        await asyncio.wait_for(client.disconnect(), 10)
        assert not client.is_connected
        await asyncio.sleep(0.1)
        assert drops == [client]
        robot.close()

    run(on_air(test)())


def test_disconnected_callback_fires_when_robot_loses_power(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        dropped = asyncio.Event()
        client = BleakClient(
            ADDR_1, disconnected_callback=lambda _: dropped.set(), backend=BumbleClient
        )
        await asyncio.wait_for(client.connect(), 10)
        robot.close()
        air.unplug(robot.device)  # no goodbye on the link: a supervision time-out
        await asyncio.wait_for(dropped.wait(), 10)
        assert not client.is_connected
        with pytest.raises(BleakDeviceNotFoundError):
            await BleakClient(ADDR_1, backend=BumbleClient, timeout=1.0).connect()

    run(on_air(test)())


def test_connecting_to_an_address_nobody_advertises_times_out(run):
    async def test(air: Air) -> None:
        robot = await nus_robot(air, "dojo-1", ADDR_1)
        loop = asyncio.get_running_loop()

        start = loop.time()
        with pytest.raises(BleakDeviceNotFoundError):
            await BleakClient(NOBODY, backend=BumbleClient, timeout=1.0).connect()
        assert loop.time() - start < 8

        # A BLEDevice from an earlier scan whose owner went away: the connect times out.
        gone = BLEDevice(NOBODY, "dojo-gone", None)
        start = loop.time()
        with pytest.raises(TimeoutError):
            await BleakClient(gone, backend=BumbleClient, timeout=1.0).connect()
        assert loop.time() - start < 8
        robot.close()

    run(on_air(test)())
