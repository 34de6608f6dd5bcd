"""Kit profiles, read from the same text files the firmware ships (firmware/kits/*.kit)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dojokit.kits.build import firmware_dir, parse_kit


@dataclass(frozen=True)
class KitProfile:
    id: int
    name: str
    title: str
    board: str
    caps: tuple[str, ...]
    pixels: int
    leds: int
    fields: dict[str, list[str]]


@cache
def all_kits() -> tuple[KitProfile, ...]:
    kits = []
    for path in sorted((firmware_dir() / "kits").glob("*.kit")):
        f = parse_kit(path.read_text(encoding="utf-8"))
        kits.append(
            KitProfile(
                id=int(f.get("id", ["0"])[0], 0),
                name=f.get("name", [path.stem])[0],
                title=" ".join(f.get("title", [path.stem])),
                board=f.get("board", [""])[0],
                caps=tuple(f.get("caps", ())),
                pixels=int(f.get("pixels", ["0"])[0]),
                leds=int(f.get("leds", ["0"])[0]),
                fields=f,
            )
        )
    return tuple(kits)


def kit_by_id(kit_id: int) -> KitProfile | None:
    return next((k for k in all_kits() if k.id == kit_id), None)


def kit_by_name(name: str) -> KitProfile | None:
    return next((k for k in all_kits() if k.name == name), None)
