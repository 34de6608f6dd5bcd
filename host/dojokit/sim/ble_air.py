"""A shared Bluetooth LE "air" for tests and the simulator, built on bumble.

Every device put on one :class:`Air` hears every other one: centrals scan and
connect, peripherals advertise and serve GATT, all in one asyncio event loop and
without Bluetooth hardware. ``dojokit.link.ble_bumble`` drives a central from
bleak; simulated robots are peripherals on the same air::

    air = Air()
    robot = await air.peripheral("dojo-1", "C0:DE:00:00:00:01", rssi=-55)
    robot.add_service(nus_service)               # a bumble.gatt.Service
    await advertise(robot, name="dojo-1", service_uuids=[NUS_UUID])
    ...
    await air.remove(robot)                      # centrals see the link drop

Addresses are random static ones ("C0:..".."FF:.."), one per device on an Air;
centrals take F0:00:00:00:xx:xx, so keep peripherals out of that range.

Two gaps in bumble 0.0.236's LocalLink are filled here (see AirController):
its controller reports the advertising data a second time as the scan response
(the real scan response never crosses the link) and a fixed RSSI of -50 dBm.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import Sequence

from bumble import hci
from bumble.controller import Controller
from bumble.core import UUID, AdvertisingData
from bumble.device import Device
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

DEFAULT_RSSI = -60
"""dBm reported for a peripheral that has no RSSI of its own."""

FAST_ADVERTISING_MS = 50.0
"""Advertising interval used by :func:`advertise`: short, so scans finish quickly."""

_Ext = hci.HCI_LE_Extended_Advertising_Report_Event
_Legacy = hci.HCI_LE_Advertising_Report_Event


class Air:
    """One local radio space: a bumble LocalLink plus per-address signal strength.

    ``link`` is public so other code can build its own bumble controllers on it;
    prefer :meth:`peripheral` / :meth:`central`, which fix the LocalLink gaps.
    """

    def __init__(self, default_rssi: int = DEFAULT_RSSI) -> None:
        self.link = LocalLink()
        self.default_rssi = default_rssi
        self._rssi: dict[str, int] = {}
        # Random static addresses (top bits 11) for centrals; peripherals bring their own.
        self._central_numbers = itertools.count(1)
        self._controllers: dict[Device, AirController] = {}

    # -- signal strength --------------------------------------------------------
    def set_rssi(self, address: str, rssi: int) -> None:
        """Set the RSSI (dBm) that scanners report for the device at ``address``."""
        self._rssi[address.upper()] = rssi

    def rssi(self, address: str) -> int:
        return self._rssi.get(address.upper(), self.default_rssi)

    # -- devices ----------------------------------------------------------------
    async def central(self, name: str = "central", address: str | None = None) -> Device:
        """A new powered-on device, ready to scan and connect: at `address` when it is free
        on the air (a laptop's adapter keeps its address from one connection to the next),
        else at a fresh one."""
        if address is None or self.in_use(address):
            number = next(self._central_numbers)
            address = f"F0:00:00:00:{number >> 8 & 0xFF:02X}:{number & 0xFF:02X}"
        return await self._device(name, address)

    def in_use(self, address: str) -> bool:
        return any(d.random_address == hci.Address(address) for d in self._controllers)

    async def peripheral(self, name: str, address: str, *, rssi: int | None = None) -> Device:
        """A new powered-on device at random static ``address`` (``"C0:..."``).

        Add GATT services with ``device.add_service(...)``, then start advertising
        (:func:`advertise` does the usual name + service UUID layout).
        """
        if self.in_use(address):
            raise ValueError(f"{address} is already on this air")
        if rssi is not None:
            self.set_rssi(address, rssi)
        return await self._device(name, address)

    async def remove(self, device: Device) -> None:
        """Take a device off the air: it stops advertising and drops its links."""
        if device.is_advertising:
            await device.stop_advertising()
        with contextlib.suppress(Exception):  # whatever is left, unplug() cuts
            async with asyncio.timeout(5):
                for connection in list(device.connections.values()):
                    await connection.disconnect()
        self.unplug(device)

    def unplug(self, device: Device) -> None:
        """Take a device off the link at once, like pulling its battery.

        Both ends of its links see a supervision time-out (bumble's controller
        would otherwise wait forever for a peer that is no longer on the link).
        """
        controller = self._controllers.pop(device, None)
        if controller is None or controller not in self.link.controllers:
            return
        timeout = hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR
        for connection in list(controller.le_connections.values()):
            peer = self.link.find_le_controller(connection.peer_address)
            if peer is not None and (back := peer.le_connections.get(connection.self_address)):
                peer.on_le_disconnected(back, timeout)
            controller.on_le_disconnected(connection, timeout)
        self.link.remove_controller(controller)
        # The controller keeps its link to send on (its host may even restart
        # advertising after the time-out): give it an empty air of its own.
        controller.link = LocalLink()

    async def _device(self, name: str, address: str) -> Device:
        controller = AirController(self, name, link=self.link)
        host = Host(controller, AsyncPipeSink(controller))
        device = Device(name=name, address=hci.Address(address), host=host)
        self._controllers[device] = controller
        await device.power_on()
        return device


class AirController(Controller):
    """A bumble Controller that reports real scan responses and the Air's RSSI.

    bumble's LocalLink carries only the advertising PDU; its scanner then emits
    that same data as the scan response, with RSSI fixed at -50. We rewrite the
    advertising reports on their way to the host: scan responses get the
    advertiser's actual scan response data (or are dropped when it has none, or
    when this controller scans passively) and every report gets the RSSI the
    Air holds for that address.
    """

    def __init__(self, air: Air, name: str, *, link: LocalLink) -> None:
        super().__init__(name, link=link)
        self.air = air

    def on_hci_le_set_extended_scan_parameters_command(
        self, command: hci.HCI_LE_Set_Extended_Scan_Parameters_Command
    ) -> hci.HCI_StatusReturnParameters:
        # bumble forgets the extended scan type; we need it to tell passive scans.
        if command.scan_types:
            self.le_scan_type = command.scan_types[0]
        return super().on_hci_le_set_extended_scan_parameters_command(command)

    @property
    def _scanning_actively(self) -> bool:
        return self.le_scan_type == hci.HCI_LE_Set_Scan_Parameters_Command.ACTIVE_SCANNING

    def send_hci_packet(self, packet: hci.HCI_Packet) -> None:
        if isinstance(packet, _Ext):
            reports = [r for r in map(self._fix_extended, packet.reports) if r]
            if not reports:
                return
            packet = _Ext(reports=reports)
        elif isinstance(packet, _Legacy):
            reports = [r for r in map(self._fix_legacy, packet.reports) if r]
            if not reports:
                return
            packet = _Legacy(reports=reports)
        super().send_hci_packet(packet)

    def _fix_extended(self, report: _Ext.Report) -> _Ext.Report | None:
        scan_response = self._heard_scan_response(report.address)
        rssi = self.air.rssi(report.address.to_string(False))
        if report.event_type & _Ext.EventType.SCAN_RESPONSE:
            if not scan_response:
                return None
            return dataclasses.replace(report, data=scan_response, rssi=rssi)
        event_type = report.event_type
        if scan_response:
            # Tells bumble's accumulator to wait and merge the scan response.
            event_type |= _Ext.EventType.SCANNABLE_ADVERTISING
        return dataclasses.replace(report, event_type=event_type, rssi=rssi)

    def _fix_legacy(self, report: _Legacy.Report) -> _Legacy.Report | None:
        rssi = self.air.rssi(report.address.to_string(False))
        if report.event_type == _Legacy.EventType.SCAN_RSP:
            scan_response = self._heard_scan_response(report.address)
            if not scan_response:
                return None
            return dataclasses.replace(report, data=scan_response, rssi=rssi)
        return dataclasses.replace(report, rssi=rssi)

    def _heard_scan_response(self, address: hci.Address) -> bytes:
        """The scan response data an enabled advertiser at ``address`` has set."""
        if not self._scanning_actively:
            return b""  # a passive scanner sends no scan request, so gets no response
        for controller in self.link.controllers:
            legacy = controller.le_legacy_advertiser
            if legacy.enabled and legacy.address == address:
                return bytes(legacy.scan_response_data)
            for adv_set in controller.advertising_sets.values():
                if adv_set.enabled and adv_set.address == address:
                    return bytes(adv_set.scan_response_data)
        return b""


async def advertise(
    device: Device,
    *,
    name: str,
    service_uuids: Sequence[str] = (),
    uuids_in_scan_response: bool = True,
    interval_ms: float = FAST_ADVERTISING_MS,
) -> None:
    """Start connectable advertising like our robots do.

    The name goes in the advertisement; 128-bit service UUIDs go in the scan
    response by default, because name + 128-bit UUID do not fit in 31 bytes.
    Advertising restarts by itself after a connection ends.
    """
    flags = (AdvertisingData.FLAGS, bytes([0x06]))  # general discoverable, no BR/EDR
    name_field = (AdvertisingData.COMPLETE_LOCAL_NAME, name.encode())
    uuid_fields = []
    if service_uuids:
        uuid_bytes = b"".join(UUID(u).to_bytes(force_128=True) for u in service_uuids)
        uuid_fields.append(
            (AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, uuid_bytes)
        )
    adv = [flags, name_field] + ([] if uuids_in_scan_response else uuid_fields)
    scan = uuid_fields if uuids_in_scan_response else []
    await device.start_advertising(
        advertising_data=bytes(AdvertisingData(adv)),
        scan_response_data=bytes(AdvertisingData(scan)),
        auto_restart=True,
        advertising_interval_min=interval_ms,
        advertising_interval_max=interval_ms,
    )
