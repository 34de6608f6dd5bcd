# MicroPython code, not the host's: the simulator's MicroPython (WASI, 1.27) imports it before
# the firmware's main.py (guest.py: `micropython -c "... from microbit_rules import boot"`).
# It never goes onto a board.
#
# That MicroPython is a unix-like port: its files can be iterated and it has sys.stdin. The
# micro:bit port (MicroPython for micro:bit 2.x, core 1.18) has neither, so firmware relying
# on them passes the simulator and stops on the robot. This takes them away before the
# firmware starts (firmware/HAL.md, "What the simulator refuses"):
# - open() gives the micro:bit's kind of file: read, readinto, readline, write, close and
#   `with`, but no iterator (`for line in f` raises the micro:bit's own TypeError);
# - sys has no stdin, stdout or stderr (serial goes through the HAL only);
# - only the firmware's folder is on the import path (no frozen or library modules).
# Whatever can be checked by reading the source (imports, names in sys and time, file modes)
# tests/test_firmware_port.py checks instead: every object kept here costs RAM in the same
# 64 KiB heap as the firmware.
import builtins
import sys

if sys.implementation.name != "micropython":
    raise ImportError("microbit_rules runs inside the simulator's MicroPython only")

_real_open = builtins.open
# the caller imports main.py with this: a built-in function, so no frame of this module stays
# alive under the firmware (WASI MicroPython's collector cannot see a frame put on the heap:
# firmware/HAL.md, "Garbage collection")
boot = builtins.__import__


class TextIO:
    # the micro:bit's file type has these and nothing else (no __iter__)
    def __init__(self, f):
        self.read = f.read
        self.readinto = f.readinto
        self.readline = f.readline
        self.write = f.write
        self.close = f.close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _open(name, mode="r"):
    return TextIO(_real_open(name, mode))


_sys = {}
for _n in ("argv", "byteorder", "exit", "implementation", "maxsize", "modules", "path",
           "platform", "print_exception", "version", "version_info"):
    _sys[_n] = getattr(sys, _n)
# what the micro:bit's sys holds; an import finds this stand-in in sys.modules first
sys.modules["sys"] = type("sys", (), _sys)
del sys.modules["microbit_rules"], _sys, _n
builtins.open = _open
sys.path[:] = ["/fw"]
