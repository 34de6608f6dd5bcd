# dojokit robot firmware: picks this board's HAL (each board's build ships only its own)
# and runs the main loop. Ctrl-C on the serial line still reaches the REPL: frames never
# contain 0x03 or 0x04.
import sys

import dk_core

_HALS = {"microbit": "hal_microbit", "esp32": "hal_esp32"}

dk_core.run(__import__(_HALS.get(sys.platform, "hal_virtual")))
