"""Kits are named by strings: "sim", "serial:/dev/ttyACM0" (or a bare port path).

Application code names a kit, never a transport class. "ble:NAME" and "radio:..." are
reserved for the BLE and radio-bridge transports.
"""

from __future__ import annotations

from dojokit.link.errors import KitNotAvailable, UnknownKit
from dojokit.link.transport import Transport


def open_transport(kit: str) -> Transport:
    """The transport for a kit name. Nothing is opened until the Link connects."""
    scheme, _, rest = kit.partition(":")
    if kit == "sim" or scheme == "sim":
        from dojokit.link.sim_transport import SimTransport

        return SimTransport(label=kit, world=rest or None)
    if scheme == "serial" and rest:
        from dojokit.link.serial_transport import SerialTransport

        return SerialTransport(rest)
    if kit.startswith(("/", "COM", "\\\\.\\")) or kit.startswith("./"):
        from dojokit.link.serial_transport import SerialTransport

        return SerialTransport(kit)
    if scheme == "radio" and rest:
        from dojokit.link.radio_transport import RadioTransport

        return RadioTransport(rest)
    if scheme in ("ble", "radio"):
        raise KitNotAvailable(kit=kit, scheme=scheme)
    raise UnknownKit(kit=kit)
