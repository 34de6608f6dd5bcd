"""Asking a port whether a radio bridge sits there, and for which robot (Kind.BRIDGE)."""

from __future__ import annotations

from dataclasses import dataclass

from dojokit.link.errors import CommandTimeout, LinkError, Refused
from dojokit.link.link import Link
from dojokit.link.serial_transport import SerialTransport
from dojokit.protocol import Kind
from dojokit.protocol.messages import Board, Ident, Info


@dataclass(frozen=True)
class BridgeInfo:
    port: str
    firmware: str
    bridge: Ident  # the bridge's own identity
    robot: Ident  # the robot it drives


async def ask_bridge(port: str, timeout: float = 1.0) -> BridgeInfo | None:
    """The bridge on `port`, or None (a robot, or nothing that answers). Raises LinkError
    only when the port cannot be opened (missing, busy)."""
    link = Link(SerialTransport(port))
    await link.start()
    try:
        replies = await link.command(Kind.BRIDGE, expect=(Kind.INFO, Kind.IDENT),
                                     timeout=timeout)
    except (CommandTimeout, Refused):
        return None
    except LinkError:
        return None
    finally:
        await link.close()
    infos = [Info.from_payload(f.payload) for f in replies if f.kind == Kind.INFO]
    idents = [Ident.from_payload(f.payload) for f in replies if f.kind == Kind.IDENT]
    if not infos or infos[0].board != Board.BRIDGE or len(idents) < 2:
        return None
    return BridgeInfo(port, ".".join(map(str, infos[0].firmware)), idents[0], idents[1])
