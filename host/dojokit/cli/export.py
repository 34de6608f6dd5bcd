"""`dojokit export --scratch PROGRAM OUT.sb3`: a copy that vanilla Scratch 3 opens.

The robot blocks become custom blocks with the same words (dojokit.scratch.scratch_export);
`dojokit run` and the studio read the copy back as robot blocks.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

from dojokit.i18n import language, t
from dojokit.scratch.compiler import KNOWN_OPCODES
from dojokit.scratch.sb3 import ProjectError, read_project
from dojokit.scratch.scratch_export import source_assets, write_scratch_sb3

EXIT_OK, EXIT_USER = 0, 2

# why the copy cannot be written, by errno: one sentence each (else the system's words)
_WRITE_PROBLEMS = {errno.ENOENT: "export.out_no_folder", errno.ENOTDIR: "export.out_no_folder",
                   errno.EISDIR: "export.out_is_folder", errno.EACCES: "export.out_not_allowed",
                   errno.EPERM: "export.out_not_allowed", errno.EROFS: "export.out_not_allowed"}


def _out_problem(program: Path, out: Path) -> str | None:
    """Why `out` cannot be the copy, found before anything is read."""
    if out.is_dir():
        return t("export.out_is_folder", path=out)
    if out.suffix.lower() != ".sb3":
        return t("export.out_not_sb3", suggest=out.with_suffix(".sb3").name)
    if not out.parent.is_dir():
        return t("export.out_no_folder", path=out)
    try:
        same = out.exists() and program.exists() and out.samefile(program)
    except OSError:
        same = False
    return t("export.same_file") if same else None


def cmd_export(program: str, out: str, scratch: bool, lang: str | None) -> int:
    if not scratch:
        print(t("export.need_scratch"), file=sys.stderr)
        return EXIT_USER
    src, dst = Path(program), Path(out)
    try:
        pf = read_project(src, KNOWN_OPCODES)
    except ProjectError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    if problem := _out_problem(src, dst):
        print(problem, file=sys.stderr)
        return EXIT_USER
    for w in pf.warnings:
        print(w, file=sys.stderr)
    try:
        write_scratch_sb3(pf.data, dst, lang or language(), source_assets(src))
    except ProjectError as exc:  # ExportError: something Scratch cannot hold
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    except OSError as exc:
        key = _WRITE_PROBLEMS.get(exc.errno or 0, "export.out_not_written")
        print(t(key, path=dst, why=exc.strerror or str(exc)), file=sys.stderr)
        return EXIT_USER
    print(t("export.done", path=dst))
    return EXIT_OK
