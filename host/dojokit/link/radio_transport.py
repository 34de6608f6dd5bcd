"""`radio:NAME`: a micro:bit robot driven through its radio bridge.

The bridge is a micro:bit on the laptop's USB that relays frames to its paired robot
(firmware/dk_bridge.py), so the link is a serial link to the bridge's port. Which port: every
micro:bit port is asked, side by side, whether a bridge is there and for which robot
(Kind.BRIDGE, answered by the bridge itself); the bridge of the robot called NAME is used.
Never the first one found: none is one sentence naming the robot, two are refused. The radio
loses packets, so the Link sends a command again until its replies come (`resend`), and the
robot does a repeated command once (firmware/dk_radiolink.py).
"""

from __future__ import annotations

import asyncio

from dojokit.link.errors import LinkError
from dojokit.link.serial_transport import SerialTransport

RESEND_S = 0.15  # the most a command waits before it goes again (Link adapts below this)


class RadioRobotNotFound(LinkError):
    key = "radio.not_found"


class RadioRobotTwice(LinkError):
    key = "radio.twice"


async def _answers(port: str, name: str, timeout: float) -> bool:
    """Is the bridge of the robot `name` on `port`? (It answers for its robot even while
    the robot is switched off; a robot on a USB cable is never taken for it.)"""
    from dojokit.link.bridge import ask_bridge

    try:
        bridge = await ask_bridge(port, timeout)
    except LinkError:
        return False
    return bridge is not None and bridge.robot.name == name


class RadioTransport(SerialTransport):
    resend = RESEND_S

    def __init__(self, name: str, ports: list[str] | None = None, look: float = 1.0) -> None:
        super().__init__("")
        self.name = name
        self.label = f"radio:{name}"
        self._ports = ports
        self._look = look

    async def open(self) -> None:
        if not self.path:
            self.path = await self.find()
        await super().open()

    async def find(self) -> str:
        ports = self._ports
        if ports is None:
            from dojokit.kits.usb import list_serial_kits

            ports = [k.port for k in list_serial_kits() if k.board == "microbit"]
        found = await asyncio.gather(*(_answers(p, self.name, self._look) for p in ports))
        hits = [p for p, ok in zip(ports, found, strict=True) if ok]
        if not hits:
            raise RadioRobotNotFound(name=self.name)
        if len(hits) > 1:
            raise RadioRobotTwice(name=self.name, ports=", ".join(hits))
        return hits[0]
