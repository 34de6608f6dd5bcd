"""One feedback flow for every way a program is run (`dojokit run`, `dojokit box grade`, and
the studio later): the same states, from the same table (`dojokit.feedback.STATES`), on the
robot's lights and display sign, in the trace and in the simulator's window.

    ready        the robot is connected and the program has not started
    running      from the green flag
    moving_soon  the calm profile's pause before the wheels turn (the robot reports it)
    finished     the program ended by itself         (box grade: the verdict "finished")
    not_yet      box grade only: the verdict "not yet"
    time_up      the time limit (--timeout) ended the program: its own calm state
    ready        the child stopped the program (closed the window): ready for the next run

Every runner calls `ready`, then `run`, then `end`; the window follows `Robot.on_state`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from dojokit.link import LinkError
from dojokit.robot.robot import Robot

# how a run ended (Runtime.run_async, or the runner) -> the state the robot then shows;
# a broken link shows nothing (the robot shows "waiting" by itself)
END_STATES = {"done": "finished", "timeout": "time_up", "interrupted": "ready"}


def end_state(how: str) -> str | None:
    return END_STATES.get(how)


async def ready(robot: Robot) -> None:
    await robot.show_state("ready")


async def run(robot: Robot, rt: Any, timeout: float | None) -> str:
    """Show running, press the green flag and run `rt` (a scratch Runtime) to its end;
    returns how it ended ("done", "timeout", ...)."""
    await robot.show_state("running")
    rt.green_flag()
    return str(await rt.run_async(timeout))


async def end(robot: Robot, state: str | None) -> None:
    """Show the final state, when there is one and the robot still listens. A final state
    also takes the lights back from the program: they show the state again."""
    if state is None or robot.link.lost.is_set():
        return
    with contextlib.suppress(LinkError):
        await robot.show_state(state)
