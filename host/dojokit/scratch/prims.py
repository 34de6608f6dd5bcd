"""Block behaviours the compiled scripts call: lists, looks, motion and sensing, each as
scratch-vm's block implementation does it (src/blocks/scratch3_*.js), without a renderer.
Operators and casting live in operators.py and cast.py."""

from __future__ import annotations

import math
from typing import Any

from dojokit.scratch.cast import compare, is_whitespace, to_list_index, to_number, to_string
from dojokit.scratch.model import Target

LIST_LIMIT = 200000  # scratch-vm's LIST_ITEM_LIMIT: adding beyond it does nothing
STAGE_W, STAGE_H = 480, 360


# -- lists -----------------------------------------------------------------------------------
def item_of(lst: list[Any], index: Any, rng: Any) -> Any:
    if type(index) is float and index == index:
        i = math.floor(index)
        return lst[i - 1] if 1 <= i <= len(lst) else ""
    i = to_list_index(index, len(lst), False, rng)
    return lst[i - 1] if isinstance(i, int) else ""


def add_to(lst: list[Any], item: Any) -> None:
    if len(lst) < LIST_LIMIT:
        lst.append(item)


def delete_of(lst: list[Any], index: Any, rng: Any) -> None:
    i = to_list_index(index, len(lst), True, rng)
    if i == "ALL":
        lst.clear()
    elif isinstance(i, int):
        del lst[i - 1]


def insert_at(lst: list[Any], index: Any, item: Any, rng: Any) -> None:
    i = to_list_index(index, len(lst) + 1, False, rng)
    if isinstance(i, int) and i <= LIST_LIMIT:
        lst.insert(i - 1, item)
        if len(lst) > LIST_LIMIT:  # a full list drops its last item instead
            lst.pop()


def replace_item(lst: list[Any], index: Any, item: Any, rng: Any) -> None:
    i = to_list_index(index, len(lst), False, rng)
    if isinstance(i, int):
        lst[i - 1] = item


def item_num(lst: list[Any], item: Any) -> float:
    for i, v in enumerate(lst):
        if compare(v, item) == 0:
            return float(i + 1)
    return 0.0


def contains_item(lst: list[Any], item: Any) -> bool:
    # `in` is only a fast path: whatever it finds, Scratch's compare finds too
    return item in lst or any(compare(v, item) == 0 for v in lst)


# -- looks ------------------------------------------------------------------------------------
def wrap_clamp(n: float, lo: float, hi: float) -> float:
    r = hi - lo + 1
    return n - math.floor((n - lo) / r) * r


def set_costume_index(t: Target, index: float) -> None:
    # RenderedTarget.setCostume: Math.round, non-finite to 0, then wrapped into range
    n = len(t.sprite.costumes)
    if n:
        i = math.floor(index + 0.5) if math.isfinite(index) else 0
        t.costume = int(wrap_clamp(i, 0, n - 1))


def costume_index_by_name(t: Target, name: str) -> int:
    for i, c in enumerate(t.sprite.costumes):
        if c.get("name") == name:
            return i
    return -1


def switch_costume(t: Target, want: Any, zero_index: bool = False,
                   words: tuple[str, str] = ("next costume", "previous costume"),
                   rng: Any = None) -> None:
    """looks_switchcostumeto (and, with the backdrop words and an rng, switch backdrop): a
    number is an index; text is a name, "next"/"previous", (for backdrops) "random", or a
    number written as text (blank text is not a number)."""
    if type(want) is float:
        set_costume_index(t, want if zero_index else want - 1)
        return
    s = to_string(want)
    i = costume_index_by_name(t, s)
    n = len(t.sprite.costumes)
    if i != -1:
        set_costume_index(t, float(i))
    elif s == words[0]:
        set_costume_index(t, float(t.costume + 1))
    elif s == words[1]:
        set_costume_index(t, float(t.costume - 1))
    elif s == "random backdrop" and rng is not None:
        if n > 1:  # never the one showing now, so the block always changes something
            k = rng.randint(0, n - 2)
            set_costume_index(t, float(k + 1 if k >= t.costume else k))
    elif not is_whitespace(s) and to_number_or_nan(s) == to_number_or_nan(s):
        v = to_number(s)
        set_costume_index(t, v if zero_index else v - 1)


def switch_backdrop(rt: Any, want: Any, zero_index: bool = False) -> list[Any]:
    stage = rt.stage
    switch_costume(stage, want, zero_index, ("next backdrop", "previous backdrop"), rt.rng)
    name = stage.sprite.costumes[stage.costume]["name"] if n_costumes(stage) else ""
    return rt.start_hats("event_whenbackdropswitchesto", {"BACKDROP": name.upper()})


def n_costumes(t: Target) -> int:
    return len(t.sprite.costumes)


def to_number_or_nan(s: str) -> float:
    # JS isNaN(string): whether Number(string) is NaN (to_number turns NaN into 0)
    from dojokit.scratch.cast import js_number

    return js_number(s)


def costume_number_name(t: Target, what: str) -> Any:
    if what == "number":
        return float(t.costume + 1)
    cs = t.sprite.costumes
    return cs[t.costume].get("name", "") if 0 <= t.costume < len(cs) else ""


def layer(rt: Any, t: Target, front_back: str) -> None:
    if t.is_stage:
        return
    if front_back == "front":
        rt.set_layer(t, math.inf)
    else:
        rt.set_layer(t, -math.inf)


def layers_by(rt: Any, t: Target, direction: str, n: Any) -> None:
    if t.is_stage:
        return
    k = to_number(n)
    rt.move_layer(t, k if direction == "forward" else -k)


# -- motion -----------------------------------------------------------------------------------
def set_xy(t: Target, x: float, y: float) -> None:
    if not t.is_stage:
        t.x = x
        t.y = y


def set_direction(t: Target, d: float) -> None:
    if not t.is_stage and math.isfinite(d):
        t.direction = wrap_clamp(d, -179, 180)


def move_steps(t: Target, steps: float) -> None:
    r = math.radians(90 - t.direction)
    set_xy(t, t.x + steps * math.cos(r), t.y + steps * math.sin(r))


def position_of(rt: Any, me: Target, name: str) -> tuple[float, float] | None:
    if name == "_mouse_":
        return 0.0, 0.0
    if name == "_random_":
        return (float(round(STAGE_W * (rt.rng.random() - 0.5))),
                float(round(STAGE_H * (rt.rng.random() - 0.5))))
    other = rt.target_by_name(name)
    if other is None:
        return None
    return other.x, other.y


def go_to(rt: Any, me: Target, name: Any) -> None:
    pos = position_of(rt, me, to_string(name))
    if pos is not None:
        set_xy(me, *pos)


def point_towards(rt: Any, me: Target, name: Any) -> None:
    s = to_string(name)
    if s == "_random_":
        set_direction(me, float(round(rt.rng.random() * 360) - 180))
        return
    pos = position_of(rt, me, s)
    if pos is not None:
        dx, dy = pos[0] - me.x, pos[1] - me.y
        set_direction(me, 90 - math.degrees(math.atan2(dy, dx)))


def distance_to(rt: Any, me: Target, name: Any) -> float:
    if me.is_stage:
        return 10000.0
    s = to_string(name)
    pos = (0.0, 0.0) if s == "_mouse_" else None
    if pos is None:
        other = rt.target_by_name(s)
        if other is None:
            return 10000.0
        pos = (other.x, other.y)
    return math.sqrt((me.x - pos[0]) ** 2 + (me.y - pos[1]) ** 2)


def bounce(t: Target) -> None:
    # without a renderer scratch-vm cannot know the sprite's bounds: nothing happens
    return


def set_size(t: Target, size: float) -> None:
    if not t.is_stage and math.isfinite(size):
        t.size = max(0.0, size) if size == size else t.size


def set_effect(t: Target, effect: str, value: float) -> None:
    t.effects[effect.lower()] = value


def change_effect(t: Target, effect: str, value: float) -> None:
    t.effects[effect.lower()] = t.effects.get(effect.lower(), 0.0) + value
