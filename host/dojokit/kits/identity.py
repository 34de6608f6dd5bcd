"""Kit identities: a colour, a number and a short name for every kit in a room.

Every kit gets one when it is flashed (name.txt on the board, shown calmly at boot and
reported in the handshake). Names come from the word list shipped with the package
(kits/words.json: words a child says easily in Dutch, French and English alike), numbers
count up from 1 and colours are spread evenly over the firmware's eight identity colours
(firmware/dk_core.py COLOURS, all distinct under every sensory profile:
tests/test_identity.py). No two kits in one room share a name or a number.

The room roster (`Roster`, room.json in dojokit's user data folder, or $DOJOKIT_ROOM) keeps
which board has which identity, so batches flashed in several runs stay distinct and a
re-flashed kit keeps its identity unless a mentor asks for a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from dojokit.i18n import LANGUAGES, Sentence, t, text
from dojokit.kits import safefile

__all__ = [
    "COLOURS",
    "MAX_NUMBER",
    "NAME_MAX_BYTES",
    "Identity",
    "IdentityError",
    "Roster",
    "allocate",
    "board_key",
    "colour_word",
    "default_room_path",
    "near",
    "parse_name",
    "words",
]

COLOURS = 8  # the firmware's identity colours (dk_core.COLOURS), by index
MAX_NUMBER = 255  # name.txt's number is one byte on the board
NAME_MAX_BYTES = 7  # the board keeps at most 7 bytes of a name (dk_core.Core._load_name)
ROOM_FILE = "room.json"
ROSTER_VERSION = 1


class IdentityError(Sentence):
    """A problem a mentor can act on; str() is one translated sentence."""


@dataclass(frozen=True, order=True)
class Identity:
    colour: int  # index into the firmware's COLOURS
    number: int  # 1-255
    name: str  # one word of 1-7 bytes

    def text(self) -> str:
        """name.txt's content: "colour number name"."""
        return f"{self.colour} {self.number} {self.name}"

    def as_tuple(self) -> tuple[int, int, str]:
        """The `name` argument of dojokit.kits.build.build."""
        return (self.colour, self.number, self.name)

    def describe(self) -> str:
        """How a person says it, e.g. "panda 7 (green)"."""
        return t("identity.describe", name=self.name, number=self.number,
                 colour=colour_word(self.colour))

    @classmethod
    def from_text(cls, raw: str | bytes) -> Identity | None:
        """Read name.txt's content back (None if it is not an identity)."""
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        w = raw.split()
        try:
            ident = cls(int(w[0]), int(w[1]), w[2])
        except (ValueError, IndexError):
            return None
        return ident if _valid(ident) else None


def _valid(ident: Identity) -> bool:
    return (0 <= ident.colour < COLOURS and 0 <= ident.number <= MAX_NUMBER
            and _word_ok(ident.name))


@cache
def words() -> tuple[str, ...]:
    """The shipped name words, in the list's order."""
    raw = resources.files("dojokit.kits").joinpath("words.json").read_text(encoding="utf-8")
    return tuple(json.loads(raw)["words"])


def colour_word(colour: int, lang: str | None = None) -> str:
    """The identity colour's name in the current language (catalog key colour.N)."""
    return text(f"colour.{colour}", lang)


def _distance(a: str, b: str) -> int:
    """Edit distance (insert, delete, replace one letter)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[:], i
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
    return row[-1]


def near(a: str, b: str) -> bool:
    """Two names a child could mix up: the same, or one letter apart (case ignored)."""
    return _distance(a.casefold(), b.casefold()) < 2


def _word_ok(word: str) -> bool:
    raw = word.encode("utf-8")
    return (0 < len(raw) <= NAME_MAX_BYTES and word.isprintable() and len(word.split()) == 1
            and word == word.strip())


def parse_name(raw: str) -> tuple[int | None, int | None, str]:
    """A mentor's `--name`: "panda", "7 panda" or "green 7 panda" (a colour by its name in
    nl, fr or en, or by its number 0-7). Returns (colour or None, number or None, word);
    a wrong one raises IdentityError with one sentence."""
    parts = raw.split()
    if not 1 <= len(parts) <= 3:
        raise IdentityError("identity.bad_name", name=raw.strip(), most=NAME_MAX_BYTES)
    word = parts[-1]
    if not _word_ok(word):
        raise IdentityError("identity.bad_name", name=word, most=NAME_MAX_BYTES)
    number: int | None = None
    if len(parts) >= 2:
        if not parts[-2].isdigit() or not 1 <= int(parts[-2]) <= MAX_NUMBER:
            raise IdentityError("identity.bad_number", number=parts[-2], most=MAX_NUMBER)
        number = int(parts[-2])
    colour = _colour_of(parts[0]) if len(parts) == 3 else None
    return colour, number, word


def _colour_of(word: str) -> int:
    if word.isdigit() and int(word) < COLOURS:
        return int(word)
    for c in range(COLOURS):
        if any(word.casefold() == colour_word(c, lang).casefold() for lang in LANGUAGES):
            return c
    known = ", ".join(colour_word(c) for c in range(COLOURS))
    raise IdentityError("identity.bad_colour", colour=word, known=known)


def _seed(taken: Sequence[Identity]) -> int:
    # the same room always gets the same next names (repeatable), another room others
    key = "\n".join(sorted(i.text() for i in taken)).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def allocate(n: int, taken: Iterable[Identity] = (), avoid: Iterable[str] = ()) -> list[Identity]:
    """`n` new identities, distinct in name and number from `taken` and from each other,
    colours spread evenly (the least used colour first, lowest index on a tie); no name
    one letter or less from a taken one or from `avoid`. The same inputs always give the
    same identities."""
    taken = list(taken)
    used_names = [i.name for i in taken] + list(avoid)
    free = [w for w in words() if not any(near(w, u) for u in used_names)]
    if n > len(free):
        raise IdentityError("identity.no_names_left", wanted=n, left=len(free))
    random.Random(_seed(taken)).shuffle(free)
    used_numbers = {i.number for i in taken}
    numbers = [k for k in range(1, MAX_NUMBER + 1) if k not in used_numbers]
    if n > len(numbers):
        raise IdentityError("identity.no_numbers_left", wanted=n, left=len(numbers))
    counts = [0] * COLOURS
    for i in taken:
        if 0 <= i.colour < COLOURS:
            counts[i.colour] += 1
    out = []
    for k in range(n):
        colour = min(range(COLOURS), key=lambda c: (counts[c], c))
        counts[colour] += 1
        out.append(Identity(colour, numbers[k], free[k]))
    return out


def board_key(serial_number: str | None, port: str) -> str:
    """The roster's key for a board: its USB serial number (it stays with the board from
    port to port), else the port."""
    return serial_number.strip() if serial_number and serial_number.strip() else f"port:{port}"


def default_room_path() -> Path:
    """$DOJOKIT_ROOM, else room.json in dojokit's user data folder."""
    env = os.environ.get("DOJOKIT_ROOM", "").strip()
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("dojokit", appauthor=False)) / ROOM_FILE


class Roster:
    """The room: which board (USB serial number, else port) has which identity.

    A damaged file is never overwritten: loading it raises IdentityError (one sentence
    naming the file) until a mentor starts a new room (`start_over`, which keeps the damaged
    file as room.json.bak). Each save keeps the previous file as .bak and replaces the file
    in one step, so a crash never leaves half a roster."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_room_path()
        self._kits: dict[str, Identity] | None = None

    @property
    def backup(self) -> Path:
        return safefile.backup(self.path)

    def kits(self) -> dict[str, Identity]:
        """Board key -> identity (a copy)."""
        return dict(self._load())

    def get(self, key: str) -> Identity | None:
        return self._load().get(key)

    def _load(self) -> dict[str, Identity]:
        if self._kits is None:
            self._kits = self._read()
        return self._kits

    def _read(self) -> dict[str, Identity]:
        data = safefile.read(
            self.path,
            lambda why: IdentityError("identity.room_unreadable", path=self.path, why=why),
            lambda: IdentityError("identity.room_damaged", path=self.path))
        if data is None:
            return {}
        try:
            kits = {str(k): Identity(int(v["colour"]), int(v["number"]), str(v["name"]))
                    for k, v in data["kits"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise IdentityError("identity.room_damaged", path=self.path) from e
        if not all(_valid(i) for i in kits.values()):
            raise IdentityError("identity.room_damaged", path=self.path)
        return kits

    def start_over(self) -> None:
        """A new, empty room; the old file (damaged or not) is kept as .bak."""
        safefile.start_over(self.path)
        self._kits = {}

    def _save(self) -> None:
        kits = self._load()
        data = {"version": ROSTER_VERSION,
                "kits": {k: {"colour": i.colour, "number": i.number, "name": i.name}
                         for k, i in sorted(kits.items())}}
        safefile.save(self.path, data)

    def identities_for(
        self,
        keys: Sequence[str],
        *,
        on_board: dict[str, Identity] | None = None,
        fresh: bool = False,
    ) -> dict[str, Identity]:
        """The identity each board gets when flashed, saved in the roster. A board keeps
        the one the roster has for it, else the one already on the board (`on_board`, read
        from its name.txt) when no other kit in the room has that name or number; `fresh`
        gives every board in `keys` a new one. New ones are allocated together, so a batch
        is repeatable and evenly coloured."""
        kits = dict(self._load())  # changed only once the new ones are allocated
        on_board = on_board or {}
        # a new identity is another name: not the one the board had
        released = [kits.pop(k).name for k in keys if fresh and k in kits]
        released += [on_board[k].name for k in keys if fresh and k in on_board]
        out: dict[str, Identity] = {}
        for k in keys:
            if k in kits:
                out[k] = kits[k]
                continue
            mine = on_board.get(k)
            others = [i for kk, i in kits.items() if kk != k] + list(out.values())
            if mine is not None and not fresh and not _clashes(mine, others):
                out[k] = kits[k] = mine
        missing = [k for k in keys if k not in out]
        new = allocate(len(missing), kits.values(), avoid=released)
        for k, ident in zip(missing, new, strict=True):
            out[k] = kits[k] = ident
        self._kits = kits
        self._save()
        return out

    def choose(self, key: str, wanted: str) -> Identity:
        """A mentor's choice for one board (`--name`, see parse_name): the parts left out
        are kept from the board's current identity (or allocated). Refused in one sentence
        if another kit in the room has that name (or one a letter apart) or that number."""
        colour, number, word = parse_name(wanted)
        kits = self._load()
        others = [i for k, i in kits.items() if k != key]
        current = kits.get(key) or allocate(1, others)[0]
        ident = Identity(current.colour if colour is None else colour,
                         current.number if number is None else number, word)
        for other_key, other in kits.items():
            if other_key == key:
                continue
            if near(other.name, ident.name):
                raise IdentityError("identity.name_taken", name=word, other=other.name)
            if other.number == ident.number:
                raise IdentityError("identity.number_taken", number=ident.number,
                                    other=other.name)
        kits[key] = ident
        self._save()
        return ident

    def forget(self, key: str) -> None:
        if self._load().pop(key, None) is not None:
            self._save()


def _clashes(ident: Identity, others: Iterable[Identity]) -> bool:
    return any(near(ident.name, o.name) or ident.number == o.number for o in others)
