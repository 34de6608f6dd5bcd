"""The learners of this computer and each one's studio settings, kept in `learners.json` in
dojokit's user data folder (the folder the progress file uses: themebox.progress.data_dir(),
so XDG_DATA_HOME moves both on Linux).

Each learner has a name and settings: `profile` (calm | standard), `lang` (nl | fr | en),
`scale` (1.0 .. 2.0, the text and block size) and two locks a teacher sets, `profile_locked`
and `lang_locked`.

The lock rule: a locked profile (or language) is the one stored for the learner, whatever
the studio was started with (`--profile`, `--lang`) and whatever the learner chooses in the
studio. `effective()` applies the first half when the studio opens; `update()` refuses a
locked setting unless the teacher makes the change (`teacher=True`). Unlocked, the command
line wins over the stored setting for that session (it is not stored).

The file is written atomically (a temporary file beside it, flushed, fsynced, renamed over
it), so a killed studio leaves either the old file or the new one, never half of one. A file
that cannot be read (damaged, edited by hand) is never lost: it is copied aside as
`learners.damaged-<time>.json` before the list starts empty, and `problem()` says so in one
sentence. When it cannot even be copied aside, nothing is written over it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from dojokit.i18n import LANGUAGES, language, text
from dojokit.themebox.progress import data_dir

__all__ = ["FILE_NAME", "PROFILES", "Learners", "LearnersError", "Settings", "default_path",
           "effective"]

FILE_NAME = "learners.json"
FORMAT_VERSION = 1
PROFILES = ("calm", "standard")  # calm first: the default (DESIGN.md, sensory safety)
SCALE_MIN, SCALE_MAX = 1.0, 2.0
NAME_MAX = 30  # characters: a first name and an initial fit on a large button


def default_path() -> Path:
    return data_dir() / FILE_NAME


@dataclass(frozen=True)
class Settings:
    name: str
    profile: str = "calm"
    lang: str = "en"
    scale: float = 1.0
    profile_locked: bool = False
    lang_locked: bool = False


SETTINGS = tuple(f.name for f in fields(Settings) if f.name != "name")
LOCKS = {"profile": "profile_locked", "lang": "lang_locked"}  # a setting and its lock


def effective(settings: Settings | None, profile_arg: str | None,
              lang_arg: str | None) -> tuple[str, str]:
    """The profile and language the studio uses for this learner: a locked one as stored,
    else the command line's if given, else the stored one (or calm and the system's
    language when no learner is chosen yet)."""
    if settings is None:
        return profile_arg or PROFILES[0], lang_arg or language()
    profile = settings.profile if settings.profile_locked else profile_arg or settings.profile
    lang = settings.lang if settings.lang_locked else lang_arg or settings.lang
    return profile, lang


class LearnersError(Exception):
    """A learner or the learners file cannot be used; `key` and `fields` give the sentence
    in any language (`message(lang)`), str() in the current one."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        return text(self.key, lang).format(**self.fields)


def _valid(field: str, value: Any) -> bool:
    checks = {
        "profile": lambda v: v in PROFILES,
        "lang": lambda v: v in LANGUAGES,
        "scale": lambda v: (isinstance(v, int | float) and not isinstance(v, bool)
                            and SCALE_MIN <= v <= SCALE_MAX),
        "profile_locked": lambda v: isinstance(v, bool),
        "lang_locked": lambda v: isinstance(v, bool),
    }
    return checks[field](value)


class Learners:
    """The learner list. Load it with `Learners.load()`; change it with `add()` and
    `update()`, then `save()`."""

    def __init__(self, path: Path, items: list[Settings] | None = None) -> None:
        self.path = path
        self._items: list[Settings] = list(items or [])
        # (key, fields) of the sentence about a file that could not be read
        self._problem: tuple[str, dict[str, object]] | None = None
        self._frozen = False  # the unreadable file could not be copied aside: keep it

    # -- reading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Learners:
        """The learners kept at `path` (default: the user data folder); none if there is no
        file yet. Never raises for the file's content: a damaged file is copied aside."""
        self = cls(Path(path) if path is not None else default_path())
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return self
        except OSError as e:
            self._problem = ("studio.learners.unreadable",
                             {"path": self.path, "why": e.strerror or str(e)})
            self._frozen = True
            return self
        try:
            self._items = _parse(raw)
        except (ValueError, UnicodeDecodeError):
            self._set_aside()
        return self

    def _set_aside(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"learners.damaged-{stamp}.json")
        n = 1
        while aside.exists():  # two in one second: never write over an earlier copy
            n += 1
            aside = self.path.with_name(f"learners.damaged-{stamp}-{n}.json")
        try:
            shutil.copy2(self.path, aside)
        except OSError as e:
            self._problem = ("studio.learners.damaged_kept",
                             {"path": self.path, "why": e.strerror or str(e)})
            self._frozen = True
            return
        self._problem = ("studio.learners.damaged", {"path": self.path, "copy": aside})

    def problem(self, lang: str | None = None) -> str | None:
        """One sentence about a file that could not be read, or None."""
        if self._problem is None:
            return None
        key, fields = self._problem
        return text(key, lang).format(**fields)

    def names(self) -> list[str]:
        """Every learner's name, in alphabetical order (ignoring case)."""
        return sorted((s.name for s in self._items), key=str.casefold)

    def get(self, name: str) -> Settings:
        for s in self._items:
            if s.name == name:
                return s
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(s.name == name for s in self._items)

    def __len__(self) -> int:
        return len(self._items)

    # -- changing -----------------------------------------------------------------------
    def check_name(self, name: str) -> str:
        """The name as it will be kept (spaces around it dropped); LearnersError with the
        sentence that says what fits when it cannot be used."""
        name = " ".join(name.split())
        if not name:
            raise LearnersError("studio.learners.name_empty")
        if len(name) > NAME_MAX:
            raise LearnersError("studio.learners.name_long", most=NAME_MAX)
        if not name.isprintable():
            raise LearnersError("studio.learners.name_letters")
        if any(s.name.casefold() == name.casefold() for s in self._items):
            raise LearnersError("studio.learners.name_taken", name=name)
        return name

    def add(self, name: str, **settings: Any) -> Settings:
        """A new learner (calm, the current language, 100 %, unless `settings` say other)."""
        name = self.check_name(name)
        new = Settings(name, lang=language())
        new = _with(new, settings)
        self._items.append(new)
        return new

    def update(self, name: str, *, teacher: bool = False, **settings: Any) -> Settings:
        """Change a learner's settings. A locked profile or language, or a lock itself, is
        changed only by the teacher (`teacher=True`): else LearnersError."""
        current = self.get(name)
        if not teacher:
            for setting, lock in LOCKS.items():
                if lock in settings or (setting in settings and getattr(current, lock)
                                        and settings[setting] != getattr(current, setting)):
                    raise LearnersError(f"studio.learners.locked.{setting}", name=name)
        changed = _with(current, settings)
        self._items[self._items.index(current)] = changed
        return changed

    # -- writing ------------------------------------------------------------------------
    def save(self) -> None:
        """Write the list atomically. LearnersError when it cannot be written (or when an
        unreadable file is in its place that could not be copied aside)."""
        if self._frozen:
            raise LearnersError("studio.learners.not_saved_kept", path=self.path)
        body = json.dumps({"version": FORMAT_VERSION,
                           "learners": [asdict(s) for s in self._items]},
                          ensure_ascii=False, indent=1) + "\n"
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".learners.", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            tmp = None
            _sync_folder(self.path.parent)
        except OSError as e:
            raise LearnersError("studio.learners.not_saved", path=self.path,
                                why=e.strerror or str(e)) from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _with(current: Settings, settings: dict[str, Any]) -> Settings:
    for key, value in settings.items():
        if key not in SETTINGS:
            raise TypeError(f"unknown learner setting {key!r}: use one of {SETTINGS}")
        if key == "scale" and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
        if not _valid(key, value):
            raise LearnersError(f"studio.learners.bad.{key}", value=value,
                                known=", ".join(PROFILES if key == "profile" else LANGUAGES),
                                low=SCALE_MIN, high=SCALE_MAX)
    return replace(current, **settings)


def _parse(raw: bytes) -> list[Settings]:
    """The learners in a file's bytes; ValueError when it is not a learners file. A setting
    with a value dojokit does not know gets its default (the learner is kept)."""
    top = json.loads(raw.decode("utf-8"))
    if not isinstance(top, dict) or not isinstance(top.get("learners"), list):
        raise ValueError("not a learners file")
    items: list[Settings] = []
    seen: set[str] = set()
    for entry in top["learners"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError("a learner without a name")
        name = " ".join(entry["name"].split())
        if not name or name.casefold() in seen:
            raise ValueError("an empty or repeated name")
        seen.add(name.casefold())
        kept = {k: entry[k] for k in SETTINGS if k in entry and _valid(k, entry[k])}
        if "scale" in kept:
            kept["scale"] = float(kept["scale"])
        items.append(Settings(name, **kept))
    return items


def _sync_folder(folder: Path) -> None:
    # the rename itself is durable once the folder is synced (POSIX; Windows has no O_RDONLY
    # folders to open, and its rename is already durable)
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
