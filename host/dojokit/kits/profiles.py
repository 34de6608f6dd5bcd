"""Kit profiles, read from the same text files the firmware ships (firmware/kits/*.kit)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dojokit.kits.build import firmware_dir


@dataclass(frozen=True)
class KitProfile:
    id: int
    name: str
    title: str
    board: str
    caps: tuple[str, ...]
    pixels: int
    leds: int
    fields: dict[str, tuple[str, ...]]

    def number(self, key: str, default: float = 0) -> float:
        v = self.fields.get(key)
        if not v:
            return default
        return float(int(v[0], 16)) if v[0].lower().startswith("0x") else float(v[0])


def parse(text: str) -> dict[str, tuple[str, ...]]:
    """The firmware's dk_kit.load() rules: "key value ..." per line, "#" starts a comment."""
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        words = line.split("#")[0].split()
        if words:
            out[words[0]] = tuple(words[1:])
    return out


@cache
def all_kits() -> tuple[KitProfile, ...]:
    kits = []
    for path in sorted((firmware_dir() / "kits").glob("*.kit")):
        f = parse(path.read_text(encoding="utf-8"))
        kits.append(
            KitProfile(
                id=int(f.get("id", ("0",))[0], 0),
                name=f.get("name", (path.stem,))[0],
                title=" ".join(f.get("title", (path.stem,))),
                board=f.get("board", ("",))[0],
                caps=f.get("caps", ()),
                pixels=int(f.get("pixels", ("0",))[0]),
                leds=int(f.get("leds", ("0",))[0]),
                fields=f,
            )
        )
    return tuple(kits)


def kit_by_id(kit_id: int) -> KitProfile | None:
    return next((k for k in all_kits() if k.id == kit_id), None)


def kit_by_name(name: str) -> KitProfile | None:
    return next((k for k in all_kits() if k.name == name), None)
