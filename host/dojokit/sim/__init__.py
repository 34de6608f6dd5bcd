"""The simulated kit: the real firmware under MicroPython on a virtual board."""
