"""dojokit: Scratch-like robotics for calm, structured coding clubs."""

__version__ = "0.1.0"
