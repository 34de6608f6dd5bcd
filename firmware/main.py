# dojokit robot firmware: picks this board's HAL (each board's build ships only its own)
# and runs the main loop. Ctrl-C on the serial line still reaches the REPL: frames never
# contain 0x03 or 0x04.
#
# The garbage collector runs only where we call it: between module loads here and at the
# top of each loop turn in dk_core.run, when no C code holds a half-built object. That keeps
# timing predictable, and it is the only safe way on WASI MicroPython (the simulator), whose
# collector cannot see pointers held in WebAssembly locals (see HAL.md).
import gc
import sys

gc.disable()
for _m in ("dk_proto", "dk_vocab", "dk_kit", "dk_guard", "dk_core"):
    __import__(_m)
    gc.collect()

import dk_core  # noqa: E402 (already loaded above)

_HALS = {"microbit": "hal_microbit", "esp32": "hal_esp32"}

_hal = __import__(_HALS.get(sys.platform, "hal_virtual"))
try:  # a robot paired with a radio bridge (pair.txt) talks over the radio too
    open(_hal.FS + "pair.txt").close()
    for _m in ("dk_radio", "dk_radiolink", "dk_pair"):
        __import__(_m)
        gc.collect()  # a module load leaves garbage, and the heap is tightest at boot
    _hal = sys.modules["dk_pair"].robot(_hal)
    del sys.modules["dk_pair"]  # needed once: its code leaves the heap
except (OSError, ImportError):  # no pair.txt; or no radio: the cable still works
    pass
try:  # an ESP32 (or a simulated board given Bluetooth) talks over Bluetooth LE too
    __import__("bluetooth")
    _hal = __import__("dk_ble").start(_hal)
except ImportError:  # no Bluetooth on this board: the cable still works
    pass
gc.collect()
dk_core.run(_hal)
