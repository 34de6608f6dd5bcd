"""Opening, saving and autosaving the learner's program: nothing is ever lost.

- `open_program` reads an .sb3 (project.json in a zip) or a bare project.json through the
  runtime's own loader (dojokit.scratch.sb3: a broken file gives its one clear sentence), and
  keeps every other file of the zip (costumes, sounds) byte for byte for the next save.
- `save_program` writes .sb3 or .json atomically: a temporary file in the same folder, flushed
  and fsynced, renamed over the old one, and the folder fsynced. A reader (or a studio killed
  at any moment) sees the old file or the new one, never half of one.
- The project.json written is `json.dumps` of the very dict that was read (key order kept):
  every block, input, field, comment, position and unknown key comes back as it was.
- `Autosaver` saves the learner's work for an exercise after every change (Program.changes);
  `load_autosave` gives it back, else the exercise's starter.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from dojokit.i18n import t
from dojokit.scratch.compiler import KNOWN_OPCODES
from dojokit.scratch.sb3 import MAX_TOTAL_BYTES, ProjectError, read_project
from dojokit.scratch.scratch_export import BLANK_SVG, BLANK_SVG_ID, SILENT_WAV
from dojokit.studio.program import Program
from dojokit.themebox.progress import data_dir

__all__ = ["Autosaver", "Opened", "ProjectError", "SaveError", "autosave_path",
           "load_autosave", "open_program", "placeholder_assets", "project_json_bytes",
           "safe_name", "save_program", "sb3_bytes", "work_folder", "write_atomic"]

PROJECT_JSON = "project.json"
AUTOSAVE_FOLDER = "autosave"
WORK_FOLDER = "dojokit"  # in the user's documents folder
# a fixed zip time stamp: the same program gives the same bytes (no noise for teachers' diffs)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_TMP_SUFFIX = ".tmp"

# Scratch's own empty costume and a moment of silence: one definition, shared with "Export for
# Scratch" (its md5 is the assetId every new Scratch project, and every program shipped here,
# names, so a costume written from it is the real thing)
BLANK_SVG_MD5 = BLANK_SVG_ID


def _png_1x1() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1 x 1, 8-bit RGBA
    idat = zlib.compress(b"\x00\x00\x00\x00\x00")  # filter byte + one transparent pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(
        b"IEND", b"")


# the smallest valid file of each format Scratch stores, for a costume or sound the program
# names but whose file we do not have (a bare project.json has none)
PLACEHOLDERS: dict[str, bytes] = {"svg": BLANK_SVG, "png": _png_1x1(), "wav": SILENT_WAV}


class SaveError(Exception):
    """A program that could not be written; str() is one translated sentence."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        super().__init__(t(key, **fields))


@dataclass
class Opened:
    """A program as opened: its project.json (shared with `program`, which edits it in
    place) and the bytes of every other file of its .sb3, kept for saving."""

    data: dict[str, Any]
    assets: dict[str, bytes] = field(default_factory=dict)
    path: Path | None = None
    name: str = ""
    warnings: list[str] = field(default_factory=list)
    unknown_opcodes: list[str] = field(default_factory=list)  # kept, shown plain, not run
    program: Program = field(init=False)

    def __post_init__(self) -> None:
        self.program = Program(self.data)


# -- opening --------------------------------------------------------------------------------
def open_program(path: str | Path) -> Opened:
    """The program at `path` (.sb3 or project.json, told by content), checked by the runtime's
    loader. Raises ProjectError (one sentence) for a file that cannot be opened."""
    path = Path(path).expanduser()
    pf, unknown = _read_checked(path)
    try:
        assets = _read_assets(path) if _is_zip(path) else {}
    except OSError:  # gone or locked since it was read a moment ago
        raise ProjectError("project.unreadable", path=path) from None
    return Opened(data=pf.data, assets=assets, path=path, name=pf.name,
                  warnings=list(pf.warnings), unknown_opcodes=unknown)


def _read_checked(path: Path) -> tuple[Any, list[str]]:
    try:
        return read_project(path, KNOWN_OPCODES), []
    except ProjectError as exc:
        if exc.key != "project.unknown_blocks":
            raise
        # everything else about the file is sound (the loader lists unknown opcodes last):
        # blocks made elsewhere are opened, kept and saved unchanged; only running refuses them
        unknown = sorted(_opcodes(path) - set(KNOWN_OPCODES))
        if not unknown:
            raise
        return read_project(path, set(KNOWN_OPCODES) | set(unknown)), unknown


def _opcodes(path: Path) -> set[str]:
    try:
        raw = _zip_project_json(path) if _is_zip(path) else path.read_bytes()
        data = json.loads(raw.decode("utf-8", errors="replace").removeprefix("\ufeff"))
        return {b["opcode"] for tgt in data["targets"] for b in tgt["blocks"].values()
                if isinstance(b, dict) and isinstance(b.get("opcode"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            zipfile.BadZipFile):
        return set()


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"PK"


def _project_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    # as the loader finds it: at the top, else inside one folder
    found = [i for i in zf.infolist() if re.fullmatch(r"([^/]*/)?project\.json", i.filename)]
    top = [i for i in found if i.filename == PROJECT_JSON]
    return (top or found)[0]


def _zip_project_json(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(_project_member(zf))


def _read_assets(path: Path) -> dict[str, bytes]:
    """Every file of the zip but project.json, named relative to project.json's folder.
    The loader has already bounded the members' number and sizes."""
    assets: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(path) as zf:
            pj = _project_member(zf)
            prefix = pj.filename[: -len(PROJECT_JSON)]
            for info in zf.infolist():
                if info.is_dir() or info.filename == pj.filename:
                    continue
                name = info.filename.removeprefix(prefix) if prefix else info.filename
                data = zf.read(info)
                total += len(data)
                if total > MAX_TOTAL_BYTES:
                    raise ProjectError("project.too_big", limit=MAX_TOTAL_BYTES // (1 << 20))
                assets.setdefault(name, data)
    except ProjectError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError, IndexError):
        raise ProjectError("project.damaged_zip") from None
    return assets


# -- saving ---------------------------------------------------------------------------------
def project_json_bytes(data: dict[str, Any]) -> bytes:
    """project.json as Scratch writes it (compact UTF-8), keys in the order they were read."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (\\ud800 in the file) cannot be UTF-8: keep it escaped instead
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def _asset_file(asset: dict[str, Any]) -> str | None:
    name = asset.get("md5ext") or f"{asset.get('assetId')}.{asset.get('dataFormat')}"
    return name if isinstance(name, str) else None


def placeholder_assets(data: dict[str, Any], have: Collection[str] = ()) -> dict[str, bytes]:
    """A minimal valid file for every costume and sound `data` names that is not in `have`:
    Scratch's own empty SVG, a transparent pixel, a moment of silence (formats beyond these
    are left out; Scratch shows its default for them)."""
    out: dict[str, bytes] = {}
    for target in data.get("targets", []):
        for asset in [*target.get("costumes", []), *target.get("sounds", [])]:
            name = _asset_file(asset) if isinstance(asset, dict) else None
            if not name or name in have or name in out:
                continue
            fmt = str(asset.get("dataFormat", "")).lower()
            if fmt in PLACEHOLDERS:
                out[name] = PLACEHOLDERS[fmt]
    return out


def sb3_bytes(data: dict[str, Any], assets: dict[str, bytes] | None = None) -> bytes:
    """The .sb3 zip: project.json first, then every kept file, then a placeholder for each
    costume or sound still missing."""
    assets = dict(assets or {})
    assets.update(placeholder_assets(data, assets.keys()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in [(PROJECT_JSON, project_json_bytes(data)), *assets.items()]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, body)
    return buf.getvalue()


def _parts(obj: Opened | Program | dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    if isinstance(obj, Opened):
        return obj.program.data, obj.assets
    if isinstance(obj, Program):
        return obj.data, {}
    return obj, {}


def save_program(obj: Opened | Program | dict[str, Any], path: str | Path) -> Path:
    """Write the program to `path` atomically: a bare project.json for a .json name, an .sb3
    otherwise. Raises SaveError (one sentence) when it cannot be written."""
    path = Path(path).expanduser()
    data, assets = _parts(obj)
    body = (project_json_bytes(data) if path.suffix.lower() == ".json"
            else sb3_bytes(data, assets))
    write_atomic(path, body)
    return path


def _umask() -> int:
    if os.name != "posix":
        return 0
    # read by setting it (there is no other way) once, at import, before any thread writes
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()

# why a file could not be written, by errno: one sentence each (else the system's words)
_SAVE_PROBLEMS = {"ENOENT": "studio.files.no_folder", "ENOTDIR": "studio.files.no_folder",
                  "EISDIR": "studio.files.is_folder", "EACCES": "studio.files.not_allowed",
                  "EPERM": "studio.files.not_allowed", "EROFS": "studio.files.not_allowed",
                  "ENOSPC": "studio.files.disk_full", "EDQUOT": "studio.files.disk_full"}


def _save_error(path: Path, exc: OSError) -> SaveError:
    name = errno.errorcode.get(exc.errno or 0, "")
    if path.is_dir():
        name = "EISDIR"
    key = _SAVE_PROBLEMS.get(name, "studio.files.not_written")
    return SaveError(key, path=path, folder=path.parent, why=exc.strerror or exc)


def write_atomic(path: Path, body: bytes) -> None:
    """`body` at `path`, all or nothing: write a temporary file beside it, fsync it, rename it
    over `path`, fsync the folder (so the rename itself survives a power cut)."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise _save_error(path, IsADirectoryError(21, "Is a directory"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _save_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        if os.name == "posix":
            # mkstemp makes it private (0600): give it the mode a saved file normally has
            try:
                mode = path.stat().st_mode & 0o7777
            except OSError:
                mode = 0o666 & ~_UMASK
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        raise _save_error(path, exc) from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder to fsync it; its rename is journalled
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the file itself is on disk
    finally:
        os.close(fd)


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files left beside `path` by a save that was killed half-way."""
    return sorted(path.parent.glob(f".{glob_escape(path.name)}.*{_TMP_SUFFIX}"))


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# -- where work lives -----------------------------------------------------------------------
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)
_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def safe_name(name: str) -> str:
    """A file name for `name` fit for any file system (Windows, macOS, FAT sticks): plain
    lower-case letters, digits and dashes, plus a short hash of the exact name, so "Lotte",
    "lotte" and "Lötte" never share a folder, even where case or accents are ignored."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = _UNSAFE.sub("-", plain).strip("-")[:MAX_SLUG].strip("-") or "x"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}"


def autosave_path(learner: str, box_id: str, exercise_id: str) -> Path:
    """Where the learner's work on one exercise is saved after every change."""
    return (data_dir() / AUTOSAVE_FOLDER / safe_name(learner) / safe_name(box_id)
            / f"{safe_name(exercise_id)}.sb3")


def work_folder(create: bool = True) -> Path:
    """The learner's own folder for Open and Save As: dojokit in the documents folder."""
    folder = Path(platformdirs.user_documents_dir()) / WORK_FOLDER
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- autosave -------------------------------------------------------------------------------
class Autosaver:
    """Saves the program to `path` each time it changed (call `maybe_save` every frame; it
    costs nothing when nothing changed). A failed save is kept in `error` (one sentence) and
    tried again at the next change; the studio never stops for it."""

    def __init__(self, program: Opened | Program, path: str | Path) -> None:
        self.source = program
        self.path = Path(path)
        self.saved_at = self._program.changes  # the starter or the file is already on disk
        self.error: str | None = None
        self._failed_at: int | None = None
        for tmp in stale_temporaries(self.path) if self.path.parent.is_dir() else []:
            with suppress(OSError):
                tmp.unlink()  # half a save from a studio that was killed

    @property
    def _program(self) -> Program:
        return self.source.program if isinstance(self.source, Opened) else self.source

    @property
    def pending(self) -> bool:
        return self._program.changes != self.saved_at

    def maybe_save(self) -> bool:
        """Save now if the program changed since the last save; True when it saved."""
        changes = self._program.changes
        if changes == self.saved_at or changes == self._failed_at:
            return False
        return self.save()

    def save(self) -> bool:
        changes = self._program.changes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_program(self.source, self.path)
        except SaveError as exc:
            self.error = str(exc)
            self._failed_at = changes
            return False
        except OSError as exc:  # the folder could not be made
            self.error = str(_save_error(self.path, exc))
            self._failed_at = changes
            return False
        self.saved_at = changes
        self.error = self._failed_at = None
        return True


def load_autosave(learner: str, box_id: str, exercise_id: str,
                  starter: str | Path | None = None) -> Opened | None:
    """The learner's last work on this exercise, else the exercise's `starter` (None when
    there is neither). An autosave that cannot be opened is moved aside, never overwritten."""
    path = autosave_path(learner, box_id, exercise_id)
    if path.is_file():
        try:
            opened = open_program(path)
        except ProjectError:
            with suppress(OSError):
                os.replace(path, path.with_name(path.stem + ".unreadable.sb3"))
        else:
            opened.path = None  # work in progress, not a file the learner chose
            return opened
    if starter is None:
        return None
    opened = open_program(starter)
    opened.path = None
    return opened
