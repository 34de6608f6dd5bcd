"""Talking to a robot: transports carry bytes, the Link speaks the protocol over them."""

from dojokit.link.errors import LinkError
from dojokit.link.kits import open_transport
from dojokit.link.link import Link, RobotInfo

__all__ = ["Link", "LinkError", "RobotInfo", "open_transport"]
