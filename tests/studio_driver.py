"""Drive the studio as a learner would, with posted pygame events (SDL's dummy driver).

`build(runner, model, mode)` rebuilds a model solution's scripts from an empty program:
every block is chosen in the palette and put in its place, every value typed or chosen,
by mouse click-to-place ("click"), by dragging ("drag") or by keyboard alone ("keys").
It is a generator: each `yield` lets the studio run one frame on the events posted so far.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygame

from dojokit.colour_names import colour_name
from dojokit.scratch.blocks import block_def
from dojokit.studio.app import Studio
from dojokit.studio.program import INPUT_OBSCURED, Place

EMPTY = {"targets": [
    {"isStage": True, "name": "Stage", "variables": {}, "lists": {}, "broadcasts": {},
     "blocks": {}, "comments": {}, "currentCostume": 0, "costumes": [
         {"name": "backdrop1", "assetId": "cd21514d0531fdffb22204e0ec5ed84a",
          "md5ext": "cd21514d0531fdffb22204e0ec5ed84a.svg", "dataFormat": "svg",
          "rotationCenterX": 0, "rotationCenterY": 0}], "sounds": [], "volume": 100,
     "layerOrder": 0},
    {"isStage": False, "name": "Robot", "variables": {}, "lists": {}, "broadcasts": {},
     "blocks": {}, "comments": {}, "currentCostume": 0, "costumes": [
         {"name": "costume1", "assetId": "cd21514d0531fdffb22204e0ec5ed84a",
          "md5ext": "cd21514d0531fdffb22204e0ec5ed84a.svg", "dataFormat": "svg",
          "rotationCenterX": 0, "rotationCenterY": 0}], "sounds": [], "volume": 100,
     "layerOrder": 1, "visible": True, "x": 0, "y": 0, "size": 100, "direction": 90,
     "draggable": False, "rotationStyle": "all around"}],
    "monitors": [], "extensions": ["dojokit"], "meta": {"semver": "3.0.0"}}


def write_empty(path: Path) -> Path:
    path.write_text(json.dumps(EMPTY))
    return path


def colour_of(value: str) -> str:
    """A colour as the studio offers it: by its name (the studio shows named colours)."""
    rgb = tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))
    return "off" if max(rgb) == 0 else colour_name(rgb)


def same_choice(choice: str, value: str) -> bool:
    if value.startswith("#") and choice.startswith("#"):
        return colour_of(choice) == colour_of(value)
    return choice.lower() == value.lower()


# -- what a program says, independent of ids and positions ------------------------------------
def canonical(data: dict[str, Any]) -> list[Any]:
    target = next(t for t in data["targets"] if not t.get("isStage"))
    blocks = target["blocks"]

    def value(v: Any) -> Any:
        if isinstance(v, list) and len(v) >= 2 and isinstance(v[0], int):
            raw = v[1]
        elif isinstance(v, str) and v in blocks:
            b = blocks[v]
            raw = next(iter(b.get("fields", {}).values()), [None])[0]
        else:
            raw = v
        try:
            return float(raw)
        except (TypeError, ValueError):
            return colour_of(raw) if isinstance(raw, str) and raw.startswith("#") else raw

    def block(bid: str) -> Any:
        b = blocks[bid]
        inputs = {}
        for name, v in sorted(b.get("inputs", {}).items()):
            ref = v[1]
            if isinstance(ref, str) and ref in blocks and not blocks[ref].get("shadow"):
                d = block_def(b["opcode"])
                inputs[name] = stack(ref) if d and name in d.substacks else block(ref)
            elif v[0] == INPUT_OBSCURED:
                inputs[name] = block(ref)
            else:
                inputs[name] = value(ref)
        fields = {k: f[0] for k, f in sorted(b.get("fields", {}).items())}
        return (b["opcode"], inputs, fields)

    def stack(top: str) -> list[Any]:
        out, cur = [], top
        while cur:
            out.append(block(cur))
            cur = blocks[cur].get("next")
        return out

    tops = [k for k, b in blocks.items() if b.get("topLevel") and not b.get("shadow")]
    return sorted((stack(t) for t in tops), key=json.dumps)


# -- events ----------------------------------------------------------------------------------
def post(kind: int, **attrs: Any) -> None:
    pygame.event.post(pygame.event.Event(kind, **attrs))


def click(pos: tuple[int, int]) -> None:
    post(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEBUTTONDOWN, pos=pos, button=1)
    post(pygame.MOUSEBUTTONUP, pos=pos, button=1)


def key(k: int, mod: int = 0) -> None:
    post(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)
    post(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0)


def type_text(text: str) -> None:
    for ch in text:
        post(pygame.TEXTINPUT, text=ch)


# -- the builder -----------------------------------------------------------------------------
class Builder:
    def __init__(self, runner: Any, model: dict[str, Any], mode: str) -> None:
        self.r = runner
        self.model = model
        self.mode = mode
        target = next(t for t in model["targets"] if not t.get("isStage"))
        self.mb = target["blocks"]
        self.ids: dict[str, str] = {}  # model id -> studio id

    @property
    def st(self) -> Studio:
        return self.r.studio

    def run(self) -> Iterator[None]:
        tops = [k for k, b in self.mb.items() if b.get("topLevel") and not b.get("shadow")]
        for i, top in enumerate(tops):
            yield from self.stack(top, None, i)

    def stack(self, top: str, where: tuple[str, str] | None, index: int = 0) -> Iterator[None]:
        prev: str | None = None
        cur: str | None = top
        while cur:
            if prev is None and where is None:
                place = None  # a new script
            elif prev is None:
                assert where is not None
                place = Place("substack", self.ids[where[0]], where[1])
            else:
                place = Place("next", self.ids[prev])
            yield from self.block(cur, place, index)
            prev, cur = cur, self.mb[cur].get("next")

    def block(self, mid: str, place: Place | None, index: int = 0) -> Iterator[None]:
        b = self.mb[mid]
        yield from self.put(b["opcode"], place, index)
        self.ids[mid] = self.st.last_added
        d = block_def(b["opcode"])
        assert d is not None, b["opcode"]
        for s in d.slots:
            if s.kind == "substack":
                continue
            if s.is_field:
                if s.name in b.get("fields", {}):
                    yield from self.value(mid, s, str(b["fields"][s.name][0]))
                continue
            v = b.get("inputs", {}).get(s.name)
            if not v:
                continue
            ref = v[1]
            if isinstance(ref, str) and ref in self.mb and not self.mb[ref].get("shadow"):
                yield from self.block(ref, Place("input", self.ids[mid], s.name))
                continue
            lit = ref if isinstance(ref, list) else None
            if isinstance(ref, str) and ref in self.mb:
                lit = [0, next(iter(self.mb[ref]["fields"].values()))[0]]
            if lit is not None and str(lit[1]) != str(
                    self.st.program.literal(self.ids[mid], s)):
                yield from self.value(mid, s, str(lit[1]))
        for s in d.slots:
            if s.kind == "substack":
                first = self.mb[mid].get("inputs", {}).get(s.name)
                if first and isinstance(first[1], str) and first[1] in self.mb:
                    yield from self.stack(first[1], (mid, s.name))

    # choosing a block and putting it somewhere
    def put(self, opcode: str, place: Place | None, index: int) -> Iterator[None]:
        before = self.st.program.count()
        getattr(self, f"_put_{self.mode}")(opcode, place, index)
        yield
        yield
        assert self.st.holding is None, f"{opcode} is still held, not placed at {place}"
        assert self.st.program.count() == before + 1, f"{opcode} was not placed at {place}"
        assert self.st.program.blocks[self.st.last_added]["opcode"] == opcode

    def _palette_rect(self, opcode: str) -> pygame.Rect:
        for kind, rect, e in self.st.targets("palette"):
            if kind == "palette" and e.opcode == opcode:
                return rect
        raise AssertionError(f"{opcode} is not in the palette")

    def _place_rect(self, place: Place | None) -> pygame.Rect:
        st = self.st
        for kind, rect, pc in st.targets("script"):
            if place is None and kind == "newscript":
                return rect
            if kind == "place" and pc.place == place:
                if not st.script_rect.contains(rect):  # scrolled as a learner scrolls
                    st.scroll_into_view(rect)
                    return self._place_rect(place)
                return rect
        raise AssertionError(f"no place {place} is shown")

    def _free_point(self, index: int) -> tuple[int, int]:
        r = self.st.script_rect
        return r.x + 40, r.y + 40 + index * 300

    def _put_click(self, opcode: str, place: Place | None, index: int) -> None:
        self._ensure_visible(opcode)
        click(self._palette_rect(opcode).center)
        self._after_hold = (place, index)
        # the place is clicked in the next frame, once the places are shown
        self.r._pending.append(self._click_place)

    def _click_place(self) -> None:
        place, index = self._after_hold
        if place is None:
            click(self._free_point(index))
        else:
            rect = self._place_rect(place)
            click((rect.x + 10, rect.centery))

    def _put_drag(self, opcode: str, place: Place | None, index: int) -> None:
        self._ensure_visible(opcode)
        src = self._palette_rect(opcode)
        grab = (src.x + 12, src.y + 12)
        post(pygame.MOUSEBUTTONDOWN, pos=grab, button=1)
        self._after_hold = (place, index)
        self._grab = grab
        self.r._pending.append(self._drag_to)

    def _drag_to(self) -> None:
        place, index = self._after_hold
        if place is None:
            to = self._free_point(index)
        else:
            # where the landing bar of that place is drawn (blocks do not move in a drag)
            st = self.st
            r = st.from_script(st.layout().marker(place))
            if not st.script_rect.contains(r):  # the learner scrolls first (wheel)
                st.scroll_into_view(r)
                r = st.from_script(st.layout().marker(place))
            half = 22 * st.scale if place.kind == "input" else 0
            to = (r.x + 12, round(r.centery - half) + 12)
        x0, y0 = self._grab
        for i in range(1, 9):
            pos = (x0 + (to[0] - x0) * i // 8, y0 + (to[1] - y0) * i // 8)
            post(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0))
        self.r._pending.append(lambda: post(pygame.MOUSEBUTTONUP, pos=to, button=1))

    def _put_keys(self, opcode: str, place: Place | None, index: int) -> None:
        self._focus_region("palette")
        self._after_hold = (place, index)
        self.r._pending.append(lambda: self._keys_palette(opcode))
        self.r._pending.append(self._keys_place)

    def _keys_palette(self, opcode: str) -> None:
        st = self.st
        assert st.region == "palette"
        ts = st.targets("palette")
        want = next(i for i, (_, _, e) in enumerate(ts) if e.opcode == opcode)
        for _ in range((want - st.index) % len(ts)):
            key(pygame.K_DOWN)
        key(pygame.K_RETURN)

    def _keys_place(self) -> None:
        place, _ = self._after_hold
        st = self.st
        ts = st.targets("script")
        if place is None:
            want = next(i for i, t in enumerate(ts) if t[0] == "newscript")
        else:
            want = next(i for i, t in enumerate(ts) if t[0] == "place" and t[2].place == place)
        for _ in range((want - st.index) % len(ts)):
            key(pygame.K_DOWN)
        key(pygame.K_RETURN)

    def _focus_region(self, region: str) -> None:
        from dojokit.studio.app import REGIONS

        st = self.st
        steps = (REGIONS.index(region) - REGIONS.index(st.region)) % len(REGIONS)
        if steps == 0:  # enter it again so the focus starts at its first target
            steps = len(REGIONS)
        for _ in range(steps):
            key(pygame.K_TAB)

    def _ensure_visible(self, opcode: str) -> None:
        st = self.st
        rect = self._palette_rect(opcode)
        while rect.bottom > st.palette_rect.bottom:
            st.wheel(0, -1, st.palette_rect.center)
            rect = self._palette_rect(opcode)
        while rect.top < st.palette_rect.top:
            st.wheel(0, 1, st.palette_rect.center)
            rect = self._palette_rect(opcode)

    # typing or choosing a value
    def value(self, mid: str, slot: Any, value: str) -> Iterator[None]:
        bid = self.ids[mid]
        if self.mode == "keys":
            self._focus_region("script")
            self.r._pending.append(lambda: self._keys_slot(bid, slot.name))
            yield
            yield
        else:
            rect = self._slot_rect(bid, slot.name)
            click(rect.center)
            yield
        ed = self.st.editor
        assert ed is not None, f"no editor opened for {slot.name}"
        if ed.kind == "text":
            for _ in range(len(ed.text)):
                key(pygame.K_BACKSPACE)
            type_text(value)
            key(pygame.K_RETURN)
        else:
            want = next(i for i, c in enumerate(ed.choices) if same_choice(c.value, value))
            if self.mode == "keys":
                for _ in range((want - ed.focus) % len(ed.choices)):
                    key(pygame.K_DOWN)
                key(pygame.K_RETURN)
            else:
                click(ed.choices[want].rect.center)
        yield
        assert self.st.editor is None, f"{value!r} was not accepted in {slot.name}"

    def _slot_rect(self, bid: str, name: str) -> pygame.Rect:
        st = self.st
        for kind, rect, pc in st.targets("script"):
            if kind == "slot" and pc.block == bid and pc.slot.name == name:
                if not st.script_rect.contains(rect):
                    st.scroll_into_view(rect)
                    return self._slot_rect(bid, name)
                return rect
        raise AssertionError(f"no slot {name} on {bid}")

    def _keys_slot(self, bid: str, name: str) -> None:
        st = self.st
        ts = st.targets("script")
        want = next(i for i, (kind, _, pc) in enumerate(ts)
                    if kind == "slot" and pc.block == bid and pc.slot.name == name)
        for _ in range((want - st.index) % len(ts)):
            key(pygame.K_DOWN)
        key(pygame.K_RETURN)


def drive(runner: Any, steps: Iterator[None]) -> None:
    """Run the studio; each `next(steps)` happens before one frame (its posted events are
    handled in that frame), after what a step left for the next frames (`runner._pending`).
    Waits for the first frames to be drawn first."""
    import asyncio

    runner._pending = []

    def script(r: Any, frame: int) -> bool:
        if frame < 2:
            return True
        if r._pending:
            r._pending.pop(0)()
            return True
        try:
            next(steps)
        except StopIteration:
            return False
        return True

    asyncio.run(runner.run(script, ask_who=False))
