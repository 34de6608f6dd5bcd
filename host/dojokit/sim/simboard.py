"""A simulated board with a flash folder: what a mentor's tools meet on a real USB port.

The folder is the board's whole file system (flat, like a micro:bit's). At power-on the board
runs main.py from it under the simulator's MicroPython (the `virtual` build of
dojokit.kits.build: main.py, dk_*.mpy, hal_virtual.mpy, kit.txt, name.txt); with no main.py
it sits at MicroPython's friendly REPL. Its serial line works as a board's: Ctrl-C stops the
firmware and reaches the REPL, the raw REPL runs code in the board's MicroPython, files
written land in the folder, Ctrl-D soft-reboots, machine.reset() resets (FirmwareGuest with
`flash=`). From the host side it can be power-cycled (`hard_reset`, what DAPLink does after
a hex copy) or switched off (nothing on the line).

Serve one on a pseudo-terminal:  python -m dojokit.sim.simboard --pty PATH --fs DIR
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest


class SimBoard:
    """One simulated board; a ByteDevice for PtyBridge (`on_output`, `write`)."""

    def __init__(self, flash: Path, board: VirtualBoard | None = None,
                 name: str | None = None, radio: Any = None, heap_kb: int = 64) -> None:
        self.flash = Path(flash)
        self.flash.mkdir(parents=True, exist_ok=True)
        self.board = board or VirtualBoard()
        self.name = name or self.flash.name
        self.on_output: Callable[[bytes], None] = lambda data: None
        self._guest: FirmwareGuest | None = None
        self.radio = radio  # a micro:bit's radio (dojokit.sim.radio.Radio), kept over resets
        self.heap_kb = heap_kb
        self._lock = threading.Lock()

    @property
    def powered(self) -> bool:
        return self._guest is not None

    @property
    def running(self) -> bool:
        """Powered and its MicroPython still running."""
        guest = self._guest
        return guest is not None and guest.running

    @property
    def guest(self) -> FirmwareGuest | None:
        """The running MicroPython (None while the power is off)."""
        return self._guest

    @property
    def console(self) -> bytes:
        """Everything the board sent since it was last powered on."""
        return bytes(self._guest.console) if self._guest is not None else b""

    def write(self, data: bytes) -> None:
        """Bytes from the host; with the power off they are lost, as on a dead port."""
        guest = self._guest
        if guest is not None:
            guest.write(data)

    def _out(self, data: bytes) -> None:
        self.on_output(data)

    # -- power -----------------------------------------------------------------------
    def start(self) -> None:
        self.power_on()

    def power_on(self) -> None:
        with self._lock:
            if self._guest is None:
                guest = FirmwareGuest(self.board, flash=self.flash, repl=True,
                                      on_output=self._out, radio=self.radio,
                                      heap_kb=self.heap_kb)
                guest.start()
                self._guest = guest

    def power_off(self) -> None:
        with self._lock:
            guest, self._guest = self._guest, None
        if guest is not None:
            guest.stop()

    def hard_reset(self) -> None:
        """Power cycle: the board boots main.py from its folder again."""
        self.power_off()
        self.power_on()

    def stop(self) -> None:
        self.power_off()


def main(argv: list[str] | None = None) -> int:
    from dojokit.sim.pty_server import PtyBridge

    parser = argparse.ArgumentParser(prog="python -m dojokit.sim.simboard",
                                     description="Serve a simulated board on a pty.")
    parser.add_argument("--pty", required=True, help="path of the symlink to create")
    parser.add_argument("--fs", required=True, help="the board's flash folder")
    args = parser.parse_args(argv)
    board = SimBoard(Path(args.fs))
    bridge = PtyBridge(board, args.pty)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    board.start()
    bridge.start()
    print(f"serving {bridge.path}", flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        bridge.close()
        board.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
