"""A bleak backend that runs on a simulated bumble "air" instead of a real adapter.

Pass the classes to bleak's public API and the rest of the code path stays the
same as with real Bluetooth::

    ble_bumble.use_air(air)                      # once, before scanning
    devices = await BleakScanner.discover(backend=BumbleScanner, return_adv=True)
    client = BleakClient(device, backend=BumbleClient, disconnected_callback=cb)

How the backend finds its Air: ``air=`` given to BleakScanner/BleakClient (they
pass unknown keyword arguments to the backend) wins, otherwise the Air set with
:func:`use_air`. ``BleakClient(..., mtu=23)`` picks the MTU the central asks
for in its MTU exchange (default :data:`DEFAULT_MTU`).

Each scanner and each client gets its own central on the air, so connects and scans never
wait on each other; a client connects from one address (HOST_ADDRESS, as a laptop's adapter
keeps its address), unless another client holds it at that moment.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from bleak import BleakScanner
from bleak.args import SizedBuffer
from bleak.assigned_numbers import CHARACTERISTIC_PROPERTIES
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError, BleakGATTProtocolError
from bumble import att, core, hci
from bumble.core import AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt_client import CharacteristicProxy

from dojokit.sim.ble_air import Air

log = logging.getLogger(__name__)

DEFAULT_MTU = 247
"""MTU the central asks for when the caller does not choose (a typical phone/PC value)."""

ATT_MIN_MTU = 23

HOST_ADDRESS = "F0:00:00:00:FF:FE"
"""The address a client connects from, as a laptop's adapter keeps one (a fresh one when a
client from it is still connected); `host_address=` makes another computer."""

_air: Air | None = None


def use_air(air: Air | None) -> None:
    """Make ``air`` the one BumbleScanner/BumbleClient use when not given ``air=``."""
    global _air
    _air = air


def air_in_use() -> Air | None:
    """The air set with use_air, if any: then `ble:` kits live on it, not on this computer's
    Bluetooth (dojokit.link.ble_transport)."""
    return _air


def current_air(override: Air | None = None) -> Air:
    air = override or _air
    if air is None:
        raise BleakError("no simulated BLE air: call ble_bumble.use_air(air) first")
    return air


# -- scanning -------------------------------------------------------------------

_T = AdvertisingData.Type
_UUID_LISTS = (
    _T.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    _T.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
    _T.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    _T.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
    _T.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    _T.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
)
_SERVICE_DATA = (
    _T.SERVICE_DATA_16_BIT_UUID,
    _T.SERVICE_DATA_32_BIT_UUID,
    _T.SERVICE_DATA_128_BIT_UUID,
)


def bleak_uuid(value: core.UUID) -> str:
    """A bumble UUID in bleak's form: 128-bit, lower case."""
    return str(uuid.UUID(bytes=value.to_bytes(force_128=True)[::-1]))


class BumbleScanner(BaseBleakScanner):
    """Scans the Air. BLEDevice.details is the bumble ``hci.Address``."""

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        *,
        air: Air | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._air = air
        self._active = scanning_mode != "passive"
        self._central: Device | None = None

    async def start(self) -> None:
        # Keep the Air we started on: use_air() may change before stop().
        self._air = air = current_air(self._air)
        self.seen_devices = {}
        self._central = await air.central("bleak-scanner")
        self._central.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await self._central.start_scanning(active=self._active)

    async def stop(self) -> None:
        central, self._central = self._central, None
        if central is None:
            return
        central.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        await central.stop_scanning()
        current_air(self._air).unplug(central)

    def _on_advertisement(self, adv: Advertisement) -> None:
        address = adv.address.to_string(False)
        data = adv.data
        name = data.get(_T.COMPLETE_LOCAL_NAME) or data.get(_T.SHORTENED_LOCAL_NAME)
        uuids = [bleak_uuid(u) for t in _UUID_LISTS for u in (data.get(t) or [])]
        manufacturer = dict(data.get_all(_T.MANUFACTURER_SPECIFIC_DATA))
        service_data = {bleak_uuid(u): d for t in _SERVICE_DATA for u, d in data.get_all(t)}
        tx_power = data.get(_T.TX_POWER_LEVEL)

        # Like BlueZ, keep what earlier packets (advertisement vs scan response) said.
        if address in self.seen_devices:
            old = self.seen_devices[address][1]
            name = name or old.local_name
            uuids = old.service_uuids + [u for u in uuids if u not in old.service_uuids]
            manufacturer = {**old.manufacturer_data, **manufacturer}
            service_data = {**old.service_data, **service_data}
            tx_power = tx_power if tx_power is not None else old.tx_power

        if not self.is_allowed_uuid(uuids):
            return
        advertisement = AdvertisementData(
            local_name=name,
            manufacturer_data=manufacturer,
            service_data=service_data,
            service_uuids=uuids,
            tx_power=tx_power,
            rssi=adv.rssi,
            platform_data=(adv,),
        )
        device = self.create_or_update_device(address, address, name, adv.address, advertisement)
        self.call_detection_callbacks(device, advertisement)


# -- connecting -----------------------------------------------------------------


def _property_names(bits: int) -> list[Any]:
    return [name for bit, name in CHARACTERISTIC_PROPERTIES.items() if bits & bit]


class BumbleClient(BaseBleakClient):
    """Connects to a peripheral on the Air with its own central device."""

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        services: set[str] | None = None,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float,
        air: Air | None = None,
        mtu: int = DEFAULT_MTU,
        host_address: str = HOST_ADDRESS,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self._host_address = host_address  # this "computer's" adapter (another: another host)
        if not ATT_MIN_MTU <= mtu <= 517:
            raise ValueError(f"mtu must be 23..517, not {mtu}")
        self._air = air
        self._requested_mtu = mtu
        # An address alone means "scan for it first", as in bleak's own backends.
        self._scan_first = not isinstance(address_or_ble_device, BLEDevice)
        self._device_name = (
            address_or_ble_device.name if isinstance(address_or_ble_device, BLEDevice) else None
        )
        self._central: Device | None = None
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._disconnecting = False
        self._subscribers: dict[int, Callable[[bytes], None]] = {}

    @property
    def name(self) -> str:
        return self._device_name or self.address.replace(":", "-")

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection else ATT_MIN_MTU

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        if self.is_connected:
            raise BleakError("Client is already connected")
        if pair:
            log.debug("pairing is not simulated; connecting without it")
        # Keep the Air we connect on: use_air() may change while connected.
        self._air = air = current_air(self._air)
        timeout = kwargs.get("timeout", self._timeout)

        if self._scan_first:
            found = await BleakScanner.find_device_by_address(
                self.address, timeout=timeout, backend=BumbleScanner, air=air
            )
            if found is None:
                raise BleakDeviceNotFoundError(
                    self.address, f"Device with address {self.address} was not found."
                )
            self._device_name = found.name
            self._scan_first = False  # found once: later reconnects go straight to it

        # one computer, one adapter: its clients connect from one address, one at a time
        central = await air.central("bleak-client", self._host_address)
        try:
            async with asyncio.timeout(timeout):
                # bumble's own connect time-out waits for a cancel event its
                # LocalLink controller never sends, so we time out from outside.
                connection = await central.connect(
                    hci.Address(self.address), transport=core.PhysicalTransport.LE
                )
                peer = Peer(connection)
                connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
                self._central, self._connection, self._peer = central, connection, peer
                await peer.request_mtu(self._requested_mtu)
                self.services = await self._discover(peer)
        except BaseException:
            connection = self._connection
            self._forget()
            if connection is not None:
                # A failed connect is no dropped link: no disconnected_callback.
                connection.remove_listener(Connection.EVENT_DISCONNECTION, self._on_disconnection)
                # Let the peripheral see the link drop, so it can advertise again.
                try:
                    async with asyncio.timeout(2):
                        await connection.disconnect()
                except Exception:  # already gone or stuck: unplugging ends it anyway
                    pass
            air.unplug(central)
            raise

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        await peer.discover_services()
        for service in peer.services:
            bleak_service = BleakGATTService(service, service.handle, bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for char in await peer.discover_characteristics(service=service):
                bleak_char = BleakGATTCharacteristic(
                    char,
                    char.handle,
                    bleak_uuid(char.uuid),
                    _property_names(int(char.properties)),
                    lambda: self.mtu_size - 3,
                    bleak_service,
                )
                collection.add_characteristic(bleak_char)
                for desc in await peer.discover_descriptors(characteristic=char):
                    collection.add_descriptor(
                        BleakGATTDescriptor(desc, desc.handle, bleak_uuid(desc.type), bleak_char)
                    )
        return collection

    def _on_disconnection(self, reason: int) -> None:
        unsolicited = not self._disconnecting
        central = self._central
        self._forget()
        if central is not None:
            current_air(self._air).unplug(central)
        if unsolicited and self._disconnected_callback is not None:
            self._disconnected_callback()

    def _forget(self) -> None:
        self._central = self._connection = self._peer = None
        self._subscribers.clear()

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        self._disconnecting = True
        try:
            async with asyncio.timeout(10):
                await connection.disconnect()
        finally:
            self._disconnecting = False
            if self._connection is connection:
                self._on_disconnection(hci.HCI_ErrorCode.CONNECTION_TERMINATED_BY_LOCAL_HOST_ERROR)

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise BleakError("pairing is not simulated on the bumble air")

    async def unpair(self) -> None:
        raise BleakError("pairing is not simulated on the bumble air")

    # -- GATT I/O ---------------------------------------------------------------
    def _require_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        return await self._read(characteristic.handle)

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        return await self._read(descriptor.handle)

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        if not response and len(data) > self.mtu_size - 3:
            # A real stack refuses this too (an ATT command cannot be split);
            # bumble would carry it whole and hide a missing chunking step.
            raise BleakError(
                f"write without response of {len(data)} bytes exceeds "
                f"max_write_without_response_size {self.mtu_size - 3}"
            )
        await self._write(characteristic.handle, data, response)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        await self._write(descriptor.handle, data, True)

    async def _read(self, handle: int) -> bytearray:
        peer = self._require_peer()
        try:
            return bytearray(await peer.read_value(handle))
        except att.ATT_Error as error:
            raise BleakGATTProtocolError(error.error_code) from error

    async def _write(self, handle: int, data: SizedBuffer, response: bool) -> None:
        peer = self._require_peer()
        try:
            await peer.write_value(handle, bytes(data), with_response=response)
        except att.ATT_Error as error:
            raise BleakGATTProtocolError(error.error_code) from error

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self._require_peer()
        if not {"notify", "indicate"} & set(characteristic.properties):
            raise BleakError(f"characteristic {characteristic.uuid} cannot notify")
        proxy: CharacteristicProxy = characteristic.obj

        def subscriber(value: bytes) -> None:
            callback(bytearray(value))

        await proxy.subscribe(subscriber, prefer_notify=True)
        self._subscribers[characteristic.handle] = subscriber

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self._require_peer()
        subscriber = self._subscribers.pop(characteristic.handle, None)
        proxy: CharacteristicProxy = characteristic.obj
        await proxy.unsubscribe(subscriber)
