"""A simulated board's Bluetooth LE: MicroPython's `bluetooth` module carried by a bumble device.

`BlePeripheral` is one board's BLE radio, as an ESP32 running MicroPython has it (NimBLE): the
guest's `bluetooth` module (sim/ble_mp.py) makes host calls ("ble") that `guest_call` answers,
and a bumble `Device` on a bumble `LocalLink` carries it, so a real BLE central on the same link
(a bumble central; bleak through a bumble backend) scans, connects, exchanges the MTU, writes
and gets notifications from firmware running in the simulator. The board's limits, as
MicroPython's extmod/modbluetooth.c and its NimBLE binding have them:
- a characteristic's buffer holds 20 bytes unless `gatts_set_buffer` (or a longer local
  `gatts_write`) says otherwise; a longer write from the central is cut to it, silently; in
  append mode writes add up (to the buffer's size) until `gatts_read` takes them;
- a notification longer than the connection's MTU - 3 is cut to it (NimBLE does), and it goes
  out whether or not the central subscribed (MicroPython's documented behaviour);
- advertising data and scan response hold 31 bytes each (legacy advertising); advertising stops
  when a central connects and comes back only when the firmware asks again;
- the MTU the board accepts is `config('mtu')` (256, ESP-IDF's NimBLE default); the exchange is
  the central's to start, and `_IRQ_MTU_EXCHANGED` follows it;
- `config(rxbuf=...)` raises ValueError("unknown config param"), as on an ESP32 (its port uses
  synchronous events and has no event ring buffer);
- errors are the board's OSErrors: ENODEV while inactive, ENOTCONN for a connection that is
  gone, EBUSY to register services while advertising or connected, EINVAL for a bad handle;
- events wait for the guest only while it has an irq handler (the board drops the others).

Threads: the guest calls `guest_call` on its own thread; bumble runs on the asyncio loop that
was running when the `BlePeripheral` was made. Bumble objects (the device, its GATT server, its
connections) are touched on that loop only: a guest call that needs an answer from bumble
(activation, registering services, starting or stopping advertising) hands a coroutine to the
loop and waits for it; a notification or a disconnect is handed over and not waited for, as the
board's stack queues them (the loop keeps their order). What both threads share (the attribute
values, the connected handles, the events for the guest) is guarded by one lock. So the guest
must run on its own thread (FirmwareGuest.start), never on the loop's (start_inline), and
free-running: a lockstep turn() waited for on the loop's thread would wait for itself. Stop
the guest off the loop (`await guest.stopped()`), then `await board.close()`.

    air = Air()                                     # dojokit.sim.ble_air, on a running loop
    board = BlePeripheral(air)
    guest = FirmwareGuest(flash=folder, repl=True, ble=board)
    guest.start()                                   # main.py: import bluetooth ...
    central = await air.central()                   # scans, connects, writes as usual
    ...
    await guest.stopped()
    await board.close()

Bumble's LocalLink (bumble 0.0.236) does not carry scan responses (its controller reports the
advertising data a second time in their place): a central must use dojokit.sim.ble_air's
`AirController` (`Air.central()`), which puts the advertiser's real scan response in the report,
or it never sees the NUS UUID. LE data on the link is addressed by each controller's random
address, so the board advertises with a random static address (`config('mac')` gives
(1, address)) where an ESP32 would use its public one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import threading
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from bumble import att, hci
from bumble.controller import Controller
from bumble.core import UUID
from bumble.device import AdvertisingType, Connection, Device
from bumble.gatt import (
    GATT_DEVICE_NAME_CHARACTERISTIC,
    Characteristic,
    CharacteristicValue,
    Descriptor,
    Service,
)
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

IRQ_CENTRAL_CONNECT = 1
IRQ_CENTRAL_DISCONNECT = 2
IRQ_GATTS_WRITE = 3
IRQ_MTU_EXCHANGED = 21
DEFAULT_BUFFER = 20  # MP_BLUETOOTH_DEFAULT_ATTR_LEN
DEFAULT_MTU = 256  # ESP-IDF's CONFIG_BT_NIMBLE_ATT_PREFERRED_MTU
MAX_MTU = 527  # NimBLE's BLE_ATT_MTU_MAX
ADV_MAX = 31  # legacy advertising data and scan response
GAP_NAME = b"ESP32"  # the ESP32 port's MICROPY_PY_BLUETOOTH_DEFAULT_GAP_NAME
WAIT_S = 10.0  # longest a guest call waits for the loop (a busy two-core machine)
_READ_CHUNK = 200  # bytes of a gatts_read per reply: 400 bytes of UTF-8 at most, under 512
_EVENTS_ROOM = 400  # characters of events per reply
_numbers = itertools.count(1)


class BleError(Exception):
    """What a guest call raises: kind "V" ValueError, "T" TypeError, "O" OSError (an errno
    name as its text)."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind, self.text = kind, text


def _oserror(name: str) -> BleError:
    return BleError("O", name)


class HasLink(Protocol):
    link: LocalLink


# a service as the guest registers it: UUID, then each characteristic's UUID, flags and
# descriptors (UUID, flags)
_ServiceSpec = tuple[UUID, list[tuple[UUID, int, list[tuple[UUID, int]]]]]


# -- one board's BLE -----------------------------------------------------------------------------
@dataclasses.dataclass
class _Value:
    """One characteristic's or descriptor's value, as the board's GATTS database keeps it."""
    flags: int
    cap: int = DEFAULT_BUFFER
    data: bytes = b""
    append: bool = False
    attribute: Characteristic[bytes] | Descriptor | None = None  # loop thread only


class BlePeripheral:
    """One simulated board's BLE radio, carried by a bumble device on `air`'s link.

    Make it on the loop that runs bumble (it needs the running loop). The board is invisible
    until its firmware calls `BLE().active(True)`. `on_event` is called (on the loop's thread)
    when an event for the guest is waiting: FirmwareGuest sets it to end the firmware's wait.
    """

    def __init__(self, air: LocalLink | HasLink, name: str | None = None,
                 address: str | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        link = air if isinstance(air, LocalLink) else air.link
        n = next(_numbers)
        self.name = name or f"ble{n}"
        # a random static address (two top bits set): the link routes LE data by it
        self.address = address or f"F4:D0:{n >> 24 & 255:02X}:{n >> 16 & 255:02X}:" \
                                  f"{n >> 8 & 255:02X}:{n & 255:02X}"
        self.controller = Controller(self.name, link=link)
        self.device = Device(name=GAP_NAME.decode(), address=hci.Address(self.address),
                             host=Host(self.controller, AsyncPipeSink(self.controller)))
        self.device.on(Device.EVENT_CONNECTION, self._on_connection)
        self.on_event: Callable[[], None] | None = None
        self._lock = threading.Lock()
        # shared by both threads, under the lock
        self._active = False
        self._handler = False  # the guest has an irq handler: events are kept for it
        self._db: dict[int, _Value] = {}
        self._connected: set[int] = set()
        self._events: deque[str] = deque()
        self._mtu = DEFAULT_MTU
        self._gap_name = GAP_NAME
        self._advertising = False
        self._adv = b""
        self._resp = b""
        self._rest = b""  # what a long gatts_read has still to give
        # the loop's alone
        self._powered = False
        self._conns: dict[int, Connection] = {}
        self._closing: asyncio.Task[None] | None = None
        self.log: list[str] = []  # every event given to the guest, for tests

    # -- what tests and the host look at -------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._active

    @property
    def advertising(self) -> bool:
        return self._advertising

    @property
    def connections(self) -> set[int]:
        with self._lock:
            return set(self._connected)

    def reset(self) -> None:
        """The board loses power or reboots: its BLE stops (no events for the guest), every
        central is dropped, and what it registered is gone. Any thread; not waited for."""
        with self._lock:
            self._handler = False  # a new interpreter: no handler until irq() again
        if self._off():
            self._soon(self._start_shutdown)

    async def close(self) -> None:
        """Take the board off the air and wait until it is (on the loop, after the guest has
        stopped): so a test's loop can end with no bumble command left half-way."""
        self._off()
        if self._closing is not None:
            await self._closing
        await self._shutdown()

    def _off(self) -> bool:
        with self._lock:
            was = self._active
            self._active = False
            self._db.clear()
            self._events.clear()
            self._advertising = False
            self._mtu = DEFAULT_MTU
            self._gap_name = GAP_NAME
            self._adv = self._resp = b""
        return was

    # -- the guest's host calls (the guest's thread) -------------------------------------------
    def guest_call(self, payload: bytes) -> bytes:
        """One host call from the guest's `bluetooth` module (sim/ble_mp.py): an op letter,
        then its arguments. The reply starts with "!" and an error kind, or with "+" (events
        are waiting) or "." (none), then the op's result."""
        op, rest = payload[:1], payload[1:]
        try:
            reply = _OPS[op](self, rest)
        except BleError as exc:
            return f"!{exc.kind}{exc.text}".encode()
        except (ValueError, IndexError, KeyError) as exc:
            return f"!V{exc}".encode()
        with self._lock:
            flag = "+" if self._events else "."
        return (flag + reply).encode()

    def _need_active(self) -> None:
        if not self._active:
            raise _oserror("ENODEV")

    def _op_active(self, rest: bytes) -> str:
        if rest == b"1" and not self._active:
            self._wait(self._activate)
        elif rest == b"0" and self._off():
            self._wait(self._shutdown)  # as the board's deinit: done when it returns
        return "1" if self._active else "0"

    def _op_irq(self, rest: bytes) -> str:
        with self._lock:
            self._handler = rest == b"1"
            if not self._handler:
                self._events.clear()  # the board drops events nobody handles
        return ""

    def _op_config_get(self, rest: bytes) -> str:
        key = rest.decode()
        if key == "mac":
            self._need_active()
            return "1 " + self.address.replace(":", "").lower()
        if key == "gap_name":
            return self._gap_name.decode("latin-1")
        if key == "mtu":
            return str(self._mtu)
        raise BleError("V", "unknown config param")

    def _op_config_set(self, rest: bytes) -> str:
        if rest[:1] == b"g":  # gap_name: any bytes
            name = bytes(rest[1:])
            with self._lock:
                self._gap_name = name
            self._soon(self._set_gap_name, name)
            return ""
        key, _, value = rest.decode().partition("=")
        if key == "mtu":
            self._need_active()
            mtu = int(value)
            if not 23 <= mtu <= MAX_MTU:
                raise _oserror("EINVAL")
            with self._lock:
                self._mtu = mtu
            self._soon(self._set_mtu, mtu)
            return ""
        if key == "addr_mode":
            return ""  # accepted; the link needs the random address anyway (see above)
        raise BleError("V", "unknown config param")

    def _op_register(self, rest: bytes) -> str:
        self._need_active()
        with self._lock:
            if self._advertising or self._connected:
                raise _oserror("EBUSY")
        services: list[_ServiceSpec] = []
        for line in rest.decode().split("\n"):
            if not line:
                continue
            kind, fields = line[0], line[1:].split()
            uuid = _uuid(fields[0])
            if kind == "S":
                services.append((uuid, []))
            elif kind == "c":
                services[-1][1].append((uuid, int(fields[1]), []))
            elif kind == "d":
                services[-1][1][-1][2].append((uuid, int(fields[1])))
        handles: list[list[int]] = self._wait(lambda: self._register(services))
        return ";".join(" ".join(map(str, hs)) for hs in handles)

    def _op_advertise(self, rest: bytes) -> str:
        self._need_active()
        if rest == b"-":
            self._wait(self._stop_advertising)
            return ""
        head = rest.split(b" ", 4)
        interval_us, connectable = int(head[0]), head[1] == b"1"
        adv_n, resp_n = int(head[2]), int(head[3])
        data = head[4] if len(head) > 4 else b""
        adv = data[:adv_n] if adv_n >= 0 else None
        resp = data[max(adv_n, 0):] if resp_n >= 0 else None
        with self._lock:  # None: the data of the last call again
            adv = self._adv if adv is None else bytes(adv)
            resp = self._resp if resp is None else bytes(resp)
        if len(adv) > ADV_MAX or len(resp) > ADV_MAX:
            raise _oserror("EINVAL")
        with self._lock:
            self._adv, self._resp = adv, resp
        # the interval is rounded down to 0.625 ms steps, and 20 ms at least
        interval_ms = max(20.0, interval_us // 625 * 0.625)
        self._wait(lambda: self._start_advertising(adv, resp, interval_ms, connectable))
        return ""

    def _op_write(self, rest: bytes) -> str:
        self._need_active()
        head, _, data = rest.partition(b" ")
        handle = int(head)
        update, data = data[:1] == b"1", data[2:]
        with self._lock:
            value = self._value(handle)
            value.data = bytes(data)
            value.cap = max(value.cap, len(data))  # a local write makes room (modbluetooth.c)
        if update:
            self._soon(self._notify_subscribers, handle)
        return ""

    def _op_read(self, rest: bytes) -> str:
        self._need_active()
        with self._lock:
            if rest == b"+":
                data = self._rest
            else:
                value = self._value(int(rest))
                data = value.data
                if value.append:  # reading empties an append-mode buffer
                    value.data = b""
            chunk, self._rest = data[:_READ_CHUNK], data[_READ_CHUNK:]
        return ("S" if self._rest else "E") + chunk.decode("latin-1")

    def _op_set_buffer(self, rest: bytes) -> str:
        self._need_active()
        handle, n, append = (int(x) for x in rest.split())
        with self._lock:
            value = self._value(handle)
            value.cap, value.data, value.append = n, b"", bool(append)
        return ""

    def _op_notify(self, rest: bytes) -> str:
        self._need_active()
        head = rest.split(b" ", 2)
        conn, handle = int(head[0]), int(head[1])
        with self._lock:
            value = self._value(handle)
            if conn not in self._connected:
                raise _oserror("ENOTCONN")
            data = bytes(head[2]) if len(head) > 2 else value.data
        self._soon(self._notify, conn, handle, data)
        return ""

    def _op_disconnect(self, rest: bytes) -> str:
        self._need_active()
        conn = int(rest)
        with self._lock:
            if conn not in self._connected:
                return "0"
        self._soon(self._disconnect, conn)
        return "1"

    def _op_events(self, rest: bytes) -> str:
        lines: list[str] = []
        size = 0
        with self._lock:
            while self._events and size + len(self._events[0]) < _EVENTS_ROOM:
                line = self._events.popleft()
                lines.append(line)
                size += len(line) + 1
        return "\n".join(lines)

    def _value(self, handle: int) -> _Value:
        # under the lock
        value = self._db.get(handle)
        if value is None:
            raise _oserror("EINVAL")
        return value

    # -- between the threads -----------------------------------------------------------------
    def _wait(self, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        # the guest's thread waits for a coroutine on the loop (never on the loop's own thread:
        # it would wait for itself)
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("a simulated BLE board's firmware must run on its own thread")
        return asyncio.run_coroutine_threadsafe(make(), self._loop).result(WAIT_S)

    def _soon(self, fn: Callable[..., Any], *args: Any) -> None:
        # hand over to the loop, not waited for; the loop keeps the order
        try:
            if threading.get_ident() == self._loop_thread:
                self._loop.call_soon(fn, *args)
            else:
                self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is closed: nothing left to tell
            pass

    def _event(self, line: str) -> None:
        # loop thread: an event for the guest
        with self._lock:
            if not self._active or not self._handler:
                return  # the board drops events nobody handles
            if line.startswith("3 ") and line in self._events:
                # a write to a characteristic that has one waiting already: the buffer holds
                # both, and the one event says so. (A board calls the handler for each, with
                # a reused tuple and no garbage; here each event is garbage in the guest's
                # heap, and a flood of writes would fill it before the firmware collects.)
                return
            self._events.append(line)
        self.log.append(line)
        if self.on_event is not None:
            self.on_event()

    # -- bumble (the loop's thread) ----------------------------------------------------------
    async def _activate(self) -> None:
        if self._closing is not None:  # a reboot's shutdown goes first
            await self._closing
        if not self._powered:
            await self.device.power_on()
            self._powered = True
        self.device.gatt_server.max_mtu = self._mtu
        await self._set_gap_name_now(self._gap_name)
        with self._lock:
            self._active = True

    async def _set_gap_name_now(self, name: bytes) -> None:
        self._set_gap_name(name)

    def _set_gap_name(self, name: bytes) -> None:
        self.device.name = name.decode("utf-8", "replace")
        for attribute in self.device.gatt_server.attributes:
            if isinstance(attribute, Characteristic) and \
                    attribute.uuid == GATT_DEVICE_NAME_CHARACTERISTIC:
                attribute.value = name

    def _set_mtu(self, mtu: int) -> None:
        self.device.gatt_server.max_mtu = mtu

    async def _register(self, services: list[_ServiceSpec]) -> list[list[int]]:
        server = self.device.gatt_server
        # the board's ble_gatts_reset: the GAP and GATT services, then these
        server.services.clear()
        server.attributes.clear()
        server.attributes_by_handle.clear()
        server.subscribers.clear()
        self.device.add_default_services()
        self._set_gap_name(self._gap_name)
        made: list[list[_Value]] = []
        db: dict[int, _Value] = {}
        for uuid, chars in services:
            values: list[_Value] = []
            bumble_chars = []
            for cuuid, flags, descs in chars:
                value = _Value(flags)
                values.append(value)
                descriptors = []
                for duuid, dflags in descs:
                    dvalue = _Value(dflags)
                    descriptor = Descriptor(duuid, _permissions(dflags),
                                            self._dynamic(dvalue))
                    dvalue.attribute = descriptor
                    values.append(dvalue)
                    descriptors.append(descriptor)
                characteristic: Characteristic[bytes] = Characteristic(
                    cuuid, Characteristic.Properties(flags & 0xFF), _permissions(flags),
                    self._dynamic(value), descriptors)
                value.attribute = characteristic
                bumble_chars.append(characteristic)
            self.device.add_service(Service(uuid, bumble_chars))
            made.append(values)
        handles = []
        for values in made:
            hs = []
            for value in values:
                assert value.attribute is not None
                db[value.attribute.handle] = value
                hs.append(value.attribute.handle)
            handles.append(hs)
        with self._lock:
            self._db = db
        return handles

    def _dynamic(self, value: _Value) -> CharacteristicValue[bytes]:
        def read(connection: Connection) -> bytes:
            with self._lock:
                return value.data

        def write(connection: Connection, data: bytes) -> None:
            if not value.flags & 0x0C:  # neither FLAG_WRITE nor FLAG_WRITE_NO_RESPONSE
                raise att.ATT_Error(att.ATT_WRITE_NOT_PERMITTED_ERROR)
            with self._lock:
                if value.append:
                    value.data = (value.data + bytes(data))[:value.cap]
                else:
                    value.data = bytes(data)[:value.cap]
            assert value.attribute is not None
            self._event(f"{IRQ_GATTS_WRITE} {connection.handle} {value.attribute.handle}")

        return CharacteristicValue(read=read, write=write)

    async def _start_advertising(self, adv: bytes, resp: bytes, interval_ms: float,
                                 connectable: bool) -> None:
        if connectable:
            kind = AdvertisingType.UNDIRECTED_CONNECTABLE_SCANNABLE
        else:
            kind = AdvertisingType.UNDIRECTED_SCANNABLE if resp else AdvertisingType.UNDIRECTED
        await self.device.start_advertising(
            advertising_type=kind, own_address_type=hci.OwnAddressType.RANDOM,
            advertising_data=adv, scan_response_data=resp, auto_restart=False,
            advertising_interval_min=interval_ms, advertising_interval_max=interval_ms)
        with self._lock:
            self._advertising = True

    async def _stop_advertising(self) -> None:
        await self.device.stop_advertising()
        with self._lock:
            self._advertising = False

    def _on_connection(self, connection: Connection) -> None:
        handle = connection.handle
        self._conns[handle] = connection
        with self._lock:
            self._connected.add(handle)
            self._advertising = False  # a connection ends the board's advertising
        peer = connection.peer_address
        addr = f"{0 if peer.is_public else 1} {bytes(reversed(peer.address_bytes)).hex()}"
        self._event(f"{IRQ_CENTRAL_CONNECT} {handle} {addr}")

        def gone(reason: int) -> None:
            self._conns.pop(handle, None)
            with self._lock:
                self._connected.discard(handle)
            self._event(f"{IRQ_CENTRAL_DISCONNECT} {handle} {addr}")

        def mtu() -> None:
            self._event(f"{IRQ_MTU_EXCHANGED} {handle} {connection.att_mtu}")

        connection.on(Connection.EVENT_DISCONNECTION, gone)
        connection.on(Connection.EVENT_CONNECTION_ATT_MTU_UPDATE, mtu)

    def _notify(self, conn: int, handle: int, data: bytes) -> None:
        connection = self._conns.get(conn)
        with self._lock:
            value = self._db.get(handle)
        if connection is None or value is None or value.attribute is None:
            return  # gone meanwhile: the board's notify would have failed the same
        data = data[:connection.att_mtu - 3]  # NimBLE cuts it to the MTU
        self.device.gatt_server.send_gatt_pdu(connection, bytes(
            att.ATT_Handle_Value_Notification(attribute_handle=value.attribute.handle,
                                              attribute_value=data)))

    def _notify_subscribers(self, handle: int) -> None:
        with self._lock:
            value = self._db.get(handle)
        if value is not None and value.attribute is not None:
            self._loop.create_task(self.device.notify_subscribers(value.attribute))

    def _disconnect(self, conn: int) -> None:
        connection = self._conns.get(conn)
        if connection is not None:
            self._loop.create_task(_quietly(connection.disconnect()))

    def _start_shutdown(self) -> None:
        self._closing = self._loop.create_task(self._shutdown())

    async def _shutdown(self) -> None:
        await _quietly(self.device.stop_advertising())
        for connection in list(self._conns.values()):
            await _quietly(connection.disconnect())


async def _quietly(coro: Coroutine[Any, Any, Any]) -> None:
    # a disconnect racing the central's own, or a loop that is ending
    with contextlib.suppress(Exception):
        await asyncio.wait_for(coro, WAIT_S)


def _uuid(hex_le: str) -> UUID:
    # the guest sends a UUID's bytes little-endian (as MicroPython keeps them, as bumble does)
    return UUID.from_bytes(bytes.fromhex(hex_le))


def _permissions(flags: int) -> Characteristic.Permissions:
    permissions = Characteristic.Permissions(0)
    if flags & 0x02:
        permissions |= Characteristic.READABLE
    if flags & 0x0C:
        permissions |= Characteristic.WRITEABLE
    return permissions


_OPS: dict[bytes, Callable[[BlePeripheral, bytes], str]] = {
    b"a": BlePeripheral._op_active,
    b"i": BlePeripheral._op_irq,
    b"c": BlePeripheral._op_config_get,
    b"C": BlePeripheral._op_config_set,
    b"r": BlePeripheral._op_register,
    b"v": BlePeripheral._op_advertise,
    b"w": BlePeripheral._op_write,
    b"R": BlePeripheral._op_read,
    b"b": BlePeripheral._op_set_buffer,
    b"n": BlePeripheral._op_notify,
    b"x": BlePeripheral._op_disconnect,
    b"e": BlePeripheral._op_events,
}
