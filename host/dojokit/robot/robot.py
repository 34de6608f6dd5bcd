"""The robot as programs see it: async verbs, each recorded in the trace.

    async with await Robot.open("sim") as robot:
        await robot.drive(50, 50, seconds=1)
        await robot.light("all", (0, 200, 80))
        print((await robot.read_sensors()).distance_mm)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Literal

from dojokit.feedback import FINAL, STATE_IDS, STATES
from dojokit.link import Link, RobotInfo, open_transport
from dojokit.protocol import Button, Frame, Kind, Sample, Sensor
from dojokit.protocol import messages as msg
from dojokit.robot.profiles import PROFILES, SensoryProfile
from dojokit.robot.trace import Trace

ALL_SENSORS = int(Sensor.DISTANCE | Sensor.LINE | Sensor.LIGHT | Sensor.BUTTONS | Sensor.TILT)
BUTTONS = {"A": 0, "B": 1}
NOTICE = 4  # a BEAT flag: the robot changed its state by itself (the announce pause)
# firmware/dk_guard.py _ANNOUNCE_MS: under a profile that announces, wheels asked to turn from
# standstill wait this long (showing "moving soon"); a timed drive's time starts after it
ANNOUNCE_S = 0.6


class Robot:
    def __init__(self, link: Link) -> None:
        self.link = link
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        self.trace = Trace(clock=lambda: loop.time() - t0)
        self.sample: Sample | None = None  # the latest reading from a subscription
        self._buttons: asyncio.Queue[Button] = asyncio.Queue()
        self._driving: tuple[int, int] | None = None  # the last untimed drive, acknowledged
        self._still = True  # the wheels stand still (as the robot's guard judges a start)
        self._go_at = 0.0  # loop time the current announce pause ends
        self.profile = PROFILES["calm"]  # the firmware's own default until set
        self.state: str | None = None  # the feedback state shown now (None: none yet)
        self._state_listeners: list[Callable[[str], None]] = []
        link.on_event(self._event)

    @classmethod
    async def open(cls, kit: str, **link_options: float) -> Robot:
        link = Link(open_transport(kit), **link_options)
        robot = cls(link)
        await link.connect()
        return robot

    @property
    def info(self) -> RobotInfo:
        assert self.link.info is not None
        return self.link.info

    async def close(self) -> None:
        if not self.link.lost.is_set():
            with contextlib.suppress(Exception):
                await self.link.command(Kind.STOP)
        await self.link.close()

    async def __aenter__(self) -> Robot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- events --------------------------------------------------------------------------
    def _event(self, f: Frame) -> None:
        if f.kind == Kind.SAMPLE:
            self.sample = Sample.from_payload(f.payload)
        elif f.kind == Kind.BUTTON:
            b = Button.from_payload(f.payload)
            self.trace.add("button", button="AB"[b.button] if b.button < 2 else b.button,
                           pressed=b.pressed)
            self._buttons.put_nowait(b)
        elif f.kind == Kind.BEAT and len(f.payload) >= 2 and f.payload[1] & NOTICE:
            self._notice(f.payload[0])

    def _notice(self, state_id: int) -> None:
        # The robot changed its state itself: the announce pause began or ended. After a
        # final state the host has sent, a late "pause over" is stale (the robot sent it
        # before it heard the final state, which it shows now).
        if state_id >= len(STATES):
            return
        name = STATES[state_id][0]
        if name == self.state or (self.state in FINAL and name != "moving_soon"):
            return
        self._set_state(name, by="robot")

    def on_state(self, fn: Callable[[str], None]) -> None:
        """Call `fn(state)` for every state change, as the trace records it."""
        self._state_listeners.append(fn)

    def _set_state(self, state: str, **data: str) -> None:
        self.state = state
        self.trace.add("state", state=state, **data)
        for fn in self._state_listeners:
            fn(state)

    # -- outputs ---------------------------------------------------------------------------
    async def drive(self, left: int, right: int, seconds: float | None = None) -> None:
        """Wheel speeds in percent (-100..100; the profile caps them). With `seconds`, the
        robot drives for that long and stops by itself, and this call returns when it has.
        Under a profile that announces, a start from standstill first pauses (the robot
        shows "moving soon"); the move still gets its full `seconds` after the pause."""
        if seconds is None and self.drives_so(left, right):
            return  # already driving so: a program polling in a loop sends nothing new
        ms = 0 if seconds is None else max(1, min(65535, round(seconds * 1000)))
        self._driving = None
        self.trace.add("drive", left=left, right=right, seconds=seconds)
        moves = bool(left or right)
        await self.link.command(Kind.DRIVE, msg.drive(left, right, ms))
        # the robot counts a timed drive from the end of its pause: mirror its rule (a start
        # from standstill pauses; a drive during a pause waits for the same end)
        now = asyncio.get_running_loop().time()
        if moves and self._still and self.profile.announce:
            self._go_at = now + ANNOUNCE_S
        self._still = not moves
        if seconds is not None:
            await asyncio.sleep(max(0.0, self._go_at - now) + seconds if moves else seconds)
            self._still = True
        else:
            self._driving = (left, right)

    def drives_so(self, left: int, right: int) -> bool:
        """Already driving at these speeds (untimed, acknowledged): drive() sends nothing."""
        return self._driving == (left, right)

    async def stop(self) -> None:
        self._driving = None
        self._still = True
        self.trace.add("stop")
        await self.link.command(Kind.STOP)

    async def light(self, index: int | Literal["all"], colour: tuple[int, int, int]) -> None:
        i = 255 if index == "all" else index
        shown = self.profile.colour(tuple(colour))  # type: ignore[arg-type]
        if shown != tuple(colour):
            self.trace.add("light", index=index, colour=list(shown), asked=list(colour))
        else:
            self.trace.add("light", index=index, colour=list(colour))
        await self.link.command(Kind.LIGHT, msg.light(i, *shown))

    async def lights_off(self) -> None:
        await self.light("all", (0, 0, 0))

    async def display_image(self, bits: int, level: int = 9) -> None:
        self.trace.add("display", image=bits, level=level)
        await self.link.command(Kind.DISPLAY, msg.display_image(bits, level))

    async def display_text(self, text: str) -> None:
        self.trace.add("display", text=text)
        await self.link.command(Kind.DISPLAY, msg.display_text(text))

    async def display_clear(self) -> None:
        self.trace.add("display", clear=True)
        await self.link.command(Kind.DISPLAY, msg.display_clear())

    async def tone(self, freq: int, seconds: float) -> None:
        self.trace.add("tone", freq=freq, seconds=seconds)
        await self.link.command(Kind.TONE, msg.tone(freq, round(seconds * 1000)))

    async def set_profile(self, profile: SensoryProfile | str) -> None:
        p = PROFILES[profile] if isinstance(profile, str) else profile
        self._driving = None  # the new profile's caps apply from the next drive
        self.profile = p
        self.trace.add("profile", name=p.name)
        await self.link.command(Kind.PROFILE, p.payload())

    async def show_state(self, state: str) -> None:
        """Show a feedback-vocabulary state (ready, running, finished, not_yet, ...): on
        the robot's lights and display sign (a state a program runs in, such as running,
        only on what the program has not set itself), in the trace and to `on_state`."""
        self._set_state(state)
        await self.link.command(Kind.STATE, msg.state(STATE_IDS[state]))

    async def set_name(self, colour: int, number: int, name: str) -> None:
        await self.link.command(Kind.NAME, msg.name(colour, number, name))

    # -- inputs ----------------------------------------------------------------------------
    async def read_sensors(self) -> Sample:
        replies = await self.link.command(Kind.READ, expect=(Kind.SAMPLE,))
        sample = Sample.from_payload(replies[-1].payload)
        self._record(sample)
        return sample

    async def subscribe(self, period_ms: int = 50, mask: int = ALL_SENSORS) -> None:
        """Have the robot push readings every `period_ms` (0 stops them)."""
        await self.link.command(Kind.SUBSCRIBE, msg.subscribe(mask, period_ms))

    async def wait_for_button(self, button: str = "A", timeout: float | None = None) -> None:
        want = BUTTONS[button]

        async def wait() -> None:
            while True:
                b = await self._buttons.get()
                if b.button == want and b.pressed:
                    return

        await asyncio.wait_for(wait(), timeout)

    def _record(self, s: Sample) -> None:
        self.trace.add("sensors", distance_mm=s.distance_mm, line_left=s.line_left,
                       line_right=s.line_right, light=s.light, buttons=s.buttons,
                       tilt_x=s.tilt_x, tilt_y=s.tilt_y)
