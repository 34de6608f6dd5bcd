# MicroPython code, not the host's: the guest half of a simulated board's REPL (the host half,
# dojokit/sim/repl.py, speaks the REPL's byte protocol on the serial line). It never goes onto
# a board: there the REPL is MicroPython's own, in C.
#
# The simulator imports it when main.py has ended (Ctrl-C, an error, no main.py). It asks the
# host for the next block of code, runs it with exec() in one globals dict that lives as long
# as the board, and tells the host how it ended; what the code prints goes to stdout, which
# is the board's serial line. The loop is module-level code: its frame stays small (on the
# C stack, where WASI MicroPython's collector sees it) and it collects only between two
# blocks, never inside a host call (firmware/HAL.md, "Garbage collection").
import gc
import io
import sys

import host

_call = host.call


def _text(e):
    s = io.StringIO()
    sys.print_exception(e, s)
    return s.getvalue()


def _reset():
    _call("machine", "hard")


def _soft_reset():
    _call("machine", "soft")


def _idle():
    pass


class machine:
    # what mpremote and dojokit's deploy code use of a board's machine module
    reset = _reset
    soft_reset = _soft_reset
    idle = _idle


def _block(r):
    # say how the last block ended, get the next one: "s" single input (the friendly REPL),
    # "f" file input; "S"/"F": more parts follow (a host call's reply holds 512 bytes)
    c = _call("repl", r)
    m = c[0]
    s = c[1:]
    while m == "S" or m == "F":
        c = _call("repl", "+")
        m = c[0]
        s += c[1:]
    return "single" if m == "s" else "exec", s


def _run(k):
    exec(compile(k[1], "<stdin>", k[0]), _g)


def _fail(e):
    try:
        return "e" + _text(e)
    except MemoryError:
        return "e" + type(e).__name__ + "\n"


import os as _os  # noqa: E402


def _ilistdir(d=""):
    # with each file's size, as a board's ilistdir gives it (WASI's gives three fields)
    for e in _os.ilistdir(d):
        n = _os.stat(d + "/" + e[0] if d else e[0])[6] if e[1] == 0x8000 else 0
        yield (e[0], e[1], e[2], n)


def _size(p):
    return _os.stat(p)[6]


def _uname():
    return ("dojokit-sim", "dojokit-sim", "1.0.0", sys.version, "simulator with WASI")


_d = {}
for _n in dir(_os):
    if not _n.startswith("_"):
        _d[_n] = getattr(_os, _n)
_d["ilistdir"] = _ilistdir
_d["size"] = _size  # the micro:bit's own
_d["uname"] = _uname
sys.modules["os"] = type("os", (), _d)
sys.modules["machine"] = machine
_d = _n = None
_g = {"__name__": "__main__"}
# main.py's end, if it ended by an exception: shown as a board shows it, before the banner.
# The boot code (guest.py) keeps it, and the real sys (ours is the micro:bit's stand-in)
import __main__  # noqa: E402

_exc = __main__.sys.exc_info
_e = __main__.fault
__main__.fault = None
_r = "b" + sys.version
if _e is not None and not isinstance(_e, SystemExit):
    _r = "B" + _text(_e) + "\0" + sys.version
_e = None
# no `except ... as`: it would make this frame too large for the C stack
while True:
    gc.collect()
    _k = _block(_r)
    _r = "o"
    try:
        _run(_k)
    except SystemExit:
        _r = "x"
    except BaseException:  # KeyboardInterrupt too: the REPL goes on
        _r = _exc()[1]
    _k = None
    if _r != "o" and _r != "x":
        gc.collect()  # the code may have used up the heap: room to write the traceback
        _r = _fail(_r)
