# dojokit radio bridge: the main.py of a bridge micro:bit's build (the flasher writes this
# file as main.py). It relays frames between the USB serial line and the paired robot's
# radio (dk_bridge); automatic garbage collection is off, as in the robot's main.py.
import gc
import sys

gc.disable()
for _m in ("dk_proto", "dk_radio", "dk_pair", "dk_bridge"):
    __import__(_m)
    gc.collect()

import dk_bridge  # noqa: E402
import radio  # noqa: E402

if sys.platform == "microbit":
    from microbit import uart

    uart.init(baudrate=115200)  # with no rate, init() switches to 9600
    _hal = __import__("hal_microbit")
else:
    _hal = __import__("hal_virtual")
dk_bridge.run(_hal, radio)
