"""`ble:NAME`: an ESP32 robot over Bluetooth LE (Nordic UART Service), through bleak.

Finding the robot: a scan for the NUS service, matched on the robot's identity, which it
advertises as its name and number ("kiwi 5"). Never the first one found: `ble:kiwi` with two
robots called kiwi is refused with both listed by number and signal; `ble:kiwi 5` picks one.
Connecting: with a time-out and one automatic retry, then one sentence to start over.
Frames go exactly as on serial: written into RX in pieces of the negotiated MTU minus 3, read
from TX notifications. Pairing (firmware/dk_ble.py): the robot shows three colours when a
host connects; the transport sends them (PAIR) before it hands the line to the Link, so
application code never sees an unpaired robot. The colours come from `code` (`--code`) or
from `ask_code`, which the terminal (and later the studio) gives.

Which Bluetooth: bleak's own backend for this computer; the simulator and the tests put the
robots on a bumble air (dojokit.sim.ble_air) and say so with dojokit.link.ble_bumble.use_air.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dojokit.link.errors import LinkError
from dojokit.link.transport import QueuedTransport
from dojokit.protocol import FrameDecoder, Kind, Reason, encode_frame, pair

NUS = "6e400001-b5a3-f393-e0a9-e50e24dcca9e"
NUS_RX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"  # the host writes frames here
NUS_TX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"  # the robot notifies frames here
SCAN_S = 3.0  # the longest a scan lasts
AFTER_MATCH_S = 1.0  # a scan for one robot goes on this long after hearing it: a namesake?
BACK_OFF_S = (0.2, 0.5, 1.0, 2.0, 4.0)  # waits before each try to connect again in a run
CONNECT_S = 5.0
PAIR_SEQ = 0xF0  # the PAIR exchange's own seqs, before the Link starts counting


class BleNotFound(LinkError):
    key = "ble.not_found"


class BleTwice(LinkError):
    key = "ble.twice"


class BleConnectFailed(LinkError):
    key = "ble.connect_failed"


class BleUnavailable(LinkError):
    """Bluetooth is off, missing or not permitted; `key` says which."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        super().__init__(**fields)


class BleWrongCode(LinkError):
    key = "ble.wrong_code"


class BleLocked(LinkError):
    key = "ble.locked"


class BleNoCode(LinkError):
    key = "ble.no_code"


@dataclass(frozen=True)
class BleRobot:
    """A robot seen in a scan: what `dojokit kits` lists."""

    name: str  # the identity's word, "kiwi"
    number: int | None
    address: str
    rssi: int | None
    device: Any = None  # bleak's BLEDevice

    @property
    def label(self) -> str:
        return self.name if self.number is None else f"{self.name} {self.number}"


def _identity(local_name: str | None) -> tuple[str, int | None] | None:
    if not local_name:
        return None
    words = local_name.split()
    if len(words) == 2 and words[1].isdigit():
        return words[0], int(words[1])
    return (words[0], None) if len(words) == 1 else None


def _backend() -> dict[str, Any]:
    """bleak's keyword arguments for the Bluetooth in use: a bumble air when one is set."""
    from dojokit.link import ble_bumble

    if ble_bumble.air_in_use() is None:
        return {}
    return {"backend_scanner": ble_bumble.BumbleScanner, "backend_client": ble_bumble.BumbleClient}


def _unavailable(exc: BaseException) -> BleUnavailable | None:
    """The sentence for a computer whose Bluetooth cannot be used, or None."""
    from bleak.exc import (
        BleakBluetoothNotAvailableError,
        BleakBluetoothNotAvailableReason,
        BleakDBusError,
    )

    if isinstance(exc, BleakBluetoothNotAvailableError):
        r = BleakBluetoothNotAvailableReason
        key = {r.NO_BLUETOOTH: "ble.no_bluetooth", r.NO_BLE_CENTRAL_ROLE: "ble.no_bluetooth",
               r.POWERED_OFF: "ble.off", r.DENIED_BY_USER: "ble.denied",
               r.DENIED_BY_SYSTEM: "ble.denied", r.DENIED_BY_UNKNOWN: "ble.denied"}
        return BleUnavailable(key.get(exc.reason, "ble.no_bluetooth"))
    if isinstance(exc, BleakDBusError):
        denied = "AccessDenied" in exc.dbus_error or "NotPermitted" in exc.dbus_error
        return BleUnavailable("ble.denied" if denied else "ble.no_bluez")
    if isinstance(exc, FileNotFoundError | ConnectionRefusedError):
        return BleUnavailable("ble.no_bluez")  # no D-Bus system bus, or BlueZ not running
    if isinstance(exc, PermissionError):
        return BleUnavailable("ble.denied")
    return None


async def scan(seconds: float = SCAN_S, wanted: str | None = None) -> list[BleRobot]:
    """Every dojokit robot in reach (the NUS service in its advertising), strongest first.
    With `wanted` ("kiwi", "kiwi 5"), the scan ends AFTER_MATCH_S after the first robot of
    that identity is heard, so a second one of the same name still is, but nobody waits
    the whole scan for a robot that answered at once."""
    from bleak import BleakScanner

    seen: dict[str, tuple[Any, Any]] = {}
    matched = asyncio.Event()

    def heard(device: Any, adv: Any) -> None:
        seen[device.address] = (device, adv)
        ident = _identity(adv.local_name or device.name)
        if wanted is not None and ident is not None and _matches(ident, wanted):
            matched.set()

    try:
        async with BleakScanner(heard, service_uuids=[NUS],
                                backend=_backend().get("backend_scanner")):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(matched.wait(), seconds)
            if matched.is_set():
                await asyncio.sleep(AFTER_MATCH_S)
    except Exception as exc:  # bleak raises many kinds; only Bluetooth trouble is named
        why = _unavailable(exc)
        if why is None:
            raise
        raise why from None
    robots = []
    for device, adv in seen.values():
        ident = _identity(adv.local_name or device.name)
        if ident is not None:
            robots.append(BleRobot(ident[0], ident[1], device.address, adv.rssi, device))
    return sorted(robots, key=lambda r: -(r.rssi if r.rssi is not None else -999))


def _matches(ident: tuple[str, int | None], wanted: str) -> bool:
    want = _identity(wanted)
    return want is not None and ident[0].casefold() == want[0].casefold() and (
        want[1] is None or ident[1] == want[1])


def choose(robots: Sequence[BleRobot], wanted: str) -> BleRobot:
    """The one robot `wanted` ("kiwi" or "kiwi 5") names; never a guess."""
    ident = _identity(wanted)
    if ident is None:
        raise BleNotFound(name=wanted)
    hits = [r for r in robots if _matches((r.name, r.number), wanted)]
    if not hits:
        raise BleNotFound(name=wanted)
    if len(hits) > 1:
        listed = ", ".join(f"{r.label} ({r.rssi} dBm)" for r in hits)
        raise BleTwice(name=wanted, robots=listed)
    return hits[0]


CodeAsker = Callable[[int | None], Awaitable[Sequence[int] | None]]


class BleTransport(QueuedTransport):
    def __init__(self, name: str, *, code: Sequence[int] | None = None,
                 ask_code: CodeAsker | None = None, mtu: int | None = None,
                 scan_s: float = SCAN_S, connect_s: float = CONNECT_S) -> None:
        super().__init__()
        self.name = name
        self.label = f"ble:{name}"
        self.code = list(code) if code is not None else None
        self.ask_code = ask_code
        self.mtu = mtu  # the MTU to ask for (the simulator's backend takes it; None: bleak's)
        self.scan_s = scan_s
        self.connect_s = connect_s
        self.robot: BleRobot | None = None
        self._client: Any = None
        self._closing = False
        self.reconnects = 0  # times the robot went away and came back (or not)
        self._back: asyncio.Task[None] | None = None
        self._back_again = asyncio.Event()  # set once a reconnection has paired
        # the Link waits this long for a robot that went quiet: long enough for BACK_OFF_S
        self.silence_limit = sum(BACK_OFF_S) + 2 * CONNECT_S
        self._loop: asyncio.AbstractEventLoop | None = None
        self._replies: asyncio.Queue[bytes] | None = None  # during pairing

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.robot = choose(await scan(self.scan_s, self.name), self.name)
        last: BaseException | None = None
        for _ in range(2):  # one automatic retry: a first connection often hangs
            try:
                await asyncio.wait_for(self._connect(), self.connect_s)
                break
            except Exception as exc:
                why = _unavailable(exc)
                if why is not None:
                    raise why from None
                last = exc
                await self._drop()
        else:
            raise BleConnectFailed(name=self.robot.label) from last
        await self._pair()

    async def _connect(self) -> None:
        from bleak import BleakClient

        assert self.robot is not None
        kw = _backend()
        extra: dict[str, Any] = {}
        if kw and self.mtu is not None:
            extra["mtu"] = self.mtu
        client = BleakClient(self.robot.device, disconnected_callback=self._gone,
                             timeout=self.connect_s, backend=kw.get("backend_client"), **extra)
        self._client = client
        await client.connect()
        await client.start_notify(NUS_TX, self._notified)

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.disconnect()

    def _notified(self, _char: Any, data: bytearray) -> None:
        if self._replies is not None:
            self._replies.put_nowait(bytes(data))
        else:
            self._queue.put_nowait(bytes(data))

    def _gone(self, client: Any) -> None:
        # the robot went away (out of reach, switched off, a hiccup): it has stopped and
        # shows "waiting" by itself; connect again with back-off, and only then give up
        if self._closing or self._loop is None or client is not self._client:
            return
        self._client = None
        self.reconnects += 1
        self._back = self._loop.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        for wait in BACK_OFF_S:
            await asyncio.sleep(wait)
            if self._closing:
                return
            try:
                await asyncio.wait_for(self._connect(), self.connect_s)
                await self._pair()
                self._back_again.set()
                return
            except LinkError:  # a code refused or not given: no use trying again
                break
            except Exception:
                await self._drop()
        if self._loop is not None:
            self._deliver(self._loop, None)

    async def _pair(self) -> None:
        """PAIR with the code the robot shows, asking again after a wrong one."""
        self._replies = asyncio.Queue()
        try:
            left: int | None = None
            seq = PAIR_SEQ
            # still paired (this computer was away for less than a minute)? then no code
            await self.write(encode_frame(Kind.PAIR, seq, b""))
            probe = await self._pair_reply(seq)
            if probe is None:
                return
            if probe[0] == Reason.LOCKED:
                raise BleLocked(name=self.label, seconds=probe[1])
            while True:
                code = self.code if self.code is not None else (
                    await self.ask_code(left) if self.ask_code else None)
                if code is None:
                    raise BleNoCode(name=self.label)
                self.code = None  # a given code is tried once; then the asker (if any)
                seq += 1
                await self.write(encode_frame(Kind.PAIR, seq, pair(tuple(code))))
                reply = await self._pair_reply(seq)
                if reply is None:
                    return
                reason, extra = reply
                if reason == Reason.LOCKED:
                    raise BleLocked(name=self.label, seconds=extra)
                left = extra
                if self.ask_code is None:
                    raise BleWrongCode(name=self.label, left=extra)
        except BaseException:
            await self._drop()
            raise
        finally:
            self._replies = None

    async def _pair_reply(self, seq: int) -> tuple[int, int] | None:
        """None for ACK, (reason, extra) for NAK."""
        assert self._replies is not None
        decoder = FrameDecoder()
        while True:
            data = await asyncio.wait_for(self._replies.get(), self.connect_s)
            for f in decoder.feed(data):
                if f.seq != seq:
                    continue
                if f.kind == Kind.ACK:
                    return None
                if f.kind == Kind.NAK and f.payload:
                    return f.payload[0], f.payload[1] if len(f.payload) > 1 else 0

    async def write(self, data: bytes) -> None:
        client = self._client
        if client is None and self._back is not None and not self._back.done():
            # reconnecting: the command waits for the robot (the Link's time-out still holds)
            self._back_again.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._back_again.wait(), self.silence_limit)
            client = self._client
        if client is None:
            from dojokit.link.errors import LinkLost

            raise LinkLost(kit=self.label)
        step = max(20, client.mtu_size - 3)
        for i in range(0, len(data), step):
            await client.write_gatt_char(NUS_RX, data[i:i + step], response=False)

    async def close(self) -> None:
        self._closing = True
        if self._back is not None:
            self._back.cancel()
        await self._drop()


class BadCode(LinkError):
    key = "ble.bad_code"


def parse_code(text: str) -> list[int]:
    """Three identity colours, by name in nl, fr or en ("blue yellow white"): the symbols of
    a pairing code. Raises BadCode with the colours to choose from."""
    from dojokit.i18n import LANGUAGES
    from dojokit.kits.identity import COLOURS, colour_word

    words = text.replace(",", " ").split()
    names = {colour_word(c, lang).casefold(): c for c in range(COLOURS) for lang in LANGUAGES}
    code = [names.get(w.casefold()) for w in words]
    if len(code) != 3 or None in code:
        known = ", ".join(colour_word(c) for c in range(COLOURS))
        raise BadCode(code=text, known=known)
    return [c for c in code if c is not None]


def terminal_asker(name: str) -> CodeAsker:
    """Asks for the code in the terminal: the colours as the robot shows them."""
    from dojokit.i18n import t

    async def ask(left: int | None) -> Sequence[int] | None:
        import sys

        if left is not None:
            print(t("ble.code_again", left=left), file=sys.stderr)
        while True:
            try:
                text = await asyncio.to_thread(input, t("ble.code_prompt", name=name))
            except EOFError:
                return None
            try:
                return parse_code(text)
            except BadCode as exc:
                print(str(exc), file=sys.stderr)

    return ask
