"""The Link: the protocol's host side over any transport.

It knows the handshake, sequence numbers, acknowledgements and time-outs, heartbeats (so
the robot's fail-safe stays quiet while the host is alive), and events. It never guesses a
kit: it talks to exactly the transport it was given.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from dojokit.kits.profiles import kit_by_id
from dojokit.link.errors import (
    CommandTimeout,
    LinkLost,
    NoAnswer,
    NotDojokit,
    Refused,
    VersionMismatch,
)
from dojokit.link.transport import Transport
from dojokit.protocol import (
    PROTOCOL_VERSION,
    Board,
    Cap,
    Frame,
    FrameDecoder,
    Ident,
    Info,
    Kind,
    Reason,
    encode_frame,
)
from dojokit.protocol import messages as msg


@dataclass(frozen=True)
class RobotInfo:
    """What the handshake told us about the robot."""

    kit: str  # how it was named: "sim", "serial:/dev/ttyACM0"
    protocol: int
    firmware: str
    board: str
    kit_id: int
    kit_name: str
    kit_title: str
    caps: Cap
    lights: int  # pixels and plain LEDs, numbered as the LIGHT command counts them
    colour: int
    number: int
    name: str


@dataclass
class _Pending:
    future: asyncio.Future[list[Frame]]
    kind: int
    expect: frozenset[int]
    replies: list[Frame] = field(default_factory=list)


# a lossy link never sends a command again sooner than this: a robot looks at its radio
# every 20 ms (firmware/dk_radiolink.py), so a quicker repeat only crowds the air
RESEND_MIN = 0.03


class Link:
    def __init__(
        self,
        transport: Transport,
        *,
        hello_timeout: float = 3.0,
        command_timeout: float = 1.0,
        heartbeat: float = 0.2,
        silence_limit: float = 3.0,
    ) -> None:
        self.transport = transport
        # a link that loses frames (the radio) sends a command again until all its replies came
        self._lossy = bool(getattr(transport, "resend", None))
        self.hello_timeout = hello_timeout
        self.command_timeout = command_timeout
        self.heartbeat = heartbeat
        # a transport that reconnects by itself (Bluetooth) says how long it may be quiet
        self.silence_limit = max(silence_limit, getattr(transport, "silence_limit", 0.0))
        self.decoder = FrameDecoder()
        self.info: RobotInfo | None = None
        self._hello_info: Info | None = None  # the last INFO seen, even in a refused hello
        self.lost = asyncio.Event()
        self.lost_reason: str = ""
        self.robot_damaged = 0  # frames the robot dropped, from its heartbeat
        self._listeners: list[Callable[[Frame], None]] = []
        self._pending: dict[int, _Pending] = {}
        self._seq = 0
        if self._lossy:  # the robot keeps recent commands to spot repeats: a new session
            import random  # must not look like the last one's repeats

            self._seq = random.randrange(256)
        # a lossy link's round trip, smoothed (RFC 6298): a command goes again after
        # srtt + 4 * rttvar, between RESEND_MIN and the transport's `resend`
        self._srtt: float | None = None
        self._rttvar = 0.0
        self._tasks: list[asyncio.Task[None]] = []
        self._last_rx = 0.0
        self._bytes_seen = 0
        self._first_bytes = bytearray()
        self._closed = False

    # -- events ------------------------------------------------------------------------
    def on_event(self, fn: Callable[[Frame], None]) -> None:
        """Call `fn` for every unsolicited frame (samples, buttons, heartbeats)."""
        self._listeners.append(fn)

    # -- life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Open the transport and read from it, without a handshake (connect does both)."""
        await self.transport.open()
        self._last_rx = asyncio.get_running_loop().time()
        self._tasks.append(asyncio.create_task(self._reader()))

    async def connect(self) -> RobotInfo:
        await self.start()
        try:
            self.info = await self._handshake()
        except BaseException:
            await self.close()
            raise
        self._tasks.append(asyncio.create_task(self._keepalive()))
        return self.info

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._fail_pending(LinkLost(kit=self.transport.label))
        await self.transport.close()

    async def __aenter__(self) -> Link:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- commands ------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 255
        return self._seq

    def send_nowait(self, kind: int, payload: bytes = b"") -> int:
        """Send a command without waiting for its acknowledgement; returns its seq."""
        seq = self._next_seq()
        asyncio.get_running_loop().create_task(self._write(encode_frame(kind, seq, payload)))
        return seq

    async def _write(self, frame: bytes) -> None:
        try:
            await self.transport.write(frame)
        except LinkLost as exc:
            self._mark_lost(str(exc))

    async def command(
        self,
        kind: int,
        payload: bytes = b"",
        *,
        expect: tuple[int, ...] = (),
        timeout: float | None = None,
    ) -> list[Frame]:
        """Send one command and wait for its ACK. Returns the reply frames that came with
        it (kinds in `expect`); raises Refused, CommandTimeout or LinkLost."""
        if self.lost.is_set():
            raise LinkLost(kit=self.transport.label)
        seq = self._next_seq()
        fut: asyncio.Future[list[Frame]] = asyncio.get_running_loop().create_future()
        self._pending[seq] = _Pending(fut, kind, frozenset(expect))
        frame = encode_frame(kind, seq, payload)
        try:
            await self.transport.write(frame)
            resend: float | None = getattr(self.transport, "resend", None)
            if not resend:
                return await asyncio.wait_for(fut, timeout or self.command_timeout)
            # a lossy link (the radio): the same frame again until the reply comes; the
            # robot does a repeated command once and sends its replies again
            loop = asyncio.get_running_loop()
            sent = loop.time()
            deadline = sent + (timeout or self.command_timeout)
            wait = self._resend_after(resend)
            once = True
            while True:
                try:
                    got = await asyncio.wait_for(
                        asyncio.shield(fut), max(0.0, min(wait, deadline - loop.time())))
                    if once:  # a round trip without a repeat is a true sample (Karn)
                        self._rtt_sample(loop.time() - sent)
                    return got
                except TimeoutError:
                    if loop.time() >= deadline:
                        raise
                    once = False
                    wait = min(wait * 2, resend)  # lost again: back off
                    await self.transport.write(frame)
        except TimeoutError:
            raise CommandTimeout(kit=self.transport.label, command=_name(kind)) from None
        finally:
            self._pending.pop(seq, None)

    def _resend_after(self, most: float) -> float:
        if self._srtt is None:
            return most
        return max(RESEND_MIN, min(most, self._srtt + 4 * self._rttvar))

    def _rtt_sample(self, rtt: float) -> None:
        if self._srtt is None:
            self._srtt, self._rttvar = rtt, rtt / 2
        else:
            self._rttvar = 0.75 * self._rttvar + 0.25 * abs(self._srtt - rtt)
            self._srtt = 0.875 * self._srtt + 0.125 * rtt

    async def _handshake(self) -> RobotInfo:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hello_timeout
        replies: list[Frame] | None = None
        refused: Refused | None = None
        while replies is None and loop.time() < deadline:
            # a robot may still be booting: ask again until the deadline
            try:
                replies = await self.command(
                    Kind.HELLO, msg.hello(), expect=(Kind.INFO, Kind.IDENT),
                    timeout=min(0.4, max(0.05, deadline - loop.time())),
                )
            except CommandTimeout:
                continue
            except Refused as exc:
                refused = exc
                break
        if refused is not None or replies is None:
            info = self._hello_info
            if info is not None and info.protocol != PROTOCOL_VERSION:
                raise VersionMismatch(kit=self.transport.label, robot=info.protocol,
                                      host=PROTOCOL_VERSION)
            if refused is not None:
                raise refused
            if self._bytes_seen:
                raise NotDojokit(kit=self.transport.label, count=self._bytes_seen,
                                 sample=_printable(bytes(self._first_bytes)))
            raise NoAnswer(kit=self.transport.label, seconds=self.hello_timeout)
        info_f = next(f for f in replies if f.kind == Kind.INFO)
        ident_f = next((f for f in replies if f.kind == Kind.IDENT), None)
        info = Info.from_payload(info_f.payload)
        ident = Ident.from_payload(ident_f.payload) if ident_f else Ident(0, 0, "")
        if info.protocol != PROTOCOL_VERSION:
            raise VersionMismatch(kit=self.transport.label, robot=info.protocol,
                                  host=PROTOCOL_VERSION)
        profile = kit_by_id(info.kit_id)
        return RobotInfo(
            kit=self.transport.label,
            protocol=info.protocol,
            firmware=".".join(map(str, info.firmware)),
            board=_board_name(info.board),
            kit_id=info.kit_id,
            kit_name=profile.name if profile else f"kit {info.kit_id}",
            kit_title=profile.title if profile else f"kit {info.kit_id}",
            caps=info.caps,
            lights=profile.pixels + profile.leds if profile else 0,
            colour=ident.colour,
            number=ident.number,
            name=ident.name,
        )

    # -- background tasks ------------------------------------------------------------------
    async def _reader(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await self.transport.read()
                if len(self._first_bytes) < 48:
                    self._first_bytes += data[: 48 - len(self._first_bytes)]
                self._bytes_seen += len(data)
                frames = self.decoder.feed(data)
                if frames:
                    self._last_rx = loop.time()
                for frame in frames:
                    self._dispatch(frame)
        except LinkLost as exc:
            self._mark_lost(str(exc))

    def _dispatch(self, f: Frame) -> None:
        if f.kind == Kind.INFO:
            with contextlib.suppress(Exception):
                self._hello_info = Info.from_payload(f.payload)
        pending = self._pending.get(f.seq)
        if pending is not None and not pending.future.done():
            if f.kind == Kind.ACK:
                got = {r.kind for r in pending.replies}
                if self._lossy and not pending.expect <= got:
                    return  # a reply was lost on the air: the command goes again (command)
                pending.future.set_result(pending.replies)
                return
            if f.kind == Kind.NAK:
                reason = f.payload[0] if f.payload else 0
                pending.future.set_exception(Refused(reason, _name(pending.kind)))
                return
            if f.kind in pending.expect:
                # over the radio the robot may repeat its replies: keep each kind once
                if not self._lossy or all(r.kind != f.kind for r in pending.replies):
                    pending.replies.append(f)
                return
        if f.kind == Kind.BEAT and len(f.payload) >= 4:
            self.robot_damaged = f.payload[2] << 8 | f.payload[3]
        if f.kind in (Kind.ACK, Kind.NAK):
            return  # the answer to a heartbeat or to a command that already timed out
        for fn in self._listeners:
            fn(f)

    async def _keepalive(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.lost.is_set():
            await asyncio.sleep(self.heartbeat)
            if loop.time() - self._last_rx > self.silence_limit:
                self._mark_lost("silent")
                return
            self.send_nowait(Kind.HEARTBEAT)

    def _mark_lost(self, why: str) -> None:
        if not self.lost.is_set():
            self.lost_reason = why
            self.lost.set()
            self._fail_pending(LinkLost(kit=self.transport.label))

    def _fail_pending(self, exc: Exception) -> None:
        for p in self._pending.values():
            if not p.future.done():
                p.future.set_exception(exc)
                p.future.exception()  # mark retrieved: nobody may be waiting any more


def _name(kind: int) -> str:
    try:
        return Kind(kind).name.lower()
    except ValueError:
        return f"0x{kind:02x}"


def _board_name(board: int) -> str:
    try:
        return Board(board).name.lower()
    except ValueError:
        return f"board {board}"


def _printable(data: bytes) -> str:
    text = data.decode("ascii", "replace")
    return "".join(c if c.isprintable() else "." for c in text).strip()[:40]


__all__ = ["Link", "Reason", "RobotInfo"]
