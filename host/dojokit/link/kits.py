"""Kits are named by strings: "sim", "serial:/dev/ttyACM0" (or a bare port path),
"radio:NAME" (a micro:bit robot through its radio bridge), "ble:NAME" (an ESP32 robot over
Bluetooth LE; "ble:NAME NUMBER" when two share a name).

Application code names a kit, never a transport class.
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
    if scheme == "ble" and rest:
        return _ble(rest)
    if scheme in ("ble", "radio"):
        raise KitNotAvailable(kit=kit, scheme=scheme)
    raise UnknownKit(kit=kit)


def _ble(name: str) -> Transport:
    # the pairing code: DOJOKIT_BLE_CODE (what --code sets, for scripts), else asked in the
    # terminal when there is one
    import os
    import sys

    from dojokit.link.ble_transport import BleTransport, parse_code, terminal_asker

    given = os.environ.get("DOJOKIT_BLE_CODE")
    code = parse_code(given) if given else None
    ask = terminal_asker(name) if code is None and sys.stdin.isatty() else None
    return BleTransport(name, code=code, ask_code=ask)
