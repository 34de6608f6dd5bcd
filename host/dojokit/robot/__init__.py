"""The high-level robot API that programs use, with its trace."""

from dojokit.robot.robot import Robot
from dojokit.robot.trace import Trace, TraceEvent

__all__ = ["Robot", "Trace", "TraceEvent"]
