"""Pairing a radio robot with its bridge: `dojokit flash --pair ROBOT BRIDGE`.

A pair is a micro:bit robot and the micro:bit on the laptop that relays its frames over the
radio (firmware/dk_bridge.py). Both get the same `pair.txt`: "channel group pair keyhex",
the radio channel and group they listen on, the pair's number (the first byte of every
packet) and the random key that authenticates every packet (dk_radio, link/radio_packet).

In one room the pairs are spread out: every pair has its own group (1-255) and its own pair
number (1-255), and the pairs are shared evenly over a few channels chosen between the busy
Wi-Fi channels. A robot then never even receives another pair's packets; the key is what
keeps out the rest (a classmate's bridge set to the same group, a replay: docs/security.md).
The micro:bit's default, channel 7 group 0, is never given: a stray micro:bit running
someone's radio program shares the air with nobody.

The room's pairs (`PairRoster`, pairs.json next to the room list room.json) keep which robot
(by its board key, identity.board_key) is paired with which bridge, on which channel, group
and pair number. The key itself is not kept on the laptop: only the two boards hold it
(the bridge authenticates the host's frames), and the list keeps a short fingerprint so a
mentor can tell two pairings apart. Pairing a robot again gives a new key, group and number,
so its old bridge drives nothing.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dojokit.i18n import Sentence
from dojokit.kits import safefile
from dojokit.link.radio_packet import KEY_BYTES, new_pair_key

if TYPE_CHECKING:
    from dojokit.kits.flasher import Probe
    from dojokit.kits.usb import SerialKit

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNEL",
    "DEFAULT_GROUP",
    "MAX_GROUP",
    "MAX_PAIR",
    "PAIRS_FILE",
    "PairRecord",
    "PairRoster",
    "Pairing",
    "PairingError",
    "allocate_pairing",
    "bridge_probe",
    "check_ports",
    "fingerprint",
    "spread",
    "verify_bridge",
]

#: Channels given to pairs (frequency 2400 + channel MHz, 1 MHz wide at the micro:bit's
#: default 1 Mbit/s): the gaps between Wi-Fi channels 1, 6 and 11 (2401-2423, 2426-2448,
#: 2451-2473 MHz) and above them, away from BLE advertising (2402, 2426, 2480 MHz).
CHANNELS = (24, 49, 74, 77)
DEFAULT_CHANNEL, DEFAULT_GROUP = 7, 0  # every micro:bit's radio until a program sets it
MAX_CHANNEL = 83
MAX_GROUP = 255
MAX_PAIR = 255  # the packet's first byte; 0 is no pair
PAIRS_FILE = "pairs.json"
PAIRS_VERSION = 1


class PairingError(Sentence):
    """A pairing problem a mentor can act on; str() is one translated sentence."""


@dataclass(frozen=True)
class Pairing:
    channel: int  # 0-83
    group: int  # 0-255
    pair: int  # 1-255
    key: bytes = field(repr=False)  # KEY_BYTES random bytes; never printed

    def __post_init__(self) -> None:
        if not (0 <= self.channel <= MAX_CHANNEL and 0 <= self.group <= MAX_GROUP
                and 1 <= self.pair <= MAX_PAIR and len(self.key) == KEY_BYTES):
            raise ValueError("not a pairing")

    def text(self) -> str:
        """pair.txt's content, as dk_bridge.load_pair reads it."""
        return f"{self.channel} {self.group} {self.pair} {self.key.hex()}\n"

    @classmethod
    def from_text(cls, raw: str | bytes) -> Pairing | None:
        """pair.txt read back (None if it is not a pairing)."""
        if isinstance(raw, bytes):
            raw = raw.decode("ascii", "replace")
        w = raw.split()
        try:
            return cls(int(w[0]), int(w[1]), int(w[2]), bytes.fromhex(w[3]))
        except (ValueError, IndexError):
            return None

    @property
    def air(self) -> tuple[int, int]:
        """Where the pair's packets are heard: (channel, group)."""
        return (self.channel, self.group)


def fingerprint(key: bytes) -> str:
    """A short name for a key that does not give the key away."""
    return hashlib.sha256(b"dojokit pair key\0" + key).hexdigest()[:8]


def allocate_pairing(taken: Iterable[Pairing]) -> Pairing:
    """A new pairing for a room that has `taken`: its own group and pair number (picked at
    random among the free ones), on the channel of CHANNELS with the fewest pairs (the
    first on a tie), never the micro:bit default, and a new random key."""
    taken = list(taken)
    groups = {p.group for p in taken}
    free_groups = [g for g in range(1, MAX_GROUP + 1) if g not in groups]
    numbers = {p.pair for p in taken}
    free_pairs = [n for n in range(1, MAX_PAIR + 1) if n not in numbers]
    if not free_groups or not free_pairs:
        raise PairingError("pairing.room_full", most=min(MAX_GROUP, MAX_PAIR))
    on = {c: sum(p.channel == c for p in taken) for c in CHANNELS}
    channel = min(CHANNELS, key=lambda c: (on[c], CHANNELS.index(c)))
    pick = secrets.SystemRandom()
    return Pairing(channel, pick.choice(free_groups), pick.choice(free_pairs), new_pair_key())


@dataclass(frozen=True)
class PairRecord:
    """One pair of the room: robot and bridge by board key, and where they talk."""

    robot: str
    bridge: str
    channel: int
    group: int
    pair: int
    fingerprint: str

    def as_pairing_without_key(self) -> Pairing:
        # allocation looks at channel, group and number only; the key is not kept
        return Pairing(self.channel, self.group, self.pair, bytes(KEY_BYTES))


class PairRoster:
    """The room's pairs, in pairs.json beside the room list (identity.Roster), with its
    rules: a damaged file is never overwritten (PairingError until `start_over`, which keeps
    it as .bak), and each save keeps the previous file as .bak and replaces it in one step."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is None:
            from dojokit.kits.identity import default_room_path

            path = default_room_path().with_name(PAIRS_FILE)
        self.path = Path(path)
        self._pairs: dict[str, PairRecord] | None = None

    @classmethod
    def beside(cls, room_file: Path) -> PairRoster:
        return cls(room_file.with_name(PAIRS_FILE))

    @property
    def backup(self) -> Path:
        return safefile.backup(self.path)

    def pairs(self) -> dict[str, PairRecord]:
        """Robot board key -> its pair (a copy)."""
        return dict(self._load())

    def _load(self) -> dict[str, PairRecord]:
        if self._pairs is None:
            self._pairs = self._read()
        return self._pairs

    def _read(self) -> dict[str, PairRecord]:
        data = safefile.read(
            self.path, lambda why: PairingError("pairing.list_unreadable", path=self.path, why=why),
            lambda: PairingError("pairing.list_damaged", path=self.path))
        if data is None:
            return {}
        try:
            pairs = {str(k): PairRecord(str(k), str(v["bridge"]), int(v["channel"]),
                                        int(v["group"]), int(v["pair"]), str(v["fingerprint"]))
                     for k, v in data["pairs"].items()}
            for r in pairs.values():
                r.as_pairing_without_key()  # in range
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise PairingError("pairing.list_damaged", path=self.path) from e
        return pairs

    def start_over(self) -> None:
        """No pairs; the old file (damaged or not) is kept as .bak."""
        safefile.start_over(self.path)
        self._pairs = {}

    def _save(self) -> None:
        data = {"version": PAIRS_VERSION,
                "pairs": {k: {"bridge": r.bridge, "channel": r.channel, "group": r.group,
                              "pair": r.pair, "fingerprint": r.fingerprint}
                          for k, r in sorted(self._load().items())}}
        safefile.save(self.path, data)

    def pair(self, robot: str, bridge: str) -> Pairing:
        """A new pairing for `robot` and `bridge` (board keys), saved before any board is
        written. Their old pairs end: a bridge serves one robot, a robot obeys one bridge,
        and the new pairing shares no group or number with the old one."""
        if robot == bridge:
            raise ValueError("a board cannot be its own bridge")
        pairs = self._load()
        ours = {robot, bridge}
        old = [r for r in pairs.values() if r.robot in ours or r.bridge in ours]
        for r in old:
            del pairs[r.robot]
        # the old ones still count as taken: a bridge left on the old group hears nothing
        new = allocate_pairing(r.as_pairing_without_key() for r in [*pairs.values(), *old])
        pairs[robot] = PairRecord(robot, bridge, new.channel, new.group, new.pair,
                                  fingerprint(new.key))
        self._save()
        return new

    def of_robot(self, robot: str) -> PairRecord | None:
        return self._load().get(robot)

    def of_bridge(self, bridge: str) -> PairRecord | None:
        return next((r for r in self._load().values() if r.bridge == bridge), None)


def spread(pairings: Sequence[Pairing]) -> bool:
    """No two pairings heard in the same place (channel and group) or with one number."""
    return (len({p.air for p in pairings}) == len(pairings)
            and len({p.pair for p in pairings}) == len(pairings))


# -- flashing a pair (kits.flasher, with Options.pair) ------------------------------------------
def check_ports(robot: SerialKit, bridge: SerialKit) -> None:
    """Refuse, in one sentence, a pair that cannot be: one port twice, or a robot or a
    bridge that is not a micro:bit (the radio is the micro:bit's)."""
    if os.path.realpath(robot.port) == os.path.realpath(bridge.port):
        raise PairingError("pairing.same_port", port=robot.port)
    for role, kit in (("robot", robot), ("bridge", bridge)):
        if kit.board != "microbit":
            raise PairingError(f"pairing.{role}_not_microbit", port=kit.port, what=kit.guess)


def bridge_probe(port: SerialKit) -> Probe:
    """What a bridge-to-be holds, read over MicroPython's raw REPL (its name.txt). Not by
    handshake: a running bridge relays a handshake to its robot, which would answer."""
    from dojokit.i18n import t
    from dojokit.kits.flasher import Probe, _repl_probe
    from dojokit.kits.ports import PortOpenError, open_exclusive
    from dojokit.link.errors import PortProblem

    try:  # a busy or missing port is said as the handshake would say it
        open_exclusive(port.port).close()
    except PortOpenError as exc:
        p = exc.problem
        holders = ", ".join(f"{name} (pid {pid})" for pid, name in p.holders)
        problem = PortProblem(f"port.{p.code}", path=port.port, detail=p.detail,
                              holders_text=t("port.held_by", holders=holders) if holders else "")
        return Probe(port, problem=str(problem))
    return _repl_probe(port)


BRIDGE_CHECKED = ("pair.txt", "robot.txt", "name.txt", "main.py")


def verify_bridge(port: str, files: dict[str, bytes], seconds: float) -> None:
    """After the write, the restarted bridge holds the files that make it this pair's
    bridge (BRIDGE_CHECKED), read back over the raw REPL; then it is started again. A
    bridge answers no handshake of its own yet, so this is what can be checked."""
    import time

    from dojokit.kits.rawrepl import RawRepl, ReplError

    want = {n: files[n] for n in BRIDGE_CHECKED if n in files}
    deadline = time.monotonic() + seconds
    while True:
        try:
            with RawRepl(port, timeout=3.0) as repl:
                repl.enter(attempts=2, timeout=1.5)
                got = {n: repl.read_file(n) for n in want}
                repl.reset()  # run the bridge again
        except (ReplError, OSError, ValueError, SyntaxError):
            if time.monotonic() > deadline:
                raise PairingError("pairing.bridge_no_return", port=port,
                                   seconds=round(seconds)) from None
            time.sleep(0.3)
            continue
        if got == want:
            return
        # a board still taking a hex in (DAPLink, then a restart) shows its old files for a
        # moment: look again until the deadline, then say which files differ
        if time.monotonic() > deadline:
            raise PairingError("pairing.bridge_differs", port=port,
                               files=", ".join(n for n in want if got[n] != want[n]))
        time.sleep(0.3)
